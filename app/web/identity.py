"""Who is practising: a learner id in a signed cookie, created on the first visit (no sign-up for practice)."""

from __future__ import annotations

import hashlib
import hmac
import uuid

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

LEARNER_COOKIE = "quiz_learner"
ONE_YEAR = 365 * 24 * 3600


class Signer:
    def __init__(self, key: str) -> None:
        self._key = key.encode()
        self._learner = URLSafeSerializer(key, salt="learner")

    def learner(self, cookie: str | None) -> str | None:
        try:
            value = self._learner.loads(cookie) if cookie else None
        except BadSignature:
            return None
        return value if isinstance(value, str) else None

    def tag(self, purpose: str, value: str) -> str:
        """A keyed hash of `value` for one purpose: what only this server can compute (e.g. an LTI state's
        browser binding, kept in a cookie or the platform's storage)."""
        return hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def sign_learner(self, learner_id: str) -> str:
        return self._learner.dumps(learner_id)


class LearnerCookieMiddleware(BaseHTTPMiddleware):
    """Sets `request.state.learner_id`, issuing a new signed cookie when there is none (or a forged one)."""

    def __init__(self, app: ASGIApp, signer: Signer, secure: bool) -> None:
        super().__init__(app)
        self.signer, self.secure = signer, secure

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        learner_id = self.signer.learner(request.cookies.get(LEARNER_COOKIE))
        fresh = learner_id is None
        request.state.learner_id = learner_id or uuid.uuid4().hex
        request.state.learner_fresh = fresh
        response = await call_next(request)
        # /lti/ routes set (or deliberately do not set) the cookie themselves: an LTI launch signs in its learner.
        # A new learner only on a top-level page load: a cross-site post or an embedded request must never
        # replace a student's identity (the cookie, SameSite=Lax, is not sent with them).
        top_level = (
            request.method in ("GET", "HEAD") and request.headers.get("sec-fetch-dest", "document") == "document"
        )
        if fresh and top_level and not request.url.path.startswith(("/static/", "/api/", "/lti/")):
            response.set_cookie(
                LEARNER_COOKIE, self.signer.sign_learner(request.state.learner_id), max_age=ONE_YEAR,
                httponly=True, samesite="lax", secure=self.secure,
            )  # fmt: skip
        return response

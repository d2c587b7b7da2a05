"""Who is practising: a learner id in a signed cookie, created on the first visit (no sign-up for practice)."""

from __future__ import annotations

import hashlib
import hmac
import uuid

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class LearnerCookieMiddleware:
    """Sets `request.state.learner_id`, issuing a new signed cookie when there is none (or a forged one).

    Plain ASGI rather than `BaseHTTPMiddleware`: that one streams each request body through a task group and memory
    streams, which cost the API's posts (an answer check) more than the rest of their way through the app."""

    def __init__(self, app: ASGIApp, signer: Signer, secure: bool) -> None:
        self.app, self.signer, self.secure = app, signer, secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        learner_id = self.signer.learner(request.cookies.get(LEARNER_COOKIE))
        fresh = learner_id is None
        request.state.learner_id = learner_id or uuid.uuid4().hex
        request.state.learner_fresh = fresh
        # /lti/ routes set (or deliberately do not set) the cookie themselves: an LTI launch signs in its learner.
        # A new learner only on a top-level page load: a cross-site post or an embedded request must never
        # replace a student's identity (the cookie, SameSite=Lax, is not sent with them).
        top_level = (
            request.method in ("GET", "HEAD") and request.headers.get("sec-fetch-dest", "document") == "document"
        )
        if not (fresh and top_level and not request.url.path.startswith(("/static/", "/api/", "/lti/"))):
            await self.app(scope, receive, send)
            return
        cookie = Response()
        cookie.set_cookie(
            LEARNER_COOKIE, self.signer.sign_learner(request.state.learner_id), max_age=ONE_YEAR,
            httponly=True, samesite="lax", secure=self.secure,
        )  # fmt: skip

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("set-cookie", cookie.headers["set-cookie"])
            await send(message)

        await self.app(scope, receive, with_cookie)

"""Who calls the REST API: integrators' API keys, their scopes and per-key rate limits.

A key travels as `Authorization: Bearer <key>` (or `X-API-Key: <key>`). Routes that read or write learner data
`Depends(require("<scope>"))`: no key, or an unknown or revoked one, is a 401 with `WWW-Authenticate: Bearer`; a
key without the scope is a 403. The stateless routes (listing, problem view, check, preview) serve the students'
browsers without a key, but a key sent to them must be valid (`allow_anonymous`). Every authenticated request
takes a token from its key's bucket first (429 with `Retry-After` when empty). Errors are problem details.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from app.api.errors import ApiError, ProblemDetails
from app.api.ratelimit import RateLimiter, make_limiter
from app.storage.api_keys import SCOPES, touch_key, verify_token
from app.storage.models import utcnow

PROBLEM_TYPE = "tag:quizzes,2026:"  # + the kind of problem, e.g. tag:quizzes,2026:rate-limited
TOUCH_EVERY = 60.0  # seconds between two writes of a key's `last_used_at` (per process)
_SCOPE_LIST = "; ".join(f"`{name}`: {text}" for name, text in SCOPES.items())

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    bearerFormat="qz_<prefix>_<secret>",
    description=f"An API key from `quizzes keys create`. Scopes: {_SCOPE_LIST}.",
)
header_scheme = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="ApiKeyHeader", description="The same key, in its own header."
)


@dataclass(frozen=True)
class Principal:
    """The key a request was made with."""

    key_id: int
    public_id: str
    name: str
    scopes: frozenset[str]


@dataclass
class ApiRuntime:
    """Per-process state of the API: the rate limiter and when each key's use was last written."""

    limiter: RateLimiter
    clock: Callable[[], float] = time.monotonic
    _touched: dict[int, float] = field(default_factory=dict)

    def due_for_touch(self, key_id: int) -> bool:
        now = self.clock()
        if now - self._touched.get(key_id, -TOUCH_EVERY) < TOUCH_EVERY:
            return False
        self._touched[key_id] = now
        return True


_runtime_lock = threading.Lock()


def api_runtime(request: Request) -> ApiRuntime:
    """The app's ApiRuntime, made on first use from its settings (tests may set `app.state.api_runtime`)."""
    state = request.app.state
    with _runtime_lock:
        if getattr(state, "api_runtime", None) is None:
            state.api_runtime = ApiRuntime(make_limiter(state.settings))
        return state.api_runtime


def _unauthorized(detail: str, error: str | None = None) -> ApiError:
    challenge = 'Bearer realm="quizzes"' + (f', error="{error}"' if error else "")
    return ApiError(401, PROBLEM_TYPE + "unauthorized", "Unauthorized", detail, {"WWW-Authenticate": challenge})


async def authenticate(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    header_key: Annotated[str | None, Depends(header_scheme)],
) -> Principal | None:
    """The key the request carries (None without one), checked, rate-limited and noted as used."""
    if bearer is None and request.headers.get("authorization"):
        raise _unauthorized(
            "Send the API key as `Authorization: Bearer <key>` or `X-API-Key: <key>`.", "invalid_request"
        )
    tokens = {t.strip() for t in (bearer.credentials if bearer else None, header_key) if t and t.strip()}
    if not tokens:
        return None  # anonymous: no database, no thread
    if len(tokens) > 1:
        raise _unauthorized("`Authorization` and `X-API-Key` carry different keys.", "invalid_request")
    principal = await run_in_threadpool(_check_key, request, tokens.pop())
    request.state.api_key = principal
    return principal


def _check_key(request: Request, token: str) -> Principal:
    with request.app.state.session_factory() as session:
        key = verify_token(session, token)
        if key is None:
            raise _unauthorized("The API key is unknown or has been revoked.", "invalid_token")
        runtime = api_runtime(request)
        decision = runtime.limiter.acquire(key.public_id)
        if not decision.allowed:
            raise ApiError(
                429,
                PROBLEM_TYPE + "rate-limited",
                "Too Many Requests",
                f"The key {key.public_id} has used its requests for now; retry after {decision.retry_after_header} s.",
                {"Retry-After": decision.retry_after_header},
            )
        if runtime.due_for_touch(key.id):
            touch_key(session, key.id, utcnow())
        return Principal(key.id, key.public_id, key.name, key.scope_set)


AuthDep = Annotated[Principal | None, Depends(authenticate)]


def _forbid_without(principal: Principal, scope: str) -> None:
    if scope not in principal.scopes:
        challenge = f'Bearer realm="quizzes", error="insufficient_scope", scope="{scope}"'
        detail = f"The key {principal.public_id} lacks the scope `{scope}`."
        raise ApiError(403, PROBLEM_TYPE + "insufficient-scope", "Forbidden", detail, {"WWW-Authenticate": challenge})


def require(scope: str) -> Callable[[Principal | None], Principal]:
    """A dependency: a valid key with `scope`."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    def dependency(principal: AuthDep) -> Principal:
        if principal is None:
            raise _unauthorized(
                f"This endpoint needs an API key with the scope `{scope}`: `Authorization: Bearer <key>`."
            )
        _forbid_without(principal, scope)
        return principal

    return dependency


def allow_anonymous(scope: str | None = None) -> Callable[[Principal | None], Principal | None]:
    """A dependency for open routes: no key is fine; a key sent must be valid (and have `scope`, when given)."""

    def dependency(principal: AuthDep) -> Principal | None:
        if principal is not None and scope is not None:
            _forbid_without(principal, scope)
        return principal

    return dependency


# OpenAPI: the error responses every route may give, as problem details.

_PROBLEM_SCHEMA = ProblemDetails.model_json_schema()


def problem_doc(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    """An OpenAPI response entry: problem details (`application/problem+json`)."""
    entry: dict[str, Any] = {
        "description": description,
        "content": {"application/problem+json": {"schema": _PROBLEM_SCHEMA}},
    }
    if headers:
        entry["headers"] = headers
    return entry


_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}
_CHALLENGE = {"WWW-Authenticate": {"description": '`Bearer realm="quizzes"`…', "schema": {"type": "string"}}}
INVALID: dict[int | str, dict[str, Any]] = {
    400: problem_doc("The body cannot be decoded (not UTF-8 JSON)."),
    422: problem_doc("The body or parameters are invalid (`errors` lists each problem)."),
}
SECURED: dict[int | str, dict[str, Any]] = {
    401: problem_doc("No API key, or an unknown or revoked one.", _CHALLENGE),
    403: problem_doc("The key lacks the scope this endpoint needs.", _CHALLENGE),
    429: problem_doc("The key's rate limit is reached.", _RETRY_AFTER),
    **INVALID,
}
OPEN: dict[int | str, dict[str, Any]] = {
    401: problem_doc("A key was sent, but it is unknown or revoked.", _CHALLENGE),
    429: problem_doc("The key sent has reached its rate limit.", _RETRY_AFTER),
    **INVALID,
}
# Open routes: the key is optional, so "no security" is one of the alternatives.
OPTIONAL_KEY: dict[str, Any] = {"security": [{}]}

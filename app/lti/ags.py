"""Assignment and Grade Services 2.0, client side: OAuth 2 access tokens (client credentials with a signed JWT
assertion, cached until shortly before they expire), line items found or created, and scores posted.

Errors are sorted for the outbox: `AgsError.permanent` (a 4xx such as 422: sending again would fail again) or
not (429, 5xx, 408, a network error: retried later, after `retry_after` seconds when the platform said so).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from app.lti.claims import SCOPE_LINEITEM, SCOPE_LINEITEM_READONLY

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
LINEITEMS_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TRANSIENT = {408, 425, 429}
TOKEN_MARGIN = 60.0  # seconds before expiry a cached token stops being used (at most a tenth of its life)


class AgsError(Exception):
    """A failed call to the platform, with whether retrying can help."""

    def __init__(
        self, message: str, permanent: bool, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(message)
        self.permanent, self.retry_after, self.status = permanent, retry_after, status


@dataclass(frozen=True)
class TokenEndpoint:
    """Who asks for tokens, and where: a registration's id, client id, token URL and assertion audience."""

    platform_id: int
    client_id: str
    url: str
    audience: str


@dataclass
class TokenCache:
    """Access tokens by (registration, scopes), each with the time it stops being used."""

    tokens: dict[tuple[int, tuple[str, ...]], tuple[str, datetime]] = field(default_factory=dict)
    requests: int = 0  # token requests made: the tests count them

    def get(self, key: tuple[int, tuple[str, ...]], now: datetime) -> str | None:
        entry = self.tokens.get(key)
        return entry[0] if entry is not None and now < entry[1] else None

    def drop(self, platform_id: int) -> None:
        for key in [k for k in self.tokens if k[0] == platform_id]:
            del self.tokens[key]


def scores_url(lineitem: str) -> str:
    """`{lineitem}/scores`, with `/scores` on the path BEFORE any query string (Moodle's line items have one)."""
    parts = urlsplit(lineitem)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/scores", parts.query, ""))


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _raise_for(response: httpx.Response, what: str) -> None:
    status = response.status_code
    if status < 400:
        return
    body = " ".join(response.text.split())[:300]
    message = f"{what}: HTTP {status}{': ' + body if body else ''}"
    if status in TRANSIENT or status >= 500 or status == 401:
        raise AgsError(message, permanent=False, retry_after=_retry_after(response), status=status)
    raise AgsError(message, permanent=True, status=status)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return None  # an HTTP date, or nothing: the backoff decides


@dataclass
class AgsClient:
    """Calls to the platforms' grade services, sharing one process's token cache."""

    http: httpx.AsyncClient
    tokens: TokenCache
    timeout: float = 10.0

    async def _send(self, what: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self.http.request(method, url, timeout=self.timeout, **kwargs)
        except httpx.HTTPError as error:
            raise AgsError(f"{what}: {error.__class__.__name__}: {error}", permanent=False) from None
        _raise_for(response, what)
        return response

    async def token(
        self, endpoint: TokenEndpoint, scopes: tuple[str, ...], sign: Callable[[dict[str, Any]], str], now: datetime
    ) -> str:
        """A bearer token for `scopes`, from the cache or the platform's token endpoint; `sign` makes the
        assertion (a JWT signed with the tool's key, `aud` the token URL or the registration's token audience)."""
        key = (endpoint.platform_id, tuple(sorted(scopes)))
        cached = self.tokens.get(key, now)
        if cached is not None:
            return cached
        issued = int(now.timestamp())
        assertion = sign({
            "iss": endpoint.client_id, "sub": endpoint.client_id, "aud": endpoint.audience,
            "iat": issued, "exp": issued + 300, "jti": secrets.token_urlsafe(16),
        })  # fmt: skip
        form = {
            "grant_type": "client_credentials", "client_assertion_type": JWT_BEARER,
            "client_assertion": assertion, "scope": " ".join(key[1]),
        }  # fmt: skip
        self.tokens.requests += 1
        response = await self._send("token request", "POST", endpoint.url, data=form)
        try:
            document = response.json()
            value, lifetime = str(document["access_token"]), float(document.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise AgsError(f"token request: no access_token in {response.text[:200]!r}", permanent=True) from None
        margin = min(TOKEN_MARGIN, lifetime / 10)
        self.tokens.tokens[key] = (value, now + timedelta(seconds=lifetime - margin))
        return value

    async def post_score(self, lineitem: str, score: dict[str, Any], token: str) -> None:
        headers = {"authorization": f"Bearer {token}", "content-type": SCORE_TYPE}
        await self._send("score post", "POST", scores_url(lineitem), json=score, headers=headers)

    async def find_line_item(self, lineitems: str, resource_link_id: str, resource_id: str, token: str) -> str | None:
        """The line item of this link (or with our resourceId) among the container's, or None."""
        headers = {"authorization": f"Bearer {token}", "accept": LINEITEMS_TYPE}
        url = with_query(lineitems, resource_link_id=resource_link_id)
        response = await self._send("line item search", "GET", url, headers=headers)
        try:
            items = response.json()
        except ValueError:
            raise AgsError("line item search: the answer is not JSON", permanent=True) from None
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            if item.get("resourceLinkId") == resource_link_id or item.get("resourceId") == resource_id:
                return str(item["id"])
        return None

    async def create_line_item(self, lineitems: str, body: dict[str, Any], token: str) -> str:
        headers = {"authorization": f"Bearer {token}", "content-type": LINEITEM_TYPE, "accept": LINEITEM_TYPE}
        response = await self._send("line item creation", "POST", lineitems, json=body, headers=headers)
        try:
            return str(response.json()["id"])
        except (ValueError, KeyError, TypeError):
            raise AgsError("line item creation: the answer has no id", permanent=True) from None


def line_item_scopes(granted: tuple[str, ...]) -> tuple[str, ...]:
    """The scope to ask for to find or create a line item: read-write when granted, else read-only."""
    if SCOPE_LINEITEM in granted:
        return (SCOPE_LINEITEM,)
    return (SCOPE_LINEITEM_READONLY,) if SCOPE_LINEITEM_READONLY in granted else ()

"""A fake LMS for the tests: its own RSA keys (made with cryptography), a JWKS, an OAuth 2 token endpoint, line
items and scores, served to the tool through an httpx.MockTransport (the LMS is the only fake)."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from app.lti import claims as c

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
TEST_USER = "http://purl.imsglobal.org/vocab/lti/system/person#TestUser"
ALL_AGS = (c.SCOPE_SCORE, c.SCOPE_LINEITEM, c.SCOPE_LINEITEM_READONLY)


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Call:
    method: str
    url: str
    headers: httpx.Headers
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class FakePlatform:
    """One LMS host. `responses` queues the status codes of the next score posts (then 200)."""

    host: str = "lms.test"
    issuer: str = "https://lms.test"
    client_id: str = "tool-client-1"
    deployments: tuple[str, ...] = ("dep-1",)
    key: rsa.RSAPrivateKey = field(default_factory=rsa_key)
    kid: str = "lms-key-1"
    jwks_up: bool = True
    token_lifetime: int = 3600
    responses: list[int] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    accepted: list[Call] = field(default_factory=list)
    line_items: list[dict[str, Any]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    issued: list[str] = field(default_factory=list)
    on_score: Callable[[Call], None] | None = None

    @property
    def base(self) -> str:
        return f"https://{self.host}"

    def registration(self, **extra: Any) -> dict[str, Any]:
        """This LMS as a platforms-file entry."""
        return {
            "name": f"Fake LMS {self.host}", "issuer": self.issuer, "client_id": self.client_id,
            "auth_login_url": f"{self.base}/auth?tenant=1", "auth_token_url": f"{self.base}/token",
            "jwks_url": f"{self.base}/jwks", "deployments": list(self.deployments), **extra,
        }  # fmt: skip

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def rotate(self) -> None:
        """The platform changes its signing key (the tool must refresh its JWKS cache)."""
        self.key, self.kid = rsa_key(), f"lms-key-{secrets.token_hex(3)}"

    # What the LMS signs

    def id_token(self, nonce: str, *, key: rsa.RSAPrivateKey | None = None, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer, "aud": self.client_id, "sub": "user-1", "iat": now, "exp": now + 300, "nonce": nonce,
            c.VERSION: "1.3.0", c.MESSAGE_TYPE: c.RESOURCE_LINK_REQUEST, c.DEPLOYMENT_ID: self.deployments[0],
            c.TARGET_LINK_URI: "https://testserver/lti/launch", c.ROLES: [LEARNER],
            c.RESOURCE_LINK: {"id": "link-1"}, c.CONTEXT: {"id": "course-1"},
            "email": "student@example.edu", "name": "A Student",
        }  # fmt: skip
        payload.update(claims)
        payload = {k: v for k, v in payload.items() if v is not None}
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def ags(self, lineitem: str | None, lineitems: str | None = None, scopes: tuple[str, ...] = ALL_AGS) -> dict:
        container = lineitems or f"{self.base}/mod/lti/services.php/2/lineitems?type_id=1"
        endpoint = {"scope": list(scopes), "lineitems": container, **({"lineitem": lineitem} if lineitem else {})}
        return {c.AGS_ENDPOINT: endpoint}

    # The LMS's endpoints

    def handle(self, request: httpx.Request) -> httpx.Response:
        call = Call(request.method, str(request.url), request.headers, request.read())
        self.calls.append(call)
        path = urlsplit(call.url).path
        if path == "/jwks":
            if not self.jwks_up:
                return httpx.Response(503, text="maintenance")
            jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return httpx.Response(200, json={"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]})
        if path == "/token":
            token = secrets.token_hex(8)
            self.tokens.add(token)
            self.issued.append(token)
            return httpx.Response(
                200, json={"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}
            )
        if not self._authorized(request):
            return httpx.Response(401, text="bad token")
        if path.endswith("/scores"):
            return self._score(call)
        if path.endswith("/lineitems") and call.method == "GET":
            link = parse_qs(urlsplit(call.url).query).get("resource_link_id", [None])[0]
            return httpx.Response(
                200, json=[i for i in self.line_items if link is None or i.get("resourceLinkId") == link]
            )
        if path.endswith("/lineitems") and call.method == "POST":
            item = {**call.json(), "id": f"{self.base}/lineitems/{len(self.line_items) + 1}/lineitem"}
            self.line_items.append(item)
            return httpx.Response(201, json=item)
        return httpx.Response(404)

    def _authorized(self, request: httpx.Request) -> bool:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return scheme == "Bearer" and token in self.tokens

    def _score(self, call: Call) -> httpx.Response:
        if call.headers.get("content-type") != SCORE_TYPE:  # Moodle enforces the media type
            return httpx.Response(415, text="unsupported media type")
        status = self.responses.pop(0) if self.responses else 200
        if status == 200:
            self.accepted.append(call)
            if self.on_score is not None:
                self.on_score(call)
        headers = {"retry-after": "120"} if status == 429 else {}
        return httpx.Response(status, json={} if status < 400 else {"error": "nope"}, headers=headers)

    def score_calls(self) -> list[Call]:
        """Every score post, accepted or not."""
        return [k for k in self.calls if urlsplit(k.url).path.endswith("/scores")]

    def token_calls(self) -> list[Call]:
        return [k for k in self.calls if urlsplit(k.url).path == "/token"]

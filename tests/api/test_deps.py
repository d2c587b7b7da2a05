"""Who a check is queued as: the learner of a cookie the middleware verified, else the address."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from app.deps import client_of
from app.web.identity import LEARNER_COOKIE, LearnerCookieMiddleware, Signer

SIGNER = Signer("deps-test-" + "k" * 40)


async def who(request: Request) -> PlainTextResponse:
    return PlainTextResponse(client_of(request))


@pytest.fixture
def client() -> TestClient:
    app = Starlette(routes=[Route("/api/who", who)])
    app.add_middleware(LearnerCookieMiddleware, signer=SIGNER, secure=False)
    return TestClient(app)


def test_a_browser_with_a_signed_cookie_is_queued_as_its_learner(client: TestClient) -> None:
    client.cookies.set(LEARNER_COOKIE, SIGNER.sign_learner("ada"))
    assert client.get("/api/who").text == "learner:ada"


def test_a_forged_or_missing_cookie_is_queued_as_the_address(client: TestClient) -> None:
    assert client.get("/api/who").text == "ip:testclient"
    client.cookies.set(LEARNER_COOKIE, Signer("another-" + "k" * 40).sign_learner("ada"))
    assert client.get("/api/who").text == "ip:testclient"

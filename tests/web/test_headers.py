"""Security headers: a Content-Security-Policy whose frame-ancestors lets the registered LMSs embed the tool,
nosniff and a Referrer-Policy, on every response."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.lti import store
from app.lti.config import PlatformConfig
from app.storage.db import make_engine, migrate, session_factory
from app.storage.models import utcnow
from app.web.headers import FrameAncestors
from tests.web.test_pages import app, app_settings  # noqa: F401  (the same app as the page tests)


def test_every_response_forbids_inline_scripts_sniffing_and_foreign_framing(app) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client = TestClient(app)
    for path in ("/", "/problems/c147-w23-2", "/static/app.js", "/api/v1/problems", "/no-such-page"):
        headers = client.get(path).headers
        policy = dict(d.strip().split(" ", 1) for d in headers["content-security-policy"].split(";"))
        assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'", path
        assert policy["frame-ancestors"] == "'self'", path  # no LMS registered here
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "same-origin"


def run(coroutine: Coroutine[Any, Any, str]) -> str:
    """Run a coroutine in its own thread (the browser tests' Playwright keeps an event loop in this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_the_registered_lms_origins_may_frame_the_tool(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    migrate(engine)
    sessions = session_factory(engine)
    ancestors = FrameAncestors(sessions, ["https://*.instructure.com"])
    assert run(ancestors.get()) == "https://*.instructure.com"
    config = PlatformConfig(
        issuer="https://moodle.example.edu", client_id="tool", auth_login_url="https://login.example.edu/auth",
        auth_token_url="https://moodle.example.edu/token", jwks_url="https://moodle.example.edu/jwks",
        deployments=[{"id": "1"}],
    )  # fmt: skip
    with sessions() as session:
        store.register(session, config, "cli", utcnow())
    assert run(FrameAncestors(sessions, []).get()) == "https://login.example.edu https://moodle.example.edu"
    engine.dispose()

"""One app for the LTI tests, registered (through a platforms file) with several fake LMSs reached through an
httpx.MockTransport: a Moodle-like one, two Canvas tenants sharing one issuer, a D2L-like one, and one whose JWKS
is down. The outbox's background drainer is off: the tests call `drain_once(now)` themselves."""

from __future__ import annotations

import asyncio
import dataclasses
import html
import re
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.lti.outbox import DrainReport
from app.main import create_app
from app.settings import Settings
from tests.lti.platform import FakePlatform

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
MOODLE_LINEITEM = "https://lms.test/mod/lti/services.php/2/lineitems/7/lineitem?type_id=1"


class Network:
    """Routes each request to the fake LMS of its host; an unknown host cannot be reached."""

    def __init__(self, *platforms: FakePlatform) -> None:
        self.hosts = {p.host: p for p in platforms}

    def handle(self, request: httpx.Request) -> httpx.Response:
        platform = self.hosts.get(request.url.host)
        if platform is None:
            raise httpx.ConnectError(f"cannot reach {request.url.host}", request=request)
        return platform.handle(request)


@pytest.fixture(scope="package")
def moodle() -> FakePlatform:
    return FakePlatform(deployments=("dep-1", "dep-latest", "dep-2"))


@pytest.fixture(scope="package")
def canvas() -> FakePlatform:
    """Tenant A of a Canvas-like cloud; tenant B (`canvas_b`) has the same issuer and keys, another client id."""
    return FakePlatform(
        host="canvas.test", issuer="https://canvas.test", client_id="10000000000001", deployments=("a:1",)
    )


@pytest.fixture(scope="package")
def canvas_b(canvas: FakePlatform) -> FakePlatform:
    return dataclasses.replace(canvas, client_id="10000000000002", deployments=("b:1",))


@pytest.fixture(scope="package")
def d2l() -> FakePlatform:
    return FakePlatform(host="d2l.test", issuer="https://d2l.test", client_id="d2l-tool", deployments=("d2l-dep",))


@pytest.fixture(scope="package")
def down() -> FakePlatform:
    return FakePlatform(host="down.test", issuer="https://down.test", client_id="down-tool", jwks_up=False)


@pytest.fixture(scope="package")
def network(moodle: FakePlatform, canvas: FakePlatform, d2l: FakePlatform, down: FakePlatform) -> Network:
    return Network(moodle, canvas, d2l, down)


@pytest.fixture(scope="package")
def lti_app(
    tmp_path_factory: pytest.TempPathFactory, network: Network, moodle: FakePlatform, canvas: FakePlatform,
    canvas_b: FakePlatform, d2l: FakePlatform, down: FakePlatform,
) -> Iterator[FastAPI]:  # fmt: skip
    folder = tmp_path_factory.mktemp("lti")
    platforms = [moodle.registration(), canvas.registration(), canvas_b.registration(), down.registration()]
    platforms.append(d2l.registration(token_audience="https://api.d2l.test/auth/token"))
    platforms[0]["deployments"][1] = {"id": "dep-latest", "grade_policy": "latest"}
    path = folder / "platforms.yaml"
    path.write_text(yaml.safe_dump({"platforms": platforms}), encoding="utf-8")
    settings = Settings(
        problems_dir=ROOT / "problems", templates_dir=ROOT / "templates", static_dir=ROOT / "static",
        data_dir=folder / "data", workers=1, lti_platforms_file=path, lti_outbox_poll_seconds=0,
    )  # fmt: skip
    app = create_app(settings)
    app.state.lti.use_http(httpx.AsyncClient(transport=httpx.MockTransport(network.handle)))
    with TestClient(app, base_url="https://testserver"):
        yield app


@pytest.fixture
def browser(lti_app: FastAPI) -> TestClient:
    """A fresh browser (empty cookie jar) inside the LMS's frame."""
    return TestClient(lti_app, base_url="https://testserver")


@pytest.fixture
def clock(lti_app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The service's clock, frozen at NOW; a test moves it with `clock[0] = …`."""
    now = [NOW]
    monkeypatch.setattr(lti_app.state.lti, "clock", lambda: now[0])
    return now


def drain(app: FastAPI, now: datetime) -> DrainReport:
    return asyncio.run(app.state.lti_outbox.drain_once(now))


# What each browser's LMS page keeps for the tool (1EdTech platform storage): browser → key → value.
PLATFORM_STORAGE: weakref.WeakKeyDictionary[TestClient, dict[str, str]] = weakref.WeakKeyDictionary()
SAME_ORIGIN = {"sec-fetch-site": "same-origin"}  # what a browser sends with a post from one of the tool's pages


def data_attribute(page: str, name: str) -> str:
    found = re.search(rf'{name}="([^"]*)"', page)
    assert found is not None, f"no {name} in the page"
    return html.unescape(found.group(1))


def login(client: TestClient, platform: FakePlatform, *, storage: bool = False, **params: Any) -> tuple[str, str]:
    """OIDC login initiation as the LMS starts it; (state, nonce) from the redirect to the LMS. With `storage`
    the LMS offers its platform storage, and the tool's page keeps the login's binding there."""
    query = {
        "iss": platform.issuer, "login_hint": "hint-1", "target_link_uri": "https://testserver/lti/launch",
        "client_id": platform.client_id, "lti_deployment_id": platform.deployments[0], **params,
    }  # fmt: skip
    if storage:
        query["lti_storage_target"] = "_parent"
    response = client.get(
        "/lti/login", params={k: v for k, v in query.items() if v is not None}, follow_redirects=False
    )
    if storage:
        assert response.status_code == 200 and "data-storage-put" in response.text, response.text
        assert data_attribute(response.text, "data-origin") == f"https://{platform.host}"
        key, value = data_attribute(response.text, "data-key"), data_attribute(response.text, "data-value")
        PLATFORM_STORAGE.setdefault(client, {})[key] = value  # what the LMS's storage frame keeps
        location = data_attribute(response.text, "data-redirect")
    else:
        assert response.status_code == 302, response.text
        location = response.headers["location"]
    sent = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    return sent["state"], sent["nonce"]


def launch(client: TestClient, platform: FakePlatform, *, keep_cookie: bool = False, **claims: Any) -> httpx.Response:
    """Login then launch. Without `keep_cookie` the frame has lost the state cookie (third-party cookies blocked)
    and the binding comes from the LMS's platform storage instead, read by the tool's page."""
    state, nonce = login(client, platform, storage=not keep_cookie)
    if not keep_cookie:
        client.cookies.delete(f"quiz_lti_state_{state}")
    token = platform.id_token(nonce, **claims)
    response = client.post("/lti/launch", data={"id_token": token, "state": state}, follow_redirects=False)
    if keep_cookie or "data-storage-get" not in response.text:
        return response
    return finish_from_storage(client, response.text, state)


def finish_from_storage(client: TestClient, page: str, state: str) -> httpx.Response:
    """What the storage page's script does: read the binding from the LMS's storage, post it back."""
    value = PLATFORM_STORAGE.get(client, {}).get(data_attribute(page, "data-key"), "")
    ticket = data_attribute(page, 'name="storage_ticket" value')
    form = {"state": state, "storage_ticket": ticket, "storage_value": value}
    return client.post("/lti/launch", data=form, headers=SAME_ORIGIN, follow_redirects=False)

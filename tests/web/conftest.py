"""A real server (uvicorn in its own process, with its worker pool and a SQLite file) and real headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import running_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
INSTRUCTOR_TOKEN = "browser-test-token"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {
        "QUIZ_DATA_DIR": str(tmp_path_factory.mktemp("server-data")),
        "QUIZ_PROBLEMS_DIR": str(ROOT / "problems"),
        "QUIZ_TEMPLATES_DIR": str(ROOT / "templates"),
        "QUIZ_STATIC_DIR": str(ROOT / "static"),
        "QUIZ_INSTRUCTOR_TOKEN": INSTRUCTOR_TOKEN,
    }
    with running_app(env) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator:  # type: ignore[type-arg]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package chromium (scripts/test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    """A fresh student (new cookie jar) with JavaScript."""
    context = browser.new_context(base_url=server)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, java_script_enabled=False)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

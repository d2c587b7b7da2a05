"""A real server (uvicorn in its own process, with its worker pool and a SQLite file) and real headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import running_app

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
INSTRUCTOR_TOKEN = "browser-test-token"


@pytest.fixture(scope="session")
def server_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The server's settings, which the command line uses too (e.g. to create an API key in its database).
    The bank is the course's plus a demo set whose parts limit attempts and offer their solution on request."""
    problems = tmp_path_factory.mktemp("problems")
    shutil.copytree(ROOT / "problems", problems, dirs_exist_ok=True)
    shutil.copytree(Path(__file__).parent / "problems", problems / "demo")
    return {
        "QUIZ_DATA_DIR": str(tmp_path_factory.mktemp("server-data")),
        "QUIZ_PROBLEMS_DIR": str(problems),
        "QUIZ_TEMPLATES_DIR": str(ROOT / "templates"),
        "QUIZ_STATIC_DIR": str(ROOT / "static"),
        "QUIZ_INSTRUCTOR_TOKEN": INSTRUCTOR_TOKEN,
    }


@pytest.fixture(scope="session")
def server(server_env: dict[str, str]) -> Iterator[str]:
    with running_app(server_env) as url:
        yield url


@pytest.fixture(scope="session")
def grades_key(server: str, server_env: dict[str, str]) -> str:
    """An API key that reads grades, made by `quizzes keys create` in the running server's database."""
    command = [sys.executable, "-m", "app.cli", "keys", "create", "--name", "browser tests", "--scope", "grades:read"]
    made = subprocess.run(command, cwd=ROOT, env={**os.environ, **server_env}, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


@pytest.fixture
def instructor(browser, server):  # type: ignore[no-untyped-def]
    """A signed-in instructor, in a browser context of their own."""
    context = browser.new_context(base_url=server)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/instructor/login")
    page.get_by_label("Token").fill(INSTRUCTOR_TOKEN)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/instructor")
    yield page
    context.close()


@pytest.fixture(scope="session")
def browser() -> Iterator:  # type: ignore[type-arg]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package chromium (scripts/test does)")
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait for their event as long as actions do: a machine shared with other builds is slow at times,
    # and a wait that ends on the event itself costs nothing when it is fast.
    expect.set_options(timeout=15_000)

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

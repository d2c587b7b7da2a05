"""static/lti.js in Chromium: the LTI pages' own templates, served on a tool origin framed by an LMS origin (both
routed by Playwright, so no network), with an LMS page that implements 1EdTech platform storage."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from fastapi.templating import Jinja2Templates
from playwright.sync_api import BrowserContext, Page, Route, expect

ROOT = Path(__file__).resolve().parents[2]
TOOL, LMS = "https://tool.test", "https://lms.test"
BINDING = "binding-only-the-server-computes"

# The LMS's storage frame: keeps values per tool origin, answers lti.put_data / lti.get_data (1EdTech platform storage).
STORAGE_FRAME = """<!doctype html><script>
var kept = {};
window.addEventListener("message", function (event) {
  var m = event.data || {}, key = event.origin + " " + m.key, answer = {message_id: m.message_id, key: m.key};
  if (m.subject === "lti.put_data") {
    kept[key] = m.value; answer.subject = "lti.put_data.response"; answer.value = m.value;
  }
  else if (m.subject === "lti.get_data") {
    answer.subject = "lti.get_data.response";
    if (key in kept) { answer.value = kept[key]; } else { answer.error = {code: "not_found", message: "nothing"}; }
  } else { return; }
  event.source.postMessage(answer, event.origin);
});
</script>"""


def course_page(tool_path: str) -> str:
    """An LMS course page: its storage frame first, then the tool's frame."""
    return f"""<!doctype html><iframe name="storage" src="{LMS}/storage"></iframe>
<script>document.querySelector("iframe").onload = function () {{
  var tool = document.createElement("iframe"); tool.name = "tool"; tool.src = "{TOOL}{tool_path}";
  document.body.appendChild(tool);
}};</script>"""


@pytest.fixture(scope="module")
def templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=ROOT / "templates")
    templates.env.globals["csrf_token"] = lambda request: "csrf-token"
    templates.env.globals["form_token"] = lambda: "form-token"
    return templates


@pytest.fixture
def context(browser) -> Iterator[BrowserContext]:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context
    context.close()


def html(route: Route, body: str) -> None:
    route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)


def serve(context: BrowserContext, pages: dict[str, Any], posts: list[tuple[str, dict[str, list[str]]]]) -> None:
    """Route the two origins: `pages` maps a URL to HTML (or a function of the route), `/static/` comes from the
    repository, and every POST to the tool is recorded in `posts` (and answered with a blank page)."""

    def handle(route: Route) -> None:
        request = route.request
        url = request.url
        if url.startswith(f"{TOOL}/static/"):
            route.fulfill(path=ROOT / url[len(TOOL) + 1 :].split("?")[0])
        elif request.method == "POST" and url.startswith(TOOL):
            posts.append((url[len(TOOL) :], parse_qs(request.post_data or "")))
            html(route, "<!doctype html><p>posted</p>")
        elif url.split("?")[0] in pages:
            page = pages[url.split("?")[0]]
            page(route) if callable(page) else html(route, page)
        else:
            route.fulfill(status=404, body="not routed")

    context.route("https://*.test/**", handle)


def test_a_login_keeps_its_binding_in_the_lms_storage_and_the_launch_reads_it_back(
    context: BrowserContext, templates: Jinja2Templates
) -> None:
    put = templates.get_template("lti/storage_put.html").render(
        target="storage", origin=LMS, key="quiz_state_S1", value=BINDING, redirect=f"{LMS}/auth?state=S1"
    )
    # The LMS's authorization endpoint answers with the launch, posted to the tool (here: its storage page).
    get = templates.get_template("lti/storage_get.html").render(
        target="storage", origin=LMS, key="quiz_state_S1", state="S1", ticket="T1", request=None
    )
    posts: list[tuple[str, dict[str, list[str]]]] = []
    pages = {
        f"{LMS}/course": course_page("/lti/login"), f"{LMS}/storage": STORAGE_FRAME, f"{TOOL}/lti/login": put,
        f"{LMS}/auth": f'<!doctype html><script>location.replace("{TOOL}/launch-page")</script>',
        f"{TOOL}/launch-page": get,
    }  # fmt: skip
    serve(context, pages, posts)
    page = context.new_page()
    # Wait for the launch's answer itself, not for text in the tool's frame: that frame changes origin three times
    # (tool, LMS, tool), and a locator polling a frame between two processes once hung past every timeout.
    with page.expect_response(f"{TOOL}/lti/launch"):
        page.goto(f"{LMS}/course")
    assert posts == [
        (
            "/lti/launch",
            {
                "csrf": ["csrf-token"],
                "form_token": ["form-token"],
                "state": ["S1"],
                "storage_ticket": ["T1"],
                "storage_value": [BINDING],
            },
        )
    ]


def test_a_launch_page_whose_lms_keeps_nothing_says_so_and_posts_nothing(
    context: BrowserContext, templates: Jinja2Templates
) -> None:
    get = templates.get_template("lti/storage_get.html").render(
        target="storage", origin=LMS, key="quiz_state_S2", state="S2", ticket="T2", request=None
    )
    posts: list[tuple[str, dict[str, list[str]]]] = []
    serve(context, {f"{LMS}/course": course_page("/launch-page"), f"{LMS}/storage": STORAGE_FRAME,
                    f"{TOOL}/launch-page": get}, posts)  # fmt: skip
    page = context.new_page()
    page.goto(f"{LMS}/course")
    expect(page.frame_locator("iframe[name=tool]").locator("#storage-failed")).to_be_visible()
    assert posts == []


def test_the_new_window_gets_its_key_from_the_launch_page_that_opened_it(
    context: BrowserContext, templates: Jinja2Templates
) -> None:
    launch = templates.get_template("lti/launch.html").render(
        destination="/sets/s", open_url="/lti/open/T3", instructor=False, open_key="K3"
    )
    opened = templates.get_template("lti/open.html").render(ticket="T3", request=None)
    posts: list[tuple[str, dict[str, list[str]]]] = []
    no_cookies = json.dumps({"cookies": False})

    def cookie_check(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=no_cookies)

    pages = {
        f"{LMS}/course": course_page("/launch-page"), f"{LMS}/storage": STORAGE_FRAME, f"{TOOL}/launch-page": launch,
        f"{TOOL}/lti/cookie-check": cookie_check, f"{TOOL}/lti/open/T3": opened,
    }  # fmt: skip
    serve(context, pages, posts)
    page = context.new_page()
    page.goto(f"{LMS}/course")
    frame = page.frame_locator("iframe[name=tool]")
    expect(frame.locator("#lti-continue")).to_be_hidden()  # the frame keeps no cookie: only the new window
    with context.expect_page() as new_window:
        frame.get_by_role("link", name="Open in a new window").click()
    expect(new_window.value.locator("text=posted")).to_be_visible()
    assert posts == [
        ("/lti/open", {"csrf": ["csrf-token"], "form_token": ["form-token"], "ticket": ["T3"], "key": ["K3"]})
    ]


def test_the_ticket_link_opened_elsewhere_asks_nobody_and_posts_nothing(
    context: BrowserContext, templates: Jinja2Templates
) -> None:
    posts: list[tuple[str, dict[str, list[str]]]] = []
    opened = templates.get_template("lti/open.html").render(ticket="T4", request=None)
    serve(context, {f"{TOOL}/lti/open/T4": opened}, posts)
    page: Page = context.new_page()
    page.goto(f"{TOOL}/lti/open/T4")  # a link sent to another browser: no launch page opened this window
    expect(page.locator("#open-failed")).to_be_visible()
    assert posts == []

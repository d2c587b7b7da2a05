"""The site around the practice (headless Chromium): API docs that render offline, the favicon, and the
instructor pages (sign-in redirect, readable statistics, a try-it box that never counts)."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from playwright.sync_api import Page, Route, expect

from tests.web.conftest import INSTRUCTOR_TOKEN


def test_the_api_docs_render_offline(page: Page, server: str) -> None:
    own = urlparse(server).netloc
    outside: list[str] = []

    def offline(route: Route) -> None:  # anything not from our server fails, as it would without a network
        if urlparse(route.request.url).netloc == own:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    page.goto("/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Quizzes")
    expect(page.locator(".opblock-tag-section").first).to_be_visible()
    assert outside == []


def test_the_favicon_is_served(page: Page) -> None:
    response = page.request.get("/favicon.ico")
    assert response.ok and response.headers["content-type"].startswith("image/svg+xml")


def test_a_signed_out_instructor_is_sent_to_sign_in_and_then_back(page: Page) -> None:
    page.goto("/instructor/problems/c147-w23-2/stats")
    expect(page.get_by_role("heading", level=1)).to_have_text("Instructor sign-in")
    page.get_by_label("Instructor token").fill(INSTRUCTOR_TOKEN)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/instructor/problems/c147-w23-2/stats$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("statistics")


def test_statistics_read_like_sentences(page: Page, instructor: Page) -> None:
    page.goto("/problems/c147-w23-4")  # 4b matches optimizers to figures: its answer is a dict
    matching = page.locator("#part-which_optimizer")
    for select in matching.locator("select").all():
        select.select_option(index=1)
    matching.get_by_role("button", name=re.compile("^Check")).click()
    expect(page.locator("#part-which_optimizer .verdict")).to_be_visible()
    instructor.goto("/instructor/problems/c147-w23-4/stats")
    stats = instructor.locator("#part-stats-which_optimizer")
    expect(stats).to_contain_text(re.compile(r"\d+ attempts? by \d+ learners?"))
    expect(stats).not_to_contain_text("1 attempts")
    expect(stats).not_to_contain_text("{'")  # answers as "key = value", not Python dicts


def test_an_instructors_try_it_box_checks_without_counting(instructor: Page) -> None:
    instructor.goto("/instructor/problems/c147-w23-2/stats")
    counts = instructor.locator("#part-stats-delta_W1 p").first  # "N attempts by M learners · K% correct"
    before = " ".join(counts.inner_text().split())
    instructor.goto("/instructor/problems/c147-w23-2")
    part = instructor.locator("#part-delta_W1")
    part.locator("#answer-delta_W1").fill("x @ delta_b1.T")
    part.get_by_role("button", name=re.compile("^Try")).click()
    expect(instructor.locator("#part-delta_W1 .tried .verdict")).to_contain_text("Incorrect")
    message = instructor.locator("#part-delta_W1 .tried .message")
    expect(message).to_contain_text("Your answer is")
    expect(message.locator(".math[data-tex]").first).to_have_attribute("data-tex", "D_{x} \\times D_{a_{1}}")
    expect(instructor.locator("#answer-delta_W1")).to_have_value("x @ delta_b1.T")
    instructor.goto("/instructor/problems/c147-w23-2/stats")
    expect(instructor.locator("#part-stats-delta_W1 p").first).to_have_text(before)

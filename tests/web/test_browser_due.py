"""After a set's due date (headless Chromium): the pages say the date has passed, solutions show by the set's policy,
and answers are still checked, for practice, without counting. Each learner reads the date in their own time zone.

The set (tests/web/problems/past-due/) was due on 10 September 2001 at 17:00, UTC+02:00, so it is past due whenever
the tests run, with no clock to move in the server's process; its policy: solutions on request and after the due
date. Its problem at the printed variant: k = 2; part 1 (2 points, 3 attempts) asks for 2k.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

DUE = "Monday 10 September 2001, 17:00 (UTC+02:00)"  # as the author wrote it: the page without JavaScript
IN_TOKYO = "Tuesday 11 September 2001, 00:00 (your time, UTC+09:00)"


def learner_in(browser, server: str, zone: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, timezone_id=zone)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A learner in Tokyo, seven hours ahead of the author."""
    yield from learner_in(browser, server, "Asia/Tokyo")


@pytest.fixture
def page_in_paris(browser, server: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """A learner whose clock reads as the author's (Paris was at UTC+02:00 in September 2001)."""
    yield from learner_in(browser, server, "Europe/Paris")


def answer(page: Page, text: str) -> None:
    page.locator("#answer-double").fill(text)
    page.locator("#part-double").get_by_role("button", name=re.compile("^Check")).click()


def test_after_the_due_date_the_solution_shows_and_answers_are_practice(page: Page, screenshots) -> None:  # type: ignore[no-untyped-def]
    page.goto("/sets/demo-past-due")
    due = page.locator(".due")
    expect(due).to_contain_text(f"Due {IN_TOKYO}. The due date has passed")
    expect(due.locator("time")).to_have_attribute("title", DUE)  # the author's wording, on hover
    expect(page.locator(".policy")).to_have_text(
        "Solutions: on request (forfeits the part's points), or after the due date."
    )
    page.get_by_role("link", name="Late practice").click()

    expect(page.locator(".due")).to_contain_text("answers are still checked, for practice")
    part = page.locator("#part-double")
    expect(part.locator(".solution")).to_contain_text("Add 2 to itself.")  # by the policy, before any answer
    expect(part.get_by_role("button", name=re.compile("Show solution"))).to_have_count(0)  # no give-up after the date

    answer(page, "5")
    expect(part.locator(".verdict")).to_contain_text("Incorrect")  # checked all the same
    expect(part.locator(".practice")).to_contain_text("The due date has passed: answers to this part are checked")
    answer(page, "4")
    expect(part.locator(".verdict")).to_contain_text("Correct")
    expect(part.locator(".attempts")).to_have_text(re.compile(r"^\s*Attempts: 0\s*$"))  # neither answer counted
    expect(page.locator(".meta .score")).to_have_text("0 / 2 points")
    page.screenshot(path=screenshots / "past-due.png", full_page=True)

    page.reload()  # and so it stays
    expect(page.locator(".meta .score")).to_have_text("0 / 2 points")
    expect(page.locator("#part-double .verdict")).to_contain_text("Correct")


def test_without_javascript_the_due_date_and_the_solution_show_too(page_without_js: Page) -> None:
    page = page_without_js
    page.goto("/problems/demo-past-due")
    expect(page.locator(".due time")).to_have_attribute("datetime", "2001-09-10T17:00:00+02:00")
    expect(page.locator(".due time")).to_have_text(DUE)
    expect(page.locator("#part-double .solution")).to_contain_text("Add 2 to itself.")


def test_a_learner_in_the_authors_time_zone_reads_the_date_as_written(page_in_paris: Page) -> None:
    page_in_paris.goto("/sets/demo-past-due")
    expect(page_in_paris.locator(".due time")).to_have_text(DUE)
    expect(page_in_paris.locator(".due time")).not_to_have_attribute("title", re.compile("."))

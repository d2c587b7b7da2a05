"""Getting unstuck without gaming the limits (headless Chromium): solutions on request forfeit the points,
limited parts count attempts over every variant, and variants are numbered, confirmed and revisitable.

The demo problem (tests/web/problems/demo-limited.yaml) at the printed variant: k = 2; 1a (4 points, 2 attempts)
asks for 2k, 1b (2 points, unlimited) for 3k; both offer their solution on request.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

DEMO = "/problems/demo-limited"


def answer(page: Page, part_id: str, text: str) -> None:
    page.locator(f"#answer-{part_id}").fill(text)
    page.locator(f"#part-{part_id}").get_by_role("button", name=re.compile("^Check")).click()


def test_a_new_variant_does_not_reset_a_limited_parts_attempts(page: Page) -> None:
    page.goto(DEMO)
    answer(page, "twice", "1")
    expect(page.locator("#part-twice .attempts")).to_contain_text("Attempts: 1 · 1 left")
    answer(page, "twice", "3")
    expect(page.locator("#part-twice .attempts")).to_contain_text("Attempts: 2 · 0 left")

    page.get_by_role("link", name=re.compile("Other variants")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave the variant as printed in the exam?")
    page.get_by_role("button", name="Start variant 1 (fresh numbers)").click()
    expect(page.locator(".meta .variant")).to_have_text("Variant 1")
    expect(page.locator("#part-twice .attempts")).to_contain_text("Attempts: 2 · 0 left")  # counted over variants
    expect(page.locator("#part-twice").get_by_role("button", name="Check 1a")).to_be_disabled()
    expect(page.locator("#part-twice .attempts")).to_contain_text("You have used every attempt for this part.")


def test_leaving_a_variant_is_confirmed_and_the_printed_one_is_a_way_back(page: Page) -> None:
    page.goto(DEMO)
    answer(page, "thrice", "5")
    expect(page.locator("#part-thrice .verdict")).to_contain_text("Incorrect")
    page.get_by_role("link", name=re.compile("Other variants")).click()
    page.get_by_role("link", name="Stay on the variant as printed in the exam").click()
    expect(page.locator(".meta .variant")).to_have_text("The variant as printed in the exam")

    page.get_by_role("link", name=re.compile("Other variants")).click()
    page.get_by_role("button", name="Start variant 1 (fresh numbers)").click()
    expect(page.locator(".meta .variant")).to_have_text("Variant 1")
    expect(page.locator("#answer-thrice")).to_have_value("")  # fresh numbers, a fresh page

    page.get_by_role("link", name=re.compile("Other variants")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leave variant 1?")
    page.get_by_role("button", name="Back to the variant as printed in the exam").click()
    expect(page.locator(".meta .variant")).to_have_text("The variant as printed in the exam")
    expect(page.locator("#answer-thrice")).to_have_value("5")  # earlier answers are still there
    expect(page.locator("#part-thrice .verdict")).to_contain_text("Incorrect")


def test_show_solution_forfeits_the_points_and_shows_it(page: Page, instructor: Page) -> None:
    page.goto(DEMO)
    answer(page, "thrice", "6")
    expect(page.locator(".meta .score")).to_have_text("2 / 6 points")
    part = page.locator("#part-twice")
    part.get_by_role("button", name="Show solution (forfeits 4 points)").click()
    expect(part.locator(".solution")).to_contain_text("Add 2 to itself.")
    expect(part.locator(".forfeit")).to_contain_text("this part's points no longer count")
    expect(part.get_by_role("button", name=re.compile("Show solution"))).to_have_count(0)
    answer(page, "twice", "4")
    expect(part.locator(".verdict")).to_contain_text("Correct")
    expect(page.locator(".meta .score")).to_have_text("2 / 6 points")  # the 4 points stay forfeited
    page.goto("/sets/demo")
    expect(page.get_by_role("row", name=re.compile("Limited attempts"))).to_contain_text("2 / 6")

    instructor.goto("/instructor/problems/demo-limited/stats")
    expect(instructor.locator("#part-stats-twice")).to_contain_text(re.compile(r"\d+ learners? asked for the solution"))

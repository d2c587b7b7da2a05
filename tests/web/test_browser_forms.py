"""Each part answers as its own form, and typed work is never lost (headless Chromium, with and without JavaScript).

Problem 1 at seed 0: 1a and 1b are select-all parts, 1c a choice with a free-text "why", 1d an integer (140).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

PROBLEM_1 = "/problems/c147-w23-1"
PROBLEM_2 = "/problems/c147-w23-2"


def part(page: Page, part_id: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#part-{part_id}")


def check(page: Page, part_id: str) -> None:
    part(page, part_id).get_by_role("button", name=re.compile("^Check")).click()


def test_enter_in_a_box_checks_that_part_only(page: Page) -> None:
    page.goto(PROBLEM_1)
    page.locator("#answer-conv_parameters").fill("140")
    page.locator("#answer-conv_parameters").press("Enter")
    expect(part(page, "conv_parameters").locator(".verdict")).to_contain_text("Correct")
    expect(part(page, "initialization").locator(".attempts")).to_contain_text("Attempts: 0")
    page.reload()
    expect(part(page, "conv_parameters").locator(".attempts")).to_contain_text("Attempts: 1")
    expect(part(page, "initialization").locator(".verdict")).to_have_count(0)


def test_enter_in_a_box_checks_that_part_without_javascript(page_without_js: Page) -> None:
    page = page_without_js
    page.goto(PROBLEM_1)
    page.locator("#answer-conv_parameters").fill("140")
    page.locator("#answer-conv_parameters").press("Enter")
    expect(part(page, "conv_parameters").locator(".verdict")).to_contain_text("Correct")
    expect(part(page, "initialization").locator(".attempts")).to_contain_text("Attempts: 0")
    expect(part(page, "sign_activation").locator(".attempts")).to_contain_text("Attempts: 0")


def test_enter_after_editing_two_parts_without_javascript_checks_neither_and_keeps_both(page_without_js: Page) -> None:
    page = page_without_js
    page.goto(PROBLEM_1)
    page.locator("#answer-sign_activation_why").fill("The sign function has zero gradient almost everywhere.")
    page.locator("#answer-conv_parameters").fill("140")
    page.locator("#answer-conv_parameters").press("Enter")
    expect(page.locator(".notice")).to_contain_text("Press the Check button of the part you want checked")
    expect(part(page, "conv_parameters").locator(".attempts")).to_contain_text("Attempts: 0")
    expect(page.locator("#answer-conv_parameters")).to_have_value("140")
    expect(page.locator("#answer-sign_activation_why")).to_have_value(re.compile("zero gradient"))


def test_one_ticked_box_is_an_answer(page: Page) -> None:
    page.goto(PROBLEM_1)
    part(page, "initialization").get_by_label(re.compile("^A\\.")).check()
    check(page, "initialization")
    expect(part(page, "initialization").locator(".verdict")).to_contain_text("Incorrect")
    expect(part(page, "initialization").locator(".message")).to_contain_text("1 of the 3 options is misjudged")
    expect(part(page, "initialization").locator(".attempts")).to_contain_text("Attempts: 1")


def test_no_ticked_box_is_an_answer_none_of_these(page_without_js: Page) -> None:
    page = page_without_js
    page.goto(PROBLEM_1)
    check(page, "generalization_gap")
    expect(part(page, "generalization_gap").locator(".verdict")).to_contain_text("Incorrect")
    expect(part(page, "generalization_gap").locator(".message")).to_contain_text("2 of the 3 options are misjudged")
    expect(part(page, "generalization_gap").locator(".attempts")).to_contain_text("Attempts: 1")


def test_hint_keeps_the_unchecked_draft(page: Page) -> None:
    page.goto(PROBLEM_2)
    field = page.locator("#answer-delta_W1")
    field.fill("x @ delta_b1.T")
    check(page, "delta_W1")
    expect(part(page, "delta_W1").locator(".verdict")).to_contain_text("Incorrect")
    field.fill("delta_b1 @ x")  # a new idea, not checked yet
    part(page, "delta_W1").get_by_role("button", name="Hint").click()
    expect(part(page, "delta_W1").locator(".hints li")).to_have_count(1)
    expect(field).to_have_value("delta_b1 @ x")
    page.reload()
    expect(field).to_have_value("delta_b1 @ x")
    expect(part(page, "delta_W1").locator(".hints li")).to_have_count(1)


def test_a_post_without_javascript_keeps_the_other_parts_drafts(page_without_js: Page) -> None:
    page = page_without_js
    page.goto(PROBLEM_1)
    part(page, "initialization").get_by_label(re.compile("^B\\.")).check()
    part(page, "sign_activation").get_by_label(re.compile("No")).check()
    page.locator("#answer-sign_activation_why").fill("Its gradient is zero almost everywhere.")
    page.locator("#answer-conv_parameters").fill("140")
    check(page, "conv_parameters")
    expect(part(page, "conv_parameters").locator(".verdict")).to_contain_text("Correct")
    expect(part(page, "initialization").get_by_label(re.compile("^B\\."))).to_be_checked()
    expect(part(page, "sign_activation").get_by_label(re.compile("No"))).to_be_checked()
    expect(page.locator("#answer-sign_activation_why")).to_have_value("Its gradient is zero almost everywhere.")
    expect(part(page, "sign_activation").locator(".attempts")).to_contain_text("Attempts: 0")  # drafts, not checked
    part(page, "initialization").get_by_role("button", name="Hint").click()  # a hint keeps them too
    expect(part(page, "initialization").locator(".hints li")).to_have_count(1)
    expect(page.locator("#answer-sign_activation_why")).to_have_value("Its gradient is zero almost everywhere.")


def test_typed_work_survives_a_reload_with_javascript(page: Page) -> None:
    page.goto(PROBLEM_1)
    page.locator("#answer-conv_parameters").fill("139")
    part(page, "initialization").get_by_label(re.compile("^C\\.")).check()
    page.reload()
    expect(page.locator("#answer-conv_parameters")).to_have_value("139")
    expect(part(page, "initialization").get_by_label(re.compile("^C\\."))).to_be_checked()
    check(page, "conv_parameters")
    expect(part(page, "conv_parameters").locator(".verdict")).to_contain_text("Incorrect")
    page.reload()  # the server now shows the checked answer; the browser's draft of 1d is gone
    expect(page.locator("#answer-conv_parameters")).to_have_value("139")
    expect(part(page, "initialization").get_by_label(re.compile("^C\\."))).to_be_checked()

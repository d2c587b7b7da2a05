"""What a student does in a real browser (headless Chromium), with and without JavaScript."""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Route, expect

MIDTERM = "UCLA ECE C147/C247 midterm, Winter 2023"
# "Your answer is D_x × D_a1 but δ_W1 is D_a1 × D_x.", its shapes and the name typeset as math (TeX as written).
SHAPE_FEEDBACK_MATH = ["D_{x} \\times D_{a_{1}}", "\\delta_{W_{1}}", "D_{a_{1}} \\times D_{x}"]


def open_problem(page: Page, title: str) -> None:
    page.goto("/")
    page.get_by_role("link", name=MIDTERM).click()
    page.get_by_role("link", name=re.compile(title)).click()


def check(page: Page, part_id: str) -> None:
    page.locator(f"#part-{part_id}").get_by_role("button", name=re.compile("^Check")).click()


def expect_shape_feedback(page: Page, javascript: bool = True) -> None:
    """The words of the shape feedback, with its math typeset: by KaTeX (which keeps the TeX in `data-tex`), or
    as the server's MathML (its TeX in the annotation) without JavaScript."""
    message = page.locator("#part-delta_W1 .message")
    expect(message).to_contain_text("Your answer is")
    expect(message).to_contain_text("Check the order of the factors and the transposes.")
    expect(message).not_to_contain_text("$", use_inner_text=True)  # no raw TeX shown
    math = message.locator(".math")
    expect(math).to_have_count(3)
    if javascript:
        expect(message.locator(".math .katex")).to_have_count(3)
        assert [m.get_attribute("data-tex") for m in math.all()] == SHAPE_FEEDBACK_MATH
    else:
        expect(message.locator(".math math")).to_have_count(3)
        assert [a.text_content() for a in message.locator("annotation").all()] == SHAPE_FEEDBACK_MATH


def test_a_student_fixes_a_transposed_gradient_and_keeps_the_progress(page: Page, screenshots) -> None:  # type: ignore[no-untyped-def]
    open_problem(page, "Binary classification")
    expect(page.locator(".statement .katex").first).to_be_visible()  # KaTeX typeset the statement
    page.screenshot(path=screenshots / "2b-before-feedback.png", full_page=True)
    page.evaluate("window.notReloaded = true")

    page.locator("#answer-delta_W1").fill("x @ delta_b1.T")
    check(page, "delta_W1")
    expect(page.locator("#part-delta_W1 .verdict")).to_contain_text("Incorrect")
    expect_shape_feedback(page)
    expect(page.locator("#part-delta_W1 .interpreted .katex")).to_be_visible()
    assert page.evaluate("window.notReloaded") is True  # the part was updated in place
    page.locator("#part-delta_W1").screenshot(path=screenshots / "2b-viii-shape-feedback.png")

    page.locator("#answer-delta_W1").fill("delta_b1 @ x.T")
    check(page, "delta_W1")
    expect(page.locator("#part-delta_W1 .verdict")).to_contain_text("Correct")
    expect(page.locator("#announcer")).to_contain_text("Correct")
    page.screenshot(path=screenshots / "2b-after-feedback.png", full_page=True)

    page.reload()
    expect(page.locator("#part-delta_W1 .verdict")).to_contain_text("Correct")
    expect(page.locator("#answer-delta_W1")).to_have_value("delta_b1 @ x.T")
    expect(page.locator("#part-delta_W1 .attempts")).to_contain_text("Attempts: 2")
    expect(page.locator(".meta .score")).to_have_text(re.compile(r"^3 / \d+ points$"))


def test_a_preview_answered_after_the_check_never_shows_a_second_interpretation(page: Page) -> None:
    """The live preview and the check race; the check wins whatever order their responses arrive in."""
    open_problem(page, "Binary classification")
    held: list[Route] = []
    page.route(
        "**/api/v1/preview", lambda route: held.append(route)
    )  # the preview's response is held back until we let it go
    page.evaluate("""window.previews = [];
        document.addEventListener('quiz:preview', e => window.previews.push(e.detail.outcome))""")
    with page.expect_request("**/api/v1/preview"):
        page.locator("#answer-delta_W1").fill("x @ delta_b1.T")
    check(page, "delta_W1")
    expect(page.locator("#part-delta_W1 .verdict")).to_contain_text("Incorrect")

    for route in held:  # the stale preview arrives after the check's answer
        with contextlib.suppress(PlaywrightError):  # the page may have aborted it already
            route.continue_()
    page.wait_for_function("window.previews.length === 1")
    assert page.evaluate("window.previews") in (["aborted"], ["stale"])
    expect(page.locator("#part-delta_W1 .interpreted")).to_have_count(1)
    expect(page.locator("#part-delta_W1 .interpreted .katex")).to_be_visible()


def test_typing_during_a_check_is_kept_and_previewed(page: Page) -> None:
    open_problem(page, "Binary classification")
    held: list[Route] = []
    page.route(
        "**/problems/c147-w23-2",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    page.locator("#answer-delta_W1").fill("x @ delta_b1.T")
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/problems/c147-w23-2")):
        check(page, "delta_W1")
    page.locator("#answer-delta_W1").fill("delta_b1 @ x.T")  # typed while the check is out
    held[0].continue_()
    expect(page.locator("#part-delta_W1 .verdict")).to_contain_text("Incorrect")  # the verdict of what was sent
    expect(page.locator("#answer-delta_W1")).to_have_value("delta_b1 @ x.T")  # and what was typed meanwhile
    expect(page.locator("#preview-delta_W1 .math[data-tex]").nth(1)).to_have_attribute(
        "data-tex", "D_{a_{1}} \\times D_{x}"
    )  # previewed afresh, its shape typeset
    expect(page.locator("#part-delta_W1 .interpreted")).to_have_count(1)


def test_select_all_and_matrix_parts_are_answered_through_their_widgets(page: Page) -> None:
    open_problem(page, "Multiple choice")
    part = page.locator("#part-initialization")
    part.get_by_label(re.compile("^A\\.")).check()
    part.get_by_label(re.compile("^B\\.")).check()
    check(page, "initialization")
    expect(page.locator("#part-initialization .verdict")).to_contain_text("Correct")

    open_problem(page, "Regularization")
    # seed 0: W = [[1, -2, 0], [3, 1, -1], [0, 2, 2]], λ = 0.5, n = 4 → row 2 has the largest |row| sum.
    gradient = [["0", "0", "0"], ["0.125", "0.125", "-0.125"], ["0", "0", "0"]]
    for r, row in enumerate(gradient):
        for c, value in enumerate(row):
            page.get_by_label(f"Row {r + 1}, column {c + 1}").fill(value)
    check(page, "linf_gradient")
    expect(page.locator("#part-linf_gradient .verdict")).to_contain_text("Correct")


def test_the_live_preview_points_at_a_syntax_error(page: Page) -> None:
    open_problem(page, "Binary classification")
    field = page.locator("#answer-delta_W1")
    field.press_sequentially("delta_b1 @ (x")
    error = page.locator("#preview-delta_W1 .message.error")
    expect(error).to_contain_text("The bracket ( opened here is never closed.")
    expect(error.locator("code")).to_have_text("(")
    expect(error.locator("pre.pointer")).to_have_text("delta_b1 @ (x\n           ^")
    field.press_sequentially(").T")
    expect(page.locator("#preview-delta_W1 .interpreted .katex")).to_have_count(2)  # the answer, and its shape
    shape = page.locator("#preview-delta_W1 .interpreted .math").nth(1)
    expect(shape).to_have_attribute("data-tex", "D_{a_{1}} \\times D_{x}")


def test_the_whole_flow_works_without_javascript(page_without_js: Page, screenshots) -> None:  # type: ignore[no-untyped-def]
    page = page_without_js
    open_problem(page, "Binary classification")
    expect(page.locator(".statement .math math").first).to_be_visible()  # MathML from the server, no raw TeX
    expect(page.locator(".statement")).not_to_contain_text("\\mathbf", use_inner_text=True)
    page.locator("#answer-delta_W1").fill("x @ delta_b1.T")
    check(page, "delta_W1")
    expect_shape_feedback(page, javascript=False)
    expect(page.locator("#part-delta_W1 .interpreted math")).to_be_visible()  # "Interpreted as" in MathML too
    expect(page.locator("#part-delta_W1 .interpreted")).not_to_contain_text("\\top", use_inner_text=True)
    page.locator("#answer-delta_W1").fill("delta_b1 @ x.T")
    check(page, "delta_W1")
    expect(page.locator("#part-delta_W1 .verdict")).to_contain_text("Correct")
    page.locator("#part-delta_W1").get_by_role("button", name="Hint").click()
    expect(page.locator("#part-delta_W1 .hints li")).to_have_count(1)
    page.screenshot(path=screenshots / "2b-without-javascript.png", full_page=True)


def test_the_problem_page_fits_a_phone_screen(browser, server, screenshots) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=server, viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto("/problems/c147-w23-2")
    expect(page.locator(".statement .katex").first).to_be_visible()
    # Wide display math scrolls inside its own box; the page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshots / "2b-phone.png")
    context.close()

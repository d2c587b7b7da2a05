"""Every page type passes an axe-core audit (through axe-playwright-python) with no serious or critical
violation, and is photographed at desktop (1280 px) and phone (390 px) widths into artifacts/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

WIDTHS = (1280, 390)
STUDENT_PAGES = {
    "home": "/",
    "set": "/sets/c147-w23-midterm",
    **{f"problem-{n}": f"/problems/c147-w23-{n}" for n in range(1, 6)},
    "problem-limited": "/problems/demo-limited",
    "variants": "/problems/c147-w23-2/variants",
    "instructor-login": "/instructor/login",
}
INSTRUCTOR_PAGES = {
    "instructor-dashboard": "/instructor",
    "instructor-preview": "/instructor/problems/c147-w23-2?seed=3",
    "instructor-stats": "/instructor/problems/c147-w23-1/stats",
    "instructor-grading": "/instructor/problems/c147-w23-1/grading/sign_activation_why",
    "instructor-lti": "/instructor/lti",
}


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def audit(page: Page, name: str, path: str, screenshots: Path) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        if page.locator(".math").count():
            expect(page.locator(".math .katex").first).to_be_visible()  # typeset before the audit and the photo
        page.evaluate("document.fonts.ready.then(() => true)")  # KaTeX's fonts loaded: the final layout
        page.screenshot(path=screenshots / f"{name}-{width}.png", full_page=True)
        assert serious_violations(page) == [], f"{name} at {width} px"


@pytest.mark.parametrize(("name", "path"), STUDENT_PAGES.items(), ids=list(STUDENT_PAGES))
def test_student_pages_pass_axe(page: Page, screenshots: Path, name: str, path: str) -> None:
    audit(page, name, path, screenshots)


def test_a_problem_page_with_feedback_and_the_model_answer_passes_axe(page: Page, screenshots: Path) -> None:
    page.goto("/problems/c147-w23-1")
    page.locator("#answer-sign_activation_why").fill("The derivative is zero almost everywhere.")
    page.locator("#part-sign_activation_why").get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator("#part-sign_activation_why .solution")).to_be_visible()
    page.locator("#answer-conv_parameters").fill("139")
    page.locator("#answer-conv_parameters").press("Enter")
    expect(page.locator("#part-conv_parameters .verdict")).to_contain_text("Incorrect")
    audit(page, "problem-1-answered", "/problems/c147-w23-1", screenshots)


@pytest.mark.parametrize("problem", ["c147-w23-1", "c147-w23-2", "c147-w23-4"])
def test_pages_without_our_scripts_pass_axe(page: Page, screenshots: Path, problem: str) -> None:
    """What a browser without JavaScript gets (server-rendered MathML, plain forms): axe itself is a script, so
    the page's own scripts are blocked instead of JavaScript as a whole."""
    page.route(re.compile(r"/static/(app\.js|vendor/katex/katex\.min\.js)$"), lambda route: route.abort())
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/problems/{problem}")
        expect(page.locator("article math").first).to_be_visible()
        assert page.locator(".katex").count() == 0
        page.screenshot(path=screenshots / f"{problem}-no-js-{width}.png", full_page=True)
        assert serious_violations(page) == [], f"{problem} without scripts at {width} px"


@pytest.mark.parametrize(("name", "path"), INSTRUCTOR_PAGES.items(), ids=list(INSTRUCTOR_PAGES))
def test_instructor_pages_pass_axe(instructor: Page, screenshots: Path, name: str, path: str) -> None:
    audit(instructor, name, path, screenshots)

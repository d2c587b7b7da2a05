"""Free text is scored honestly (headless Chromium): saved, never "correct"; points count once a person grades it,
by the learner's self-assessment against the rubric or by the instructor's grading queue."""

from __future__ import annotations

import csv
import io
import re
import uuid

import httpx
from itsdangerous import URLSafeSerializer
from playwright.sync_api import Page, expect

PROBLEM_1 = "/problems/c147-w23-1"
WHY = "sign_activation_why"


def save_text(page: Page, text: str) -> None:
    page.goto(PROBLEM_1)
    page.locator(f"#answer-{WHY}").fill(text)
    page.locator(f"#part-{WHY}").get_by_role("button", name=re.compile("^Save")).click()
    expect(page.locator(f"#part-{WHY} .verdict")).to_contain_text("Saved, not graded yet")


def score(page: Page) -> str:
    return page.locator(".meta .score").inner_text()


def test_a_text_answer_is_saved_not_correct_and_self_assessment_scores_it(page: Page) -> None:
    save_text(page, "asdf")
    part = page.locator(f"#part-{WHY}")
    expect(part.locator(".verdict")).not_to_contain_text("Correct")
    expect(part).not_to_have_class(re.compile("status-correct"))
    expect(page.locator(".meta .score")).to_have_text("0 / 20 points")
    expect(part.locator(".solution")).to_contain_text("Model answer")

    rubric = part.get_by_role("group", name="Grade your answer: tick what it covers")
    boxes = rubric.get_by_role("checkbox")
    expect(boxes.first).to_be_visible()
    boxes.first.check()
    part.get_by_role("button", name="Grade my answer").click()
    expect(part.locator(".verdict")).to_contain_text("Self-assessed: 1 / 2 points")  # one of the two rubric items
    expect(page.locator(".meta .score")).to_have_text("1 / 20 points")
    page.reload()
    expect(part.locator(".verdict")).to_contain_text("Self-assessed")


def learner_id(page: Page) -> str:
    cookie = next(c for c in page.context.cookies() if c["name"] == "quiz_learner")
    return URLSafeSerializer("unused").loads_unsafe(cookie["value"])[1]


def set_grades(server: str, key: str) -> dict[str, dict[str, str]]:
    response = httpx.get(
        f"{server}/api/v1/sets/c147-w23-midterm/grades", params={"format": "csv"},
        headers={"Authorization": f"Bearer {key}"},
    )  # fmt: skip
    response.raise_for_status()
    return {row["learner_id"]: row for row in csv.DictReader(io.StringIO(response.text.lstrip("\ufeff")))}


def test_an_instructor_grades_a_text_answer_and_progress_and_the_grades_csv_follow(
    page: Page, instructor: Page, server: str, grades_key: str
) -> None:
    words = f"Its gradient is zero almost everywhere ({uuid.uuid4().hex[:8]})."
    save_text(page, words)
    me = learner_id(page)
    assert float(set_grades(server, grades_key)[me]["c147-w23-1"]) == 0

    instructor.goto("/instructor/problems/c147-w23-1/stats")
    expect(instructor.locator(f"#part-stats-{WHY}")).to_contain_text(re.compile(r"Answered by \d+ learners?"))
    instructor.get_by_role("link", name="Read and grade the answers to 1c.why").click()
    answer = instructor.locator("section.grading").filter(has_text=words)
    expect(answer).to_contain_text("Not graded")
    answer.get_by_label("Points").fill("1.5")
    answer.get_by_label("Comment for the learner").fill("Say why a zero gradient stops learning.")
    answer.get_by_role("button", name="Save grade").click()
    expect(instructor.locator("section.grading").filter(has_text=words)).to_contain_text("Graded by you: 1.5 / 2")

    page.reload()
    part = page.locator(f"#part-{WHY}")
    expect(part.locator(".verdict")).to_contain_text("Graded by your instructor: 1.5 / 2 points")
    expect(part.locator(".grade-comment")).to_contain_text("Say why a zero gradient stops learning.")
    expect(page.locator(".meta .score")).to_have_text("1.5 / 20 points")
    expect(part.get_by_role("button", name="Grade my answer")).to_have_count(0)  # the instructor's grade stands
    assert float(set_grades(server, grades_key)[me]["c147-w23-1"]) == 1.5

    page.goto("/sets/c147-w23-midterm")
    expect(page.get_by_role("row", name=re.compile("Multiple choice"))).to_contain_text("1.5 / 20")

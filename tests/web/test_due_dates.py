"""A set's due date and solution policy, as students and integrators meet them (pages and API), with the app's
clock injected: the test moves the time past the due date instead of waiting for it. Verdict messages are
typeset as math on the pages, even without JavaScript."""

from __future__ import annotations

import html
import re
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.settings import Settings
from app.storage.api_keys import create_key
from tests.forms import post_form

ROOT = Path(__file__).resolve().parents[2]
DUE = datetime(2026, 3, 6, 23, 59, tzinfo=timezone(timedelta(hours=-8)))
SET = """\
id: homework
title: Homework 1
due: 2026-03-06T23:59:00-08:00
solutions:
  on_request: true
"""
PROBLEM = """\
id: doubling
title: Doubling
set: homework
parameters:
  k: {exam: 2, integer: [3, 9]}
parts:
  - id: twice
    label: "1a"
    kind: integer
    points: 2
    prompt: "What is twice {{ k }}?"
    answer: "2 k"
    max_attempts: 3
    solution: "Add {{ k }} to itself."
  - id: thrice
    label: "1b"
    kind: integer
    prompt: "What is three times {{ k }}?"
    answer: "3 k"
    solution_on_request: false
    solution: "Add {{ k }} to itself, twice."
"""


class Clock:
    """The app's clock, set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock(DUE - timedelta(days=1))


@pytest.fixture(scope="module")
def app(clock: Clock, tmp_path_factory: pytest.TempPathFactory) -> Iterator:  # type: ignore[type-arg]
    problems = tmp_path_factory.mktemp("problems")
    shutil.copytree(ROOT / "problems", problems, dirs_exist_ok=True)
    (problems / "homework").mkdir()
    (problems / "homework" / "_set.yaml").write_text(SET, encoding="utf-8")
    (problems / "homework" / "doubling.yaml").write_text(PROBLEM, encoding="utf-8")
    settings = Settings(
        problems_dir=problems, templates_dir=ROOT / "templates", static_dir=ROOT / "static",
        data_dir=tmp_path_factory.mktemp("data"), workers=2,
    )  # fmt: skip
    with TestClient(create_app(settings, clock=clock)) as client:
        yield client.app


@pytest.fixture
def student(app) -> TestClient:  # type: ignore[no-untyped-def]
    return TestClient(app)


@pytest.fixture
def before_due(clock: Clock) -> None:
    clock.now = DUE - timedelta(minutes=1)


@pytest.fixture
def after_due(clock: Clock) -> None:
    clock.now = DUE + timedelta(minutes=1)


def answer(client: TestClient, part: str, text: str) -> str:
    return post_form(client, "/problems/doubling", {"part": part, f"a.{part}": text}).text


def section(page: str, part: str) -> str:
    found = re.search(rf'<section class="part[^"]*" id="part-{part}".*?</section>', page, re.S)
    assert found, part
    return found.group(0)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", page)))


@pytest.mark.usefixtures("before_due")
def test_the_set_and_problem_pages_show_the_due_date_and_the_policy_in_words(student: TestClient) -> None:
    for url in ("/sets/homework", "/problems/doubling"):
        page = html.unescape(student.get(url).text)
        # The author's wording (with JavaScript, a learner reads it in their own time zone: test_browser_due.py).
        written = (
            '<time class="local" datetime="2026-03-06T23:59:00-08:00">Friday 6 March 2026, 23:59 (UTC-08:00)</time>'
        )
        assert written in page
        assert "Solutions: on request (forfeits the part's points), or after the due date." in page
        assert "has passed" not in page
    page = html.unescape(student.get("/problems/doubling").text)
    assert "Solutions: after the 3 attempts allowed, on request" in section(page, "twice")  # its own limit
    assert "Solutions: after the due date." in section(page, "thrice")  # its own override
    assert "Show solution (forfeits 2 points)" in section(page, "twice")
    assert "Show solution" not in section(page, "thrice")


def test_after_the_due_date_the_solution_shows_and_answers_are_practice(student: TestClient, clock: Clock) -> None:
    clock.now = DUE - timedelta(minutes=1)
    answer(student, "twice", "5")  # wrong, and counted
    page = student.get("/problems/doubling").text
    assert "Attempts: 1 · 2 left" in text_of(section(page, "twice"))
    assert "Add 2 to itself." not in page

    clock.now = DUE + timedelta(minutes=1)
    page = student.get("/problems/doubling").text
    assert "The due date has passed: answers are still checked, for practice" in text_of(page)
    assert "Add 2 to itself." in page and "Add 2 to itself, twice." in page  # after_due
    assert "Show solution" not in page

    twice = text_of(section(answer(student, "twice", "4"), "twice"))
    assert "Correct" in twice  # still checked
    assert re.search(r"Attempts: 1 [^·]", twice)  # not counted, and no attempts left to speak of
    assert (
        "The due date has passed: answers to this part are checked for practice, recorded, and no longer count."
        in twice
    )
    assert "0 / 3 points" in text_of(student.get("/problems/doubling").text)  # the late answer scores nothing


@pytest.mark.usefixtures("after_due")
def test_show_solution_is_refused_after_the_due_date(student: TestClient) -> None:
    response = post_form(student, "/problems/doubling/give-up", {"part": "twice"}, page="/problems/doubling")
    assert response.status_code == 422 and "due date has passed" in response.text


def test_the_api_records_a_late_answer_as_practice(app, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    with app.state.session_factory() as session:
        token = create_key(session, "lms", ["submit", "progress:read"]).token
    client, learner = TestClient(app), uuid.uuid4().hex
    headers = {"Authorization": f"Bearer {token}"}

    def submit(answer: str) -> dict:  # type: ignore[type-arg]
        body = {"learner_id": learner, "problem_id": "doubling", "answers": {"twice": answer}}
        response = client.post(
            "/api/v1/submissions", json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex}
        )
        assert response.status_code == 200, response.text
        return response.json()["parts"]["twice"]

    def score() -> float:
        progress = client.get(f"/api/v1/learners/{learner}/progress", headers=headers).json()
        return next(s["score"] for s in progress["sets"] if s["id"] == "homework")

    clock.now = DUE - timedelta(minutes=1)
    on_time = submit("5")
    assert (on_time["status"], on_time["counted"], on_time["late"], on_time["attempts_left"]) == (
        "incorrect", True, False, 2,
    )  # fmt: skip
    clock.now = DUE + timedelta(minutes=1)
    late = submit("4")
    assert (late["status"], late["counted"], late["late"], late["attempts_left"]) == ("correct", False, True, 0)
    assert score() == 0.0  # what an LMS would be sent


def test_a_limited_part_is_checkable_anonymously_only_after_the_due_date(student: TestClient, clock: Clock) -> None:
    clock.now = DUE - timedelta(minutes=1)
    check = {"seed": 0, "answers": {"twice": "4"}}
    assert student.post("/api/v1/problems/doubling/check", json=check).status_code == 401
    assert (
        student.post("/api/v1/problems/doubling/check", json={"seed": 0, "answers": {"thrice": "6"}}).status_code == 200
    )
    clock.now = DUE + timedelta(minutes=1)
    assert student.post("/api/v1/problems/doubling/check", json=check).json()["parts"]["twice"]["status"] == "correct"


def test_the_api_gives_integrators_the_due_date_and_each_parts_solution_policy(student: TestClient) -> None:
    problem = student.get("/api/v1/problems/doubling").json()
    assert datetime.fromisoformat(problem["due"]) == DUE and problem["due"].endswith("-08:00")  # the author's zone
    solutions = {part["id"]: part["solutions"] for part in problem["parts"]}
    assert solutions["twice"] == {
        "after_attempts": None, "on_request": True, "after_due": True,
        "words": "Solutions: after the 3 attempts allowed, on request (forfeits the part's points), or after the due "
        "date.",
    }  # fmt: skip
    assert solutions["thrice"] == {  # its own override of the set's on_request
        "after_attempts": None, "on_request": False, "after_due": True, "words": "Solutions: after the due date.",
    }  # fmt: skip


def test_feedback_is_typeset_as_math_without_javascript(student: TestClient) -> None:
    page = post_form(student, "/problems/c147-w23-2", {"part": "delta_W1", "a.delta_W1": "x @ delta_b1.T"}).text
    message = re.search(r'<div class="message">(.*?)</div>', section(page, "delta_W1"), re.S)
    assert message, "no feedback"
    assert message.group(1).startswith('<p>Your answer is <span class="math inline"><math ')
    tex = re.findall(r'<annotation encoding="application/x-tex">(.*?)</annotation>', message.group(1))
    assert tex == ["D_{x} \\times D_{a_{1}}", "\\delta_{W_{1}}", "D_{a_{1}} \\times D_{x}"]
    assert "$" not in text_of(re.sub(r"<annotation.*?</annotation>", "", message.group(1)))  # no raw TeX shown


def test_a_caret_under_an_unreadable_answer_stays_preformatted(student: TestClient) -> None:
    page = post_form(student, "/problems/c147-w23-2", {"part": "delta_W1", "a.delta_W1": "x @@ y"}).text
    pointer = re.search(r'<pre class="pointer">(.*?)</pre>', section(page, "delta_W1"), re.S)
    assert pointer and pointer.group(1).splitlines()[0] == "x @@ y" and pointer.group(1).endswith("^")

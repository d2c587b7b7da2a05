"""The pages as plain HTTP: identity, variants, hints, attempts (the browser tests cover the widgets)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.bank.models import SetSpec
from app.main import create_app
from app.settings import Settings
from app.throttle import ClientLimits
from tests.forms import form_tokens, post_form

ROOT = Path(__file__).resolve().parents[2]
LIMITED = """\
id: limited
title: Limited attempts
set: demo
variables:
  x: {shape: [D, 1]}
parts:
  - id: double
    label: "1"
    kind: expression
    answer: "2 x"
    names: [x]
    max_attempts: 2
    solution: "Twice **x**."
"""


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    problems = tmp_path_factory.mktemp("problems")
    shutil.copytree(ROOT / "problems", problems, dirs_exist_ok=True)
    (problems / "limited.yaml").write_text(LIMITED, encoding="utf-8")
    return Settings(
        problems_dir=problems, templates_dir=ROOT / "templates", static_dir=ROOT / "static",
        data_dir=tmp_path_factory.mktemp("data"), instructor_token="a-long-instructor-token",
    )  # fmt: skip


@pytest.fixture(scope="module")
def app(app_settings: Settings):  # type: ignore[no-untyped-def]
    with TestClient(create_app(app_settings)) as client:
        yield client.app


@pytest.fixture
def student(app) -> TestClient:  # type: ignore[no-untyped-def]
    """A new visitor with an empty cookie jar (the app, its workers and its database are shared)."""
    return TestClient(app)


def answer(client: TestClient, problem: str, part: str, text: str) -> str:
    return post_form(client, f"/problems/{problem}", {"part": part, f"a.{part}": text}).text


def test_a_first_visit_gets_a_signed_learner_cookie_and_a_forged_one_is_replaced(student: TestClient) -> None:
    student.get("/")
    cookie = student.cookies["quiz_learner"]
    assert cookie.count(".") == 1  # value.signature
    forged = cookie.split(".")[0] + ".forged"
    reissued = TestClient(student.app, cookies={"quiz_learner": forged}).get("/").cookies["quiz_learner"]
    assert reissued not in (cookie, forged)
    assert student.get("/").cookies.get("quiz_learner") is None  # a valid cookie is kept as it is


def test_progress_shows_on_home_and_set_pages(student: TestClient) -> None:
    assert "0 of 5 problems done" in student.get("/").text
    answer(student, "c147-w23-5", "velocity_covariance", "epsilon^2 sigma^2 (1 - alpha^(2t)) / (1 - alpha^2) I")
    assert "1 of 5 problems done" in student.get("/").text
    row = re.search(r"Bonus: covariance of momentum.*?</tr>", student.get("/sets/c147-w23-midterm").text, re.S)
    assert row and "status-done" in row.group(0) and "7 / 7" in row.group(0)


def test_a_new_variant_is_numbered_kept_and_the_printed_one_is_a_way_back(student: TestClient) -> None:
    assert "The variant as printed in the exam" in student.get("/problems/c147-w23-1").text
    assert "Start variant 1 (fresh numbers)" in student.get("/problems/c147-w23-1/variants").text
    page = post_form(student, "/problems/c147-w23-1/variant", {}).text
    assert '<span class="variant">Variant 1</span>' in page
    assert '<span class="variant">Variant 1</span>' in student.get("/problems/c147-w23-1").text
    post_form(student, "/problems/c147-w23-1/variant", {})
    choices = student.get("/problems/c147-w23-1/variants").text
    assert "Back to variant 1" in choices and "Back to the variant as printed in the exam" in choices
    back = post_form(student, "/problems/c147-w23-1/variant", {"seed": "0"}).text
    assert "The variant as printed in the exam" in back
    assert post_form(student, "/problems/c147-w23-1/variant", {"seed": "12345"}).status_code == 422


def test_hints_are_revealed_one_at_a_time(student: TestClient) -> None:
    page = post_form(student, "/problems/c147-w23-4/hint", {"part": "theta_t"}).text
    section = re.search(r'<section class="part[^"]*" id="part-theta_t".*?</section>', page, re.S).group(0)  # type: ignore[union-attr]
    assert section.count("<li>") == 1 and "First unroll the velocity" in section
    page = post_form(student, "/problems/c147-w23-4/hint", {"part": "theta_t"}).text
    section = re.search(r'<section class="part[^"]*" id="part-theta_t".*?</section>', page, re.S).group(0)  # type: ignore[union-attr]
    assert section.count("<li>") == 2 and ">Hint<" not in section


def test_an_invalid_answer_costs_no_attempt_and_attempts_run_out(student: TestClient) -> None:
    page = answer(student, "limited", "double", "2 (x")
    assert "Could not read this answer (no attempt used)" in page and "Attempts: 0 · 2 left" in page
    page = answer(student, "limited", "double", "3 x")
    assert "Attempts: 1 · 1 left" in page and "Twice" not in page
    page = answer(student, "limited", "double", "x")
    assert "Attempts: 2 · 0 left" in page and "Twice <strong>x</strong>" in page  # the solution is released
    page = answer(student, "limited", "double", "2 x")  # refused: nothing is recorded, the answer stays a draft
    assert "Attempts: 2 · 0 left · You have used every attempt for this part." in page
    assert 'value="2 x"' in page and "disabled" in re.search(r"<button[^>]*>Check 1</button>", page).group(0)  # type: ignore[union-attr]


def test_instructor_pages_need_the_token(student: TestClient) -> None:
    signed_out = student.get("/instructor/problems/c147-w23-1/stats", follow_redirects=False)
    assert (signed_out.status_code, signed_out.headers["location"]) == (
        303, "/instructor/login?next=%2Finstructor%2Fproblems%2Fc147-w23-1%2Fstats",
    )  # fmt: skip
    assert "Sign in with the instructor token" in student.get("/instructor").text
    assert post_form(student, "/instructor/login", {"token": "wrong-token-123"}).status_code == 401
    assert post_form(student, "/instructor/login", {"token": "a-long-instructor-token"}).status_code == 200
    preview = student.get("/instructor/problems/c147-w23-2?seed=5").text
    assert "delta_b1 @ x.T" in preview and "Anticipated mistakes" in preview


def test_instructor_statistics_list_the_most_common_wrong_answers(student: TestClient) -> None:
    for _ in range(2):
        answer(student, "c147-w23-2", "delta_W1", "W2.T delta_b2 x.T")
    post_form(student, "/instructor/login", {"token": "a-long-instructor-token"})
    stats = student.get("/instructor/problems/c147-w23-2/stats").text
    assert "<code>W2.T delta_b2 x.T</code></td><td>2</td>" in stats
    assert "the mask (z1 &gt; 0) is missing" in stats


def learner_of(client: TestClient) -> str:
    learner = client.app.state.signer.learner(client.cookies["quiz_learner"])  # type: ignore[attr-defined]
    assert learner is not None
    return learner


def attempts_stored(client: TestClient, problem_id: str) -> dict:  # type: ignore[type-arg]
    from app.storage.repository import Repository

    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        return Repository(session).part_summaries(learner_of(client), problem_id)


def test_a_huge_grid_index_is_refused_at_once_and_nothing_is_stored(student: TestClient) -> None:
    token = form_tokens(student, "/problems/c147-w23-2")["csrf"]
    body = "part=delta_W1&a.delta_W1.3999.3999=1"  # 40 bytes that once asked for a 4000 × 4000 grid
    response = student.post(
        "/problems/c147-w23-2",
        content=f"csrf={token}&{body}",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 422
    assert "is not a matrix: it takes no grid cells" in response.json()["detail"]
    assert attempts_stored(student, "c147-w23-2") == {}


def test_a_grid_beyond_the_largest_matrix_is_refused_and_nothing_is_stored(student: TestClient) -> None:
    student.get("/problems/c147-w23-3")
    response = post_form(student, "/problems/c147-w23-3", {"part": "linf_gradient", "a.linf_gradient.3999.3999": "1"})
    assert response.status_code == 422
    assert "at most 20 rows and 20 columns" in response.json()["detail"]
    assert attempts_stored(student, "c147-w23-3") == {}


def test_instructor_sign_ins_are_throttled_per_address(student: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = ClientLimits.from_settings(student.app.state.settings)  # type: ignore[attr-defined]
    monkeypatch.setattr(student.app.state, "client_limits", fresh, raising=False)  # type: ignore[attr-defined]
    statuses = [post_form(student, "/instructor/login", {"token": f"guess-{i:04d}"}).status_code for i in range(11)]
    assert statuses == [401] * 10 + [429]
    refused = post_form(student, "/instructor/login", {"token": "a-long-instructor-token"})
    assert refused.status_code == 429 and "Too many sign-in attempts" in refused.json()["detail"]


def test_each_sign_in_gets_its_own_session(student: TestClient) -> None:
    cookies = set()
    for _ in range(2):
        browser = TestClient(student.app)
        post_form(browser, "/instructor/login", {"token": "a-long-instructor-token"})
        cookies.add(browser.cookies["quiz_instructor"])
    assert len(cookies) == 2


def test_pages_show_a_sets_title_not_its_id(tmp_path, student: TestClient) -> None:  # type: ignore[no-untyped-def]
    bank = student.app.state.bank_store.get()  # type: ignore[attr-defined]
    shipped = bank.set_specs["c147-w23-midterm"]
    bank.set_specs["c147-w23-midterm"] = SetSpec(
        id="c147-w23-midterm", title="Midterm, winter 2023", description="*Go*"
    )
    try:
        assert "Midterm, winter 2023" in student.get("/").text
        page = student.get("/sets/c147-w23-midterm").text
        assert "<h1>Midterm, winter 2023</h1>" in page and "<em>Go</em>" in page
        assert "Midterm, winter 2023</a>" in student.get("/problems/c147-w23-1").text
    finally:
        bank.set_specs["c147-w23-midterm"] = shipped


def test_the_instructor_sees_problem_files_a_reload_refused(student: TestClient) -> None:
    store = student.app.state.bank_store  # type: ignore[attr-defined]
    store.errors = {"problems/tiny.yaml": ["problems/tiny.yaml: tiny: part p (1): mistake 'x' equals the answer"]}
    try:
        post_form(student, "/instructor/login", {"token": "a-long-instructor-token"})
        page = student.get("/instructor").text
        assert "Problem files not reloaded" in page and "mistake &#39;x&#39; equals the answer" in page
    finally:
        store.errors = {}

"""Submissions through the API, on SQLite and on PostgreSQL: recorded once per Idempotency-Key, whatever the retries.

The module's problem bank is the repository's, with δ_W1 (2b.viii) limited to 2 attempts.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app.storage import Attempt, Learner, Repository
from app.storage.api_keys import IdempotentRequest
from tests.api.conftest import ROOT, Api, running_api
from tests.databases import postgres_database

PROBLEM = "c147-w23-2"
WRONG_W1, RIGHT_W1 = "x @ delta_b1.T", "delta_b1 @ x.T"
THREADS = 8


def limited_bank(folder: Path) -> Path:
    shutil.copytree(ROOT / "problems", folder, dirs_exist_ok=True)
    path = folder / "c147-w23-midterm" / "2-weighted-bce.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  - id: delta_W1\n"
    assert text.count(marker) == 1
    path.write_text(text.replace(marker, marker + "    max_attempts: 2\n"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    problems, data = limited_bank(tmp_path_factory.mktemp("problems")), tmp_path_factory.mktemp("data")
    if request.param == "sqlite":
        with running_api(data, problems_dir=problems) as running:
            yield running
        return
    with postgres_database() as url, running_api(data, url, problems) as running:
        assert running.client.app.state.session_factory.kw["bind"].dialect.name == "postgresql"  # type: ignore[attr-defined]
        yield running


@pytest.fixture(scope="module")
def headers(api: Api) -> dict[str, str]:
    return api.auth("submit", "progress:read")


def submit(api: Api, headers: dict[str, str], learner: str, answers: dict, key: str | None, **extra):  # type: ignore[no-untyped-def]
    body = {"learner_id": learner, "problem_id": PROBLEM, "answers": answers, **extra}
    return api.client.post(
        "/api/v1/submissions", json=body, headers={**headers, **({"Idempotency-Key": key} if key else {})}
    )


def attempts(api: Api, learner: str) -> list[tuple[str, str | None, int]]:
    with api.session() as session:
        rows = session.execute(
            select(Attempt.part_id, Attempt.idempotency_key, Attempt.seed).where(Attempt.learner_id == learner)
        )
        return sorted((part, key, seed) for part, key, seed in rows)


def new_learner() -> str:
    return uuid.uuid4().hex


def test_a_submission_is_checked_recorded_and_creates_the_learner(api: Api, headers: dict[str, str]) -> None:
    learner = new_learner()
    response = submit(api, headers, learner, {"delta_W1": WRONG_W1, "b1_shape": "D_a1 x 1"}, "first")
    assert response.status_code == 200 and "idempotent-replayed" not in response.headers
    body = response.json()
    assert (body["learner_id"], body["problem_id"], body["seed"], body["idempotency_key"]) == (
        learner, PROBLEM, 0, "first",
    )  # fmt: skip
    assert list(body["parts"]) == ["b1_shape", "delta_W1"]  # the problem's order
    assert body["parts"]["b1_shape"] == {
        "status": "correct", "score": 1.0, "feedback": "Correct.", "reason": "correct", "latex": None,
        "position": None, "note": None, "attempts_left": None, "counted": True, "late": False,
    }  # fmt: skip
    w1 = body["parts"]["delta_W1"]
    assert (w1["status"], w1["reason"], w1["attempts_left"]) == ("incorrect", "shape", 1)
    assert w1["feedback"].startswith(
        "Your answer is $D_{x} \\times D_{a_{1}}$ but $\\delta_{W_{1}}$ is $D_{a_{1}} \\times D_{x}$."
    )
    assert (body["score"], body["max_score"]) == (1.0, 4.0)
    assert attempts(api, learner) == [("b1_shape", "first:b1_shape", 0), ("delta_W1", "first:delta_W1", 0)]
    with api.session() as session:
        assert session.get(Learner, learner) is not None


def test_a_retry_with_the_same_key_records_nothing_and_returns_the_same_bytes(
    api: Api, headers: dict[str, str]
) -> None:
    learner = new_learner()
    first = submit(api, headers, learner, {"delta_W1": WRONG_W1}, "retry-me")
    again = submit(api, headers, learner, {"delta_W1": WRONG_W1}, '"retry-me"')  # the structured-field form
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    assert attempts(api, learner) == [("delta_W1", "retry-me:delta_W1", 0)]
    assert first.json()["parts"]["delta_W1"]["attempts_left"] == 1  # counted once


def test_the_same_key_with_another_body_is_422_and_records_nothing(api: Api, headers: dict[str, str]) -> None:
    learner = new_learner()
    submit(api, headers, learner, {"delta_W1": WRONG_W1}, "once")
    for changed in ({"answers": {"delta_W1": RIGHT_W1}}, {"answers": {"delta_W1": WRONG_W1}, "seed": 3}):
        body = {"learner_id": learner, "problem_id": PROBLEM, **changed}
        response = api.client.post("/api/v1/submissions", json=body, headers={**headers, "Idempotency-Key": "once"})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "tag:quizzes,2026:idempotency-key-reused"
    assert attempts(api, learner) == [("delta_W1", "once:delta_W1", 0)]
    other = new_learner()  # keys are per learner
    assert (
        submit(api, headers, other, {"delta_W1": RIGHT_W1}, "once").json()["parts"]["delta_W1"]["status"] == "correct"
    )


@pytest.mark.parametrize(("key", "kind"), [
    (None, "idempotency-key-missing"), ("", "idempotency-key-invalid"), ("has space", "idempotency-key-invalid"),
    ("a:b", "idempotency-key-invalid"), ("k" * 65, "idempotency-key-invalid"),
])  # fmt: skip
def test_a_missing_or_malformed_key_is_400(api: Api, headers: dict[str, str], key: str | None, kind: str) -> None:
    learner = new_learner()
    body = {"learner_id": learner, "problem_id": PROBLEM, "answers": {"delta_W1": RIGHT_W1}}
    extra = {} if key is None else {"Idempotency-Key": key}
    response = api.client.post("/api/v1/submissions", json=body, headers={**headers, **extra})
    assert response.status_code == 400
    assert response.json()["type"] == f"tag:quizzes,2026:{kind}"
    assert attempts(api, learner) == []


def test_concurrent_duplicates_store_one_attempt_per_part_and_answer_alike(api: Api, headers: dict[str, str]) -> None:
    learner, start = new_learner(), threading.Barrier(THREADS)
    answers = {"delta_W1": WRONG_W1, "b2_shape": "scalar"}

    def send(_: int) -> tuple[int, bytes]:
        start.wait()
        response = submit(api, headers, learner, answers, "same-moment")
        return response.status_code, response.content

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(send, range(THREADS)))
    assert {status for status, _ in results} == {200}
    assert len({content for _, content in results}) == 1
    assert attempts(api, learner) == [("b2_shape", "same-moment:b2_shape", 0), ("delta_W1", "same-moment:delta_W1", 0)]


def test_a_retry_after_a_lost_response_returns_what_was_recorded(api: Api, headers: dict[str, str]) -> None:
    learner = new_learner()
    submit(api, headers, learner, {"delta_W1": WRONG_W1}, "try-1")
    last = submit(api, headers, learner, {"delta_W1": "W2.T delta_b2 x.T"}, "try-2")
    assert last.json()["parts"]["delta_W1"]["attempts_left"] == 0
    with api.session() as session:  # the process died after recording, before storing its response
        session.execute(update(IdempotentRequest).where(IdempotentRequest.key == "try-2").values(response=None))
        session.commit()
    retried = submit(api, headers, learner, {"delta_W1": "W2.T delta_b2 x.T"}, "try-2")
    assert retried.json() == last.json()  # the recorded verdict, not "no attempts left"
    refused = submit(api, headers, learner, {"delta_W1": RIGHT_W1}, "try-3").json()["parts"]["delta_W1"]
    assert (refused["status"], refused["reason"]) == ("invalid", "no_attempts")
    assert [key for _, key, _ in attempts(api, learner)] == ["try-1:delta_W1", "try-2:delta_W1"]


def test_the_seed_defaults_to_the_learners_variant(api: Api, headers: dict[str, str]) -> None:
    learner = new_learner()
    assert submit(api, headers, learner, {"b2_shape": "scalar"}, "s1", seed=5).json()["seed"] == 5
    assert submit(api, headers, learner, {"b2_shape": "scalar"}, "s2").json()["seed"] == 0
    with api.session() as session:
        assigned = Repository(session).new_variant(learner, PROBLEM)
    assert submit(api, headers, learner, {"b2_shape": "scalar"}, "s3").json()["seed"] == assigned
    assert [seed for _, _, seed in attempts(api, learner)] == [5, 0, assigned]  # keys s1, s2, s3


def test_blank_answers_are_skipped(api: Api, headers: dict[str, str]) -> None:
    learner = new_learner()
    body = submit(api, headers, learner, {"b1_shape": " ", "b2_shape": "scalar"}, "blank").json()
    assert list(body["parts"]) == ["b2_shape"] and body["max_score"] == 1.0
    assert attempts(api, learner) == [("b2_shape", "blank:b2_shape", 0)]


@pytest.mark.parametrize(("change", "title"), [
    ({"problem_id": "no-such-problem"}, "Unknown problem"),
    ({"answers": {"no_such_part": "1"}}, "Unknown part"),
    ({"learner_id": "not-hex"}, "Invalid request"),
    ({"answers": {}}, "Invalid request"),
    ({"seed": -1}, "Invalid request"),
    ({"extra": 1}, "Invalid request"),
])  # fmt: skip
def test_an_invalid_submission_is_422_and_records_nothing(
    api: Api, headers: dict[str, str], change: dict, title: str
) -> None:
    learner = new_learner()
    body = {"learner_id": learner, "problem_id": PROBLEM, "answers": {"b2_shape": "scalar"}, **change}
    response = api.client.post("/api/v1/submissions", json=body, headers={**headers, "Idempotency-Key": "bad"})
    assert response.status_code == 422 and response.json()["title"] == title
    assert attempts(api, learner) == []


def test_learners_are_created_on_request_and_report_progress(api: Api, headers: dict[str, str]) -> None:
    created = api.client.post("/api/v1/learners", json={"display_name": "Ada"}, headers=headers)
    assert created.status_code == 201
    learner = created.json()["id"]
    assert len(learner) == 32 and created.json()["display_name"] == "Ada"
    submit(api, headers, learner, {"delta_W1": RIGHT_W1, "b2_shape": "3"}, "p1")
    progress = api.client.get(f"/api/v1/learners/{learner}/progress", headers=headers).json()
    assert progress["learner_id"] == learner
    midterm, practice = sorted(progress["sets"], key=lambda s: s["id"])
    assert (midterm["id"], practice["id"], practice["score"]) == ("c147-w23-midterm", "dl-practice", 0.0)
    two = next(p for p in midterm["problems"] if p["id"] == PROBLEM)
    assert (two["status"], two["score"], two["max_score"], two["parts_solved"]) == ("partly correct", 3.0, 30.0, 1)
    assert next(p for p in midterm["problems"] if p["id"] == "c147-w23-1")["status"] == "not started"
    assert (midterm["score"], midterm["max_score"]) == (3.0, 107.0)
    missing = api.client.get(f"/api/v1/learners/{new_learner()}/progress", headers=headers)
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert api.client.get("/api/v1/learners/XYZ/progress", headers=headers).status_code == 422

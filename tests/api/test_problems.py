"""The REST slice: listing problems and checking answers through the worker pool."""

from __future__ import annotations

import pytest

CHECK = "/api/v1/problems/{}/check"


def check(client, problem: str, answers: dict, seed: int = 0):  # type: ignore[no-untyped-def]
    return client.post(CHECK.format(problem), json={"seed": seed, "answers": answers})


def test_listing_names_every_problem_with_its_parts(client, bank) -> None:  # type: ignore[no-untyped-def]
    listing = client.get("/api/v1/problems").json()
    assert {p["id"] for p in listing} == set(bank.problems)
    two = next(p for p in listing if p["id"] == "c147-w23-2")
    assert two["set"] == "c147-w23-midterm"
    assert {"id": "delta_W1", "label": "2b.viii", "kind": "expression", "points": 3.0} in two["parts"]


def test_every_part_reference_answer_is_correct_at_seed_0(client, bank) -> None:  # type: ignore[no-untyped-def]
    """Free text is never marked correct by the machine: its model answer is `saved` like any text."""
    from app.bank.variants import make_variant

    for problem in bank:
        variant = make_variant(problem, 0)
        answers = {part.id: part.reference_answer(variant) for part in problem.parts}
        body = check(client, problem.id, answers).json()
        for part in problem.parts:
            expected = "saved" if part.kind == "text" else "correct"
            assert body["parts"][part.id]["status"] == expected, (
                problem.id,
                part.label,
                body["parts"][part.id],
            )


def test_a_transposed_gradient_gets_shape_feedback_then_the_fix_is_correct(client) -> None:  # type: ignore[no-untyped-def]
    wrong = check(client, "c147-w23-2", {"delta_W1": "x @ delta_b1.T"}).json()["parts"]["delta_W1"]
    assert wrong["status"] == "incorrect"
    assert wrong["feedback"].startswith(
        "Your answer is $D_{x} \\times D_{a_{1}}$ but $\\delta_{W_{1}}$ is $D_{a_{1}} \\times D_{x}$."
    )
    right = check(client, "c147-w23-2", {"delta_W1": "delta_b1 @ x.T"}).json()
    assert right["parts"]["delta_W1"] == {
        "status": "correct", "score": 1.0, "feedback": "Correct.", "reason": "correct",
        "latex": "\\delta_{b_{1}} {x}^{\\top}", "position": None, "note": None,
    }  # fmt: skip
    assert right["score"] == right["max_score"] == 3.0


def test_a_syntax_error_is_invalid_with_its_position(client) -> None:  # type: ignore[no-untyped-def]
    verdict = check(client, "c147-w23-2", {"delta_W1": "delta_b1 @ (x.T"}).json()["parts"]["delta_W1"]
    assert verdict["status"] == "invalid"
    assert verdict["position"] == 11
    assert "never closed" in verdict["feedback"]


def test_a_hostile_answer_is_invalid_and_the_service_keeps_answering(client) -> None:  # type: ignore[no-untyped-def]
    verdict = check(client, "c147-w23-2", {"delta_yhat": "9^9^9^9"}).json()["parts"]["delta_yhat"]
    assert verdict["status"] == "invalid"
    assert client.get("/healthz").json() == {"status": "ok", "workers": 2}


@pytest.mark.parametrize(
    ("path", "body", "status", "title"),
    [
        ("/api/v1/problems/no-such/check", {"answers": {}}, 404, "Not Found"),
        (CHECK.format("c147-w23-2"), {"answers": {"no_such_part": "1"}}, 422, "Error"),
        (CHECK.format("c147-w23-2"), {"seed": -1, "answers": {}}, 422, "Invalid request"),
        (CHECK.format("c147-w23-2"), {"seed": 0}, 422, "Invalid request"),
    ],
)
def test_errors_are_problem_details(client, path: str, body: dict, status: int, title: str) -> None:  # type: ignore[no-untyped-def]
    response = client.post(path, json=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == title
    assert response.json()["status"] == status


def test_the_preview_says_how_an_ambiguous_answer_is_read(client) -> None:  # type: ignore[no-untyped-def]
    body = {"problem_id": "c147-w23-2", "part_id": "delta_yhat", "seed": 0, "text": "alpha y / yhat (1 - y)"}
    reading = client.post("/api/v1/preview", json=body).json()
    assert reading["status"] == "ok"
    assert reading["note"] == "Read as (alpha y/yhat)·(1 - y); add brackets if you meant alpha y/(yhat (1 - y))."

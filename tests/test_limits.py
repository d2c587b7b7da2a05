"""Input limits: a body over the limit is refused (413) before it is read; an answer no widget sends (422)
is refused whole, never checked nor stored."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.limits import MAX_ANSWER_CHARS, AnswerTooLarge, bound_answers
from app.storage.repository import Repository
from tests.forms import post_form

LIMIT = 256_000
CHECK = "/api/v1/problems/c147-w23-2/check"


def stored(client: TestClient, problem_id: str) -> dict:  # type: ignore[type-arg]
    learner = client.app.state.signer.learner(client.cookies["quiz_learner"])  # type: ignore[attr-defined]
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        return Repository(session).part_summaries(learner, problem_id)


@pytest.mark.parametrize(
    ("answers", "parts"),
    [({"a": "x" * MAX_ANSWER_CHARS}, 1), ({"a": [["1"] * 20] * 20}, 1), ({"a": {"p": "q"}, "b": ["x", "y"]}, 2)],
)
def test_answers_any_widget_sends_pass(answers: dict, parts: int) -> None:  # type: ignore[type-arg]
    bound_answers(answers, parts)


@pytest.mark.parametrize(
    ("answers", "parts", "message"),
    [
        ({"a": "x" * (MAX_ANSWER_CHARS + 1)}, 1, "too large: at most 10,000 characters"),
        ({"a": ["1"] * 1001}, 1, "1,000 entries"),
        ({"a": [[[["deep"]]]]}, 1, "too large"),
        ({"a": "1", "b": "2", "c": "3"}, 2, "3 answers sent, but this problem has 2 parts"),
    ],
)
def test_answers_beyond_any_widget_are_refused(answers: dict, parts: int, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(AnswerTooLarge, match=message):
        bound_answers(answers, parts)


def test_a_body_over_the_limit_is_refused_with_problem_details(client: TestClient) -> None:
    response = client.post(CHECK, json={"seed": 0, "answers": {"delta_W1": "x" * LIMIT}})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The request body is too large; the limit is 256,000 bytes."


def test_a_chunked_body_over_the_limit_is_refused_too(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"seed": 0, "answers": {"delta_W1": "'
        for _ in range(100):
            yield b"x" * 10_000
        yield b'"}}'

    response = client.post(CHECK, content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json()["title"] == "Content Too Large"


def test_twenty_large_fields_in_one_form_post_store_nothing(client: TestClient) -> None:
    client.get("/problems/c147-w23-2")
    fields = {f"a.field{i}": "x" * 20_000 for i in range(20)}
    response = post_form(client, "/problems/c147-w23-2", {"part": "*", "a.delta_W1": "x", **fields})
    assert response.status_code == 413
    assert stored(client, "c147-w23-2") == {}


def test_an_oversize_answer_is_refused_and_not_stored(client: TestClient) -> None:
    client.get("/problems/c147-w23-2")
    response = post_form(client, "/problems/c147-w23-2", {"part": "delta_W1", "a.delta_W1": "x " * 10_000})
    assert response.status_code == 422
    assert response.json()["title"] == "Answer too large"
    assert stored(client, "c147-w23-2") == {}
    assert client.post(CHECK, json={"answers": {"delta_W1": "x" * 20_000}}).status_code == 422

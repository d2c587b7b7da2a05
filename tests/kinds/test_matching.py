"""Matching items with choices (4b: points a, b, c with the optimizers), with partial credit."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.kinds.base import Variant
from app.kinds.matching import MatchingPart

ITEMS = [{"id": p, "text": f"point {p}"} for p in "abc"]
CHOICES = [{"id": "momentum", "text": "Momentum"}, {"id": "adagrad", "text": "Adagrad"}, {"id": "adam", "text": "Adam"}]


ONE_WRONG = "1 of the 3 items is matched wrongly."
TWO_WRONG = "2 of the 3 items are matched wrongly."
ALL_WRONG = "3 of the 3 items are matched wrongly."
CHOOSE = "Match each item with one of momentum, adagrad, adam."
RIGHT = {"a": "momentum", "b": "adagrad", "c": "adam"}


@pytest.fixture
def part() -> MatchingPart:
    return MatchingPart(id="which", label="4b", items=ITEMS, choices=CHOICES, answer_param="fig2.mapping")


@pytest.mark.parametrize(
    ("answer", "status", "score", "reason", "feedback"),
    [
        (RIGHT, "correct", 1.0, "correct", "Correct."),
        ({"a": "momentum", "b": "adam", "c": "adagrad"}, "incorrect", 1 / 3, "partial", TWO_WRONG),
        ({"a": "momentum", "b": "adagrad", "c": "adagrad"}, "incorrect", 2 / 3, "partial", ONE_WRONG),
        ({"a": "adam", "b": "momentum", "c": "adagrad"}, "incorrect", 0.0, "wrong", ALL_WRONG),
        ({"a": "momentum", "b": "adagrad"}, "invalid", 0.0, "incomplete", "Match every item: c is not matched yet."),
        ({"a": "momentum", "b": "", "c": None}, "invalid", 0.0, "incomplete",
         "Match every item: b, c are not matched yet."),
        ({}, "invalid", 0.0, "incomplete", "Match every item: a, b, c are not matched yet."),
        ({**RIGHT, "c": "sgd"}, "invalid", 0.0, "unknown_id", CHOOSE),
        ({**RIGHT, "c": ["adam"]}, "invalid", 0.0, "unknown_id", CHOOSE),
        ({"a": "momentum", "b": "adagrad", "d": "adam"}, "invalid", 0.0, "unknown_id",
         "Match the items a, b, c; there is no other."),
        ({**RIGHT, "d": "adam"}, "invalid", 0.0, "format", "There are only 3 items to match."),
        ({str(i): "adam" for i in range(10**5)}, "invalid", 0.0, "format", "There are only 3 items to match."),
        (["momentum", "adagrad", "adam"], "invalid", 0.0, "format", "Match each item with a choice."),
        ("a=momentum", "invalid", 0.0, "format", "Match each item with a choice."),
        (None, "invalid", 0.0, "format", "Match each item with a choice."),
    ],
)  # fmt: skip
def test_check(
    part: MatchingPart, variant: Variant, answer: object, status: str, score: float, reason: str, feedback: str
) -> None:
    verdict = part.check(answer, variant)
    assert (verdict.status, verdict.reason, verdict.feedback) == (status, reason, feedback)
    assert verdict.score == pytest.approx(score)


def test_a_fixed_answer_and_the_public_view(variant: Variant) -> None:
    part = MatchingPart(id="which", label="4b", items=ITEMS, choices=CHOICES, answer=RIGHT)
    assert part.reference_answer(variant) == RIGHT
    assert part.public_view(variant) == {
        "items": [{"id": "a", "text": "point a"}, {"id": "b", "text": "point b"}, {"id": "c", "text": "point c"}],
        "choices": [{"id": c["id"], "text": c["text"]} for c in CHOICES],
    }


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        ({"answer_param": "fig2.mapping"}, []),
        ({"answer_param": "fig2.faster"}, ["answer_param 'fig2.faster' must hold a mapping of item ids to choice ids"]),
        ({"answer_param": "fig9.mapping"}, ["parameter 'fig9.mapping' does not exist; parameters: W, channels, "
                                            "fig2.faster, fig2.mapping, filters, kernel, lam, n, n_neg, n_pos"]),
        ({"answer": {"a": "momentum", "b": "sgd", "d": "adam"}},
         ["the answer matches the unknown item 'd'", "the answer leaves item 'c' unmatched",
          "the answer uses the unknown choice 'sgd'"]),
    ],
)  # fmt: skip
def test_author_problems(variant: Variant, fields: dict[str, object], problems: list[str]) -> None:
    assert MatchingPart(id="p", label="4b", items=ITEMS, choices=CHOICES, **fields).author_problems(variant) == problems


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"items": ITEMS, "choices": CHOICES}, "give exactly one of answer, answer_param"),
        ({"items": [*ITEMS, ITEMS[0]], "choices": CHOICES, "answer": RIGHT}, "two items have the id 'a'"),
        ({"items": ITEMS, "choices": [*CHOICES, CHOICES[1]], "answer": RIGHT}, "two choices have the id 'adagrad'"),
    ],
)
def test_inconsistent_specs_fail_at_load_time(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MatchingPart(id="p", label="4b", **fields)

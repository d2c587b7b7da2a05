"""Multiple choice: one option id, fixed or taken from a parameter."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.kinds.base import Variant
from app.kinds.choice import ChoicePart

OPTIONS = [
    {"id": "momentum", "text": "Gradient descent with momentum"},
    {"id": "nesterov", "text": "Nesterov momentum", "feedback": "Yes: the look-ahead gradient points back."},
    {"id": "both", "text": "Both take {{ n }} steps", "feedback": "They land at different points."},
]


@pytest.fixture
def part() -> ChoicePart:
    return ChoicePart(id="faster", label="4a", options=OPTIONS, answer="nesterov")


@pytest.mark.parametrize(
    ("answer", "status", "reason", "feedback"),
    [
        ("nesterov", "correct", "correct", "Yes: the look-ahead gradient points back."),
        ("  nesterov\n", "correct", "correct", "Yes: the look-ahead gradient points back."),
        ("momentum", "incorrect", "wrong", "That is not the right option."),
        ("both", "incorrect", "wrong", "They land at different points."),
        ("Nesterov", "invalid", "unknown_id", "Choose one of the options: momentum, nesterov, both."),
        ("", "invalid", "format", "Choose one option."),
        (None, "invalid", "format", "Choose one option."),
        (["nesterov"], "invalid", "format", "Choose one option."),
        ({"id": "nesterov"}, "invalid", "format", "Choose one option."),
        (1, "invalid", "format", "Choose one option."),
        ("x" * 10**6, "invalid", "unknown_id", "Choose one of the options: momentum, nesterov, both."),
    ],
)
def test_check(part: ChoicePart, variant: Variant, answer: object, status: str, reason: str, feedback: str) -> None:
    verdict = part.check(answer, variant)
    assert (verdict.status, verdict.reason, verdict.feedback) == (status, reason, feedback)


def test_the_answer_can_come_from_a_parameter(variant: Variant) -> None:
    part = ChoicePart(id="faster", label="4a", options=OPTIONS, answer_param="fig2.faster")
    assert part.reference_answer(variant) == "nesterov"
    assert part.check("nesterov", variant).status == "correct"
    assert part.check("momentum", variant).status == "incorrect"
    assert part.author_problems(variant) == []


def test_public_view_renders_texts_and_hides_the_answer(part: ChoicePart, variant: Variant) -> None:
    view = part.public_view(variant)
    assert view == {
        "options": [
            {"id": "momentum", "text": "Gradient descent with momentum"},
            {"id": "nesterov", "text": "Nesterov momentum"},
            {"id": "both", "text": "Both take 4 steps"},
        ]
    }


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"answer": "adam"}, "the answer 'adam' is not an option id (momentum, nesterov, both)"),
        ({"answer_param": "fig9.faster"}, "answer_param 'fig9.faster' is not a parameter"),
        ({"answer_param": "n"}, "the answer '4' is not an option id (momentum, nesterov, both)"),
    ],
)
def test_author_problems(variant: Variant, fields: dict[str, str], problem: str) -> None:
    assert ChoicePart(id="p", label="4a", options=OPTIONS, **fields).author_problems(variant) == [problem]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"options": OPTIONS}, "give exactly one of answer, answer_param"),
        ({"options": OPTIONS, "answer": "both", "answer_param": "fig2.faster"}, "give exactly one of answer"),
        ({"options": [*OPTIONS, OPTIONS[0]], "answer": "both"}, "two options have the id 'momentum'"),
        ({"options": OPTIONS[:1], "answer": "momentum"}, "at least 2 items"),
    ],
)
def test_inconsistent_specs_fail_at_load_time(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ChoicePart(id="p", label="4a", **fields)

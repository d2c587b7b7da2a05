"""Whole numbers: strict reading, exact comparison, anticipated mistakes (1d: 5 filters of 3 × 3 × 3 → 140)."""

from __future__ import annotations

import pytest

from app.kinds.base import Variant
from app.kinds.integer import IntegerPart

NO_BIAS = "Each filter also has a bias."
WHOLE = "Enter a whole number, in digits."


@pytest.fixture
def part() -> IntegerPart:
    return IntegerPart(
        id="params",
        label="1d",
        answer="(kernel kernel channels + 1) filters",
        mistakes=[{"answer": "kernel * kernel * channels * filters", "message": NO_BIAS}],
    )


@pytest.mark.parametrize(
    ("answer", "status", "reason", "feedback"),
    [
        (140, "correct", "correct", "Correct."),
        ("140", "correct", "correct", "Correct."),
        (" 140 ", "correct", "correct", "Correct."),
        ("+140", "correct", "correct", "Correct."),
        (140.0, "correct", "correct", "Correct."),
        (135, "incorrect", "mistake", NO_BIAS),
        ("-140", "incorrect", "sign", "Check the sign."),
        ("−140", "incorrect", "sign", "Check the sign."),
        ("1,400", "incorrect", "wrong", "That is not the right number."),
        (0, "incorrect", "wrong", "That is not the right number."),
        ("1.5", "invalid", "format", "Enter a whole number: `1.5` is not one."),
        ("140.0", "invalid", "format", "Enter a whole number: `140.0` is not one."),
        ("1e3", "invalid", "format", "Enter a whole number: `1e3` is not one."),
        (1.5, "invalid", "format", "Enter a whole number: 1.5 is not one."),
        (float("nan"), "invalid", "format", "Enter a whole number: nan is not one."),
        ("1,40", "invalid", "format", "Group digits in threes, as in 1,400, or leave the commas out."),
        ("abc", "invalid", "format", WHOLE),
        ("", "invalid", "format", WHOLE),
        ("٣", "invalid", "format", WHOLE),
        ("14 0", "invalid", "format", WHOLE),
        (True, "invalid", "format", WHOLE),
        (None, "invalid", "format", WHOLE),
        ([140], "invalid", "format", WHOLE),
        ({"value": 140}, "invalid", "format", WHOLE),
        (10**40, "invalid", "limit", "That number has more than 30 digits."),
        ("9" * 10**6, "invalid", "limit", "That number has more than 30 digits."),
    ],
)
def test_check(part: IntegerPart, variant: Variant, answer: object, status: str, reason: str, feedback: str) -> None:
    verdict = part.check(answer, variant)
    assert (verdict.status, verdict.reason, verdict.feedback) == (status, reason, feedback)


def test_reference_answer_follows_the_parameters(part: IntegerPart, variant: Variant) -> None:
    assert part.reference_answer(variant) == 140
    other = Variant("kinds", 3, {**variant.params, "filters": 16, "kernel": 5, "channels": 1})
    assert part.reference_answer(other) == 416
    assert part.check("416", other).status == "correct"
    assert part.check("400", other).feedback == NO_BIAS


def test_a_literal_answer(variant: Variant) -> None:
    part = IntegerPart(id="p", label="x", answer=7)
    assert (part.reference_answer(variant), part.check("7", variant).status) == (7, "correct")
    assert part.public_view(variant) == {"input": "integer"}


@pytest.mark.parametrize(
    ("answer", "mistakes", "problems"),
    [
        ("(kernel kernel channels + 1) filters", [], []),
        ("n_pos / 3", [], ["the answer: 'n_pos / 3' gives 333.333 in this variant, which is not a whole number"]),
        ("nope + 1", [], ["the answer: expression 'nope + 1' uses unknown parameter 'nope'"]),
        (140, [{"answer": 140, "message": "m"}], ["mistake 140 equals the answer"]),
        (
            140,
            [{"answer": "135", "message": "a"}, {"answer": 135, "message": "b"}],
            ["mistake 135 equals an earlier mistake (135)"],
        ),
        (
            140,
            [{"answer": "filters / 2", "message": "m"}],
            ["mistake 'filters / 2': 'filters / 2' gives 2.5 in this variant, which is not a whole number"],
        ),
    ],
)
def test_author_problems(
    variant: Variant, answer: object, mistakes: list[dict[str, object]], problems: list[str]
) -> None:
    assert IntegerPart(id="p", label="1d", answer=answer, mistakes=mistakes).author_problems(variant) == problems

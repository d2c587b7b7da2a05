"""Shapes in the problem's dimension names (2b.i: b1 is D_a1 × 1, b2 a scalar)."""

from __future__ import annotations

import pytest

from app.kinds.base import Variant
from app.kinds.shape import ShapePart

USAGE = "Enter a shape as rows × columns, e.g. `3 × 2`, or `scalar`."
UNKNOWN = "This problem's dimensions: D_a1, D_x (whole numbers such as 1 work too)."
TOO_SMALL = "A dimension is a whole number from 1 up, or one of the problem's dimension names."
NOT_B1 = "That is not the shape of $b_{1}$."


@pytest.fixture
def b1() -> ShapePart:
    return ShapePart(id="b1", label="2b.i", answer=["D_a1", 1], answer_name="b1")


@pytest.fixture
def b2() -> ShapePart:
    return ShapePart(id="b2", label="2b.i.b2", answer="scalar")


@pytest.mark.parametrize(
    ("answer", "status", "reason", "feedback"),
    [
        ("D_a1 x 1", "correct", "correct", "Correct."),
        ("D_a1 × 1", "correct", "correct", "Correct."),
        ("D_a1 by 1", "correct", "correct", "Correct."),
        ("(D_a1, 1)", "correct", "correct", "Correct."),
        ("[D_a1, 1]", "correct", "correct", "Correct."),
        ("D_a1,1", "correct", "correct", "Correct."),
        ("D_a1 1", "correct", "correct", "Correct."),
        ("D_a1*1", "correct", "correct", "Correct."),
        ("D_a1x1", "correct", "correct", "Correct."),
        ("Da1 x 1", "correct", "correct", "Correct."),
        ("D_{a1} x 1", "correct", "correct", "Correct."),
        ("D_{a_1} \\times 1", "correct", "correct", "Correct."),
        (["D_a1", 1], "correct", "correct", "Correct."),
        (["Da1", "1"], "correct", "correct", "Correct."),
        ("1 x D_a1", "incorrect", "transpose", "Rows and columns are swapped."),
        ("D_x x 1", "incorrect", "wrong", NOT_B1),
        ("D_a1 x D_x", "incorrect", "wrong", NOT_B1),
        ("scalar", "incorrect", "wrong", NOT_B1),
        ("1x1", "incorrect", "wrong", NOT_B1),
        ("3 x 1", "incorrect", "wrong", NOT_B1),
        ("D_h x 1", "invalid", "unknown_dimension", f"Unknown dimension `D_h`. {UNKNOWN}"),
        ("d_a1 x 1", "invalid", "unknown_dimension", f"Unknown dimension `d_a1`. {UNKNOWN}"),
        ("D_a1", "invalid", "format", "Give both dimensions, rows × columns: a column vector is `n × 1`."),
        ("D_a1 x 1 x 1 x 2", "invalid", "format", USAGE),
        ("0 x 1", "invalid", "format", TOO_SMALL),
        ("D_a1,", "invalid", "format", USAGE),
        ("", "invalid", "format", USAGE),
        ([], "invalid", "format", USAGE),
        (["D_a1", None], "invalid", "format", USAGE),
        (["D_a1", True], "invalid", "format", USAGE),
        ([["D_a1"], 1], "invalid", "format", USAGE),
        (5, "invalid", "format", USAGE),
        (None, "invalid", "format", USAGE),
        ({"rows": "D_a1"}, "invalid", "format", USAGE),
        (["D_a1"] * 10**6, "invalid", "format", USAGE),
        ("D" * 10**6, "invalid", "limit", "That is 1,000,000 characters long; a shape needs fewer than 200."),
    ],
)
def test_check_b1(b1: ShapePart, variant: Variant, answer: object, status: str, reason: str, feedback: str) -> None:
    verdict = b1.check(answer, variant)
    assert (verdict.status, verdict.reason, verdict.feedback) == (status, reason, feedback)


@pytest.mark.parametrize(
    ("answer", "status"),
    [("scalar", "correct"), ("Scalar", "correct"), ("1", "correct"), ("1x1", "correct"), ("1 × 1", "correct"),
     ([1, 1], "correct"), ("D_a1 x 1", "incorrect"), ("1 x D_x", "incorrect")],
)  # fmt: skip
def test_check_scalar(b2: ShapePart, variant: Variant, answer: object, status: str) -> None:
    assert b2.check(answer, variant).status == status


def test_unknown_names_without_declared_dimensions() -> None:
    part = ShapePart(id="p", label="x", answer=[2, 3])
    verdict = part.check("n x 3", Variant("p", 0))
    assert verdict.feedback == "Unknown dimension `n`: this problem names no dimensions; use whole numbers."
    assert part.check("3 x 2", Variant("p", 0)).reason == "transpose"


def test_reference_answers_and_public_view(b1: ShapePart, b2: ShapePart, variant: Variant) -> None:
    assert (b1.reference_answer(variant), b2.reference_answer(variant)) == ("D_a1 × 1", "scalar")
    assert b1.check(b1.reference_answer(variant), variant).status == "correct"
    assert b1.public_view(variant) == {"dimensions": ["D_a1", "D_x"]}


@pytest.mark.parametrize(
    ("answer", "problems"),
    [
        (["D_a1", 1], []),
        (["D_h", "D_x"], ["dimension 'D_h' is declared neither in dims nor in a variable's shape"]),
        (["D_x"], ["the answer must be rows × columns, or scalar"]),
        ([0, 2], ["a dimension must be at least 1"]),
    ],
)
def test_author_problems(variant: Variant, answer: list[str | int], problems: list[str]) -> None:
    assert ShapePart(id="p", label="x", answer=answer).author_problems(variant) == problems

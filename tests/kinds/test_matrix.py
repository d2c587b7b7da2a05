"""Numeric matrices (3b: the L-∞ regularizer's gradient for the given W)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.kinds.base import Variant
from app.kinds.matrix import MatrixPart

USAGE = "Enter the matrix as rows of numbers, e.g. `1 0; -1 2`."
# W = [[1, -2, 0], [3, 1, -1], [0, 2, 2]]: row 2 has the largest |row| sum; λ/n = 0.5/4.
GRADIENT = [[0, 0, 0], [0.125, 0.125, -0.125], [0, 0, 0]]


@pytest.fixture
def part() -> MatrixPart:
    return MatrixPart(
        id="linf",
        label="3b",
        matrix_param="W",
        target="dR_dW",
        answer_name="the gradient",
    )


@pytest.mark.parametrize(
    ("answer", "status", "reason", "feedback"),
    [
        (GRADIENT, "correct", "correct", "Correct."),
        ([["0", "0", "0"], ["1/8", "0.125", "-1/8"], ["0", "0", "0"]], "correct", "correct", "Correct."),
        ("0 0 0; 0.125 0.125 -0.125; 0 0 0", "correct", "correct", "Correct."),
        ("0, 0, 0\n1/8, 1/8, -1/8\n0, 0, 0", "correct", "correct", "Correct."),
        ("[[0, 0, 0], [0.125, 0.125, -0.125], [0, 0, 0]]", "correct", "correct", "Correct."),
        ("[0 0 0; 0.1251 0.125 -0.125; 0 0 0]", "incorrect", "wrong", "1 of the 9 entries is wrong."),  # 1/8 exactly
        ("0 0 0; 0.125 0.125 0.125; 0 0 0", "incorrect", "wrong", "1 of the 9 entries is wrong."),
        ("0 0 0; 0.5 0.5 -0.5; 0 0 0", "incorrect", "wrong", "3 of the 9 entries are wrong."),
        ("0 0 0; -0.125 -0.125 0.125; 0 0 0", "incorrect", "sign", "Every entry has the wrong sign."),
        ("0 0.125 0; 0 0.125 0; 0 -0.125 0", "incorrect", "transpose", "Your matrix is the transpose of the gradient."),
        ("0 0 0; 0.125 0.125 -0.125", "invalid", "size", "Your matrix is $2 \\times 3$; expected $3 \\times 3$."),
        ([[0, 0], [0, 0], [0, 0]], "invalid", "size", "Your matrix is $3 \\times 2$; expected $3 \\times 3$."),
        ("0 0 0; 1 1; 0 0 0", "invalid", "size", "Row 2 has 2 entries but row 1 has 3."),
        ("0 0 0; 1/8 x 0; 0 0 0", "invalid", "format",
         "Row 2, column 2: Enter a number, e.g. 0.25, 1e-3 or 1/4. Names are not allowed here.\nx\n^"),
        ([[0, 0, 0], [None, 0, 0], [0, 0, 0]], "invalid", "format",
         "Row 2, column 1: Enter a number, e.g. 0.25, 1e-3 or 1/4."),
        ([[0, 0, 0], [[1], 0, 0], [0, 0, 0]], "invalid", "format",
         "Row 2, column 1: Enter a number, e.g. 0.25, 1e-3 or 1/4."),
        ([[0, 0, 0], ["1/0", 0, 0], [0, 0, 0]], "invalid", "evaluation",
         "Row 2, column 1: That is not a finite number (a division by zero?)."),
        ("", "invalid", "format", USAGE),
        ([], "invalid", "format", USAGE),
        ([1, 2, 3], "invalid", "format", USAGE),
        (None, "invalid", "format", USAGE),
        ({"0": [0, 0, 0]}, "invalid", "format", USAGE),
        ([[0] * 3] * 10**6, "invalid", "limit", "A matrix here has at most 20 rows and 20 columns."),
        ([[0] * 10**6] * 3, "invalid", "limit", "A matrix here has at most 20 rows and 20 columns."),
        ("0 " * 10**6, "invalid", "limit", "Your matrix is 2,000,000 characters long; the limit is 5,000."),
    ],
)  # fmt: skip
def test_check(part: MatrixPart, variant: Variant, answer: object, status: str, reason: str, feedback: str) -> None:
    verdict = part.check(answer, variant)
    assert (verdict.status, verdict.reason, verdict.feedback) == (status, reason, feedback)


def test_reference_answer_and_public_view(part: MatrixPart, variant: Variant) -> None:
    assert part.reference_answer(variant) == GRADIENT
    assert part.public_view(variant) == {
        "rows": 3,
        "cols": 3,
        "given": {"name": "W", "value": [[1.0, -2.0, 0.0], [3.0, 1.0, -1.0], [0.0, 2.0, 2.0]]},
    }


def test_a_matrix_parameter_of_another_size(part: MatrixPart, variant: Variant) -> None:
    other = Variant(
        "kinds",
        2,
        {**variant.params, "W": [[1, -1], [0, 2], [-3, 1]], "lam": 2, "n": 2},
        variant.variables,
        variant.dims,
    )
    assert part.public_view(other)["rows"] == 3 and part.public_view(other)["cols"] == 2
    assert part.check("0 0; 0 0; -1 1", other).status == "correct"


def test_a_literal_grid_with_parameter_expressions(variant: Variant) -> None:
    part = MatrixPart(id="p", label="x", answer=[["lam / n", 0], [0, "-lam / n"]])
    assert part.reference_answer(variant) == [[0.125, 0.0], [0.0, -0.125]]
    assert part.check("1/8 0; 0 -1/8", variant).status == "correct"
    assert part.public_view(variant) == {"rows": 2, "cols": 2}


@pytest.mark.parametrize(
    ("fields", "problems"),
    [
        ({"target": "dR_dW"}, []),
        ({"target": "dR_dW", "matrix_param": "lam"},
         ["matrix_param: the given matrix is not a list of lists of numbers"]),
        ({"target": "nope"}, ["the reference cannot be computed: target 'nope' is not a variable"]),
        ({"target": "W1"}, ["the reference cannot be computed: target 'W1' depends on randomly drawn variables (W1); "
                            "it must be computed from parameters only"]),
        ({"answer": [["lam / 0"]]},
         ["the reference cannot be computed: expression 'lam / 0' is not a finite number in this variant"]),
        ({"answer": [[0] * 21]}, ["the answer is 1 × 21; students can enter at most 20 × 20"]),
    ],
)  # fmt: skip
def test_author_problems(variant: Variant, fields: dict[str, object], problems: list[str]) -> None:
    assert MatrixPart(id="p", label="3b", **fields).author_problems(variant) == problems


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "give exactly one of target, answer"),
        ({"answer": [[1]], "target": "dR_dW"}, "give exactly one of"),
        ({"answer": [[1, 2], [3]]}, "rows have equal lengths"),
        ({"answer": []}, "non-empty grid"),
    ],
)
def test_inconsistent_specs_fail_at_load_time(fields: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MatrixPart(id="p", label="3b", **fields)

"""Answers that follow an easily misread convention carry a note on how they were read, whatever the verdict."""

from __future__ import annotations

import pytest

from app.engine.expression_check import ExpressionTask, check_expression, preview
from app.engine.variables import VariableSpec

VARIABLES = {
    "a": VariableSpec(), "b": VariableSpec(), "c": VariableSpec(), "alpha": VariableSpec(),
    "t": VariableSpec(integer=[1, 5]), "x": VariableSpec(shape=["D", 1]), "z1": VariableSpec(shape=["D", 1]),
}  # fmt: skip
TASK = ExpressionTask(key="readings", variables=VARIABLES, allowed=tuple(VARIABLES), answer="a / (b c)")


@pytest.mark.parametrize(
    ("answer", "status", "note"),
    [
        ("a/b c", "incorrect", "Read as (a/b)·c; add brackets if you meant a/(b c)."),
        ("alpha^2t", "incorrect", "Read as alpha^2·t; write alpha^(2t) if you meant the power 2t."),
        ("x * z1 > 0", "incorrect",
         "Read as 1[x * z1 > 0]: the comparison takes the whole product; write x * (z1 > 0) for a mask."),
        ("-x^2", "incorrect", "Read as -(x^2); write (-x)^2 if you meant the power of -x."),
        ("a/(b c)", "correct", None),
        ("(a/b) c", "incorrect", None),
        ("alpha^2 t", "incorrect", None),
        ("x * (z1 > 0)", "incorrect", None),
        ("-(x^2)", "incorrect", None),
    ],
)  # fmt: skip
def test_a_note_says_how_an_ambiguous_answer_was_read(answer: str, status: str, note: str | None) -> None:
    verdict = check_expression(TASK, answer)
    assert (verdict.status, verdict.note) == (status, note)


def test_the_preview_carries_the_note_before_any_check() -> None:
    assert preview(TASK, "a/b c").note == "Read as (a/b)·c; add brackets if you meant a/(b c)."

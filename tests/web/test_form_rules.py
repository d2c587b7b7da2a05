"""Form posts → answers, and which parts a post checks or keeps as drafts (app/web/forms.py)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.datastructures import FormData

from app.kinds import CheckboxPart, ExpressionPart, MatchingPart, MatrixPart
from app.web.forms import answers_from_form, drafts_to_keep, parts_to_check

PARTS = [
    CheckboxPart(id="pick", label="1", options=[{"id": o, "text": o, "correct": o == "b"} for o in "abc"]),
    ExpressionPart(id="formula", label="2", answer="x", names=["x"]),
    MatrixPart(id="grid", label="3", answer=[[1, 2], [3, 4]]),
    MatchingPart(id="match", label="4", items=[{"id": "fig1", "text": "1"}, {"id": "fig2", "text": "2"}],
                 choices=[{"id": "adam", "text": "Adam"}, {"id": "sgd", "text": "SGD"}],
                 answer={"fig1": "adam", "fig2": "sgd"}),
]  # fmt: skip


def form(*pairs: tuple[str, str]) -> FormData:
    return FormData(list(pairs))


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("present.pick", "1"), ("a.pick", "b")], {"pick": ["b"]}),  # one ticked box is a list
        ([("present.pick", "1")], {"pick": []}),  # none ticked: "none of these"
        ([("present.pick", "1"), ("a.pick", "a"), ("a.pick", "c")], {"pick": ["a", "c"]}),
        ([("a.formula", "x @ W")], {"formula": "x @ W"}),
        (
            [("a.grid.0.0", "1"), ("a.grid.0.1", "2"), ("a.grid.1.0", "3"), ("a.grid.1.1", "")],
            {"grid": [["1", "2"], ["3", ""]]},
        ),
        ([("a.match.fig1", "adam"), ("a.match.fig2", "")], {"match": {"fig1": "adam", "fig2": ""}}),
    ],
)
def test_answers_from_form(pairs: list[tuple[str, str]], expected: dict[str, Any]) -> None:
    assert answers_from_form(form(*pairs), PARTS) == expected


SHOWN = {"pick": ["a"], "formula": "x"}
CASES = [
    # (target, posted, checked)
    ("formula", {"pick": ["a"], "formula": "2 x", "grid": [["", ""]]}, ["formula"]),
    ("edited", {"pick": ["a"], "formula": "2 x", "grid": [["", ""]]}, ["formula"]),  # Enter: the one edited part
    ("edited", {"pick": [], "formula": "x", "grid": [["1", ""]]}, []),  # two edited: check none, keep both
    ("edited", {"pick": ["a"], "formula": " x ", "grid": [["", ""]]}, []),  # nothing edited
    ("*", {"pick": [], "formula": "x", "grid": [["", "2"]]}, ["formula", "grid"]),  # every answered part
    ("gone", {"pick": ["a"]}, []),
]


@pytest.mark.parametrize(("target", "posted", "checked"), CASES)
def test_parts_to_check(target: str, posted: dict[str, Any], checked: list[str]) -> None:
    assert parts_to_check(target, posted, SHOWN) == checked


def test_unchecked_parts_that_differ_from_their_last_answer_are_kept_as_drafts() -> None:
    posted = {"pick": ["a", "b"], "formula": "2 x", "grid": [["", ""]], "match": {"fig1": ""}}
    assert drafts_to_keep(posted, {"pick": ["a"], "formula": "x"}, checked=["formula"]) == {"pick": ["a", "b"]}

"""Every kind is registered, parses from YAML-shaped data, keeps its answer out of the public view, grades its
reference answer correct and answers hostile input with an invalid verdict, never an exception."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from app.bank.models import ProblemSpec
from app.engine.errors import AuthorError
from app.export.model import Stem
from app.kinds import PART_KINDS, PartBase, PartSpec
from app.kinds.base import Variant

ROOT = Path(__file__).resolve().parents[2]
SPECS: dict[str, dict[str, Any]] = {
    "choice": {"options": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}], "answer": "b"},
    "checkbox": {"options": [{"id": "a", "text": "A", "correct": True}, {"id": "b", "text": "B"}]},
    "integer": {"answer": "(kernel kernel channels + 1) filters"},
    "number": {"answer": "n_neg / n_pos"},
    "shape": {"answer": ["D_a1", 1]},
    "matrix": {"target": "dR_dW", "matrix_param": "W"},
    "matching": {"items": [{"id": "a", "text": "a"}], "choices": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}],
                 "answer": {"a": "y"}},
    "condition": {"fields": [{"name": "alpha"}, {"name": "beta"}], "relation": "alpha / beta = n_neg / n_pos",
                  "example": {"alpha": "n_neg / n_pos", "beta": 1}},
    "text": {"model_answer": "Dropout.", "rubric": ["Names a regularizer."]},
}  # fmt: skip
HOSTILE = [
    None,
    True,
    -1,
    1e308,
    float("nan"),
    "",
    "x" * 10**6,
    [],
    [None] * 10**5,
    {"": None},
    [[[]]],
    {"a": {"b": []}},
]


def build(kind: str) -> PartBase:
    return TypeAdapter(PartSpec).validate_python({"id": "p", "label": "x", "kind": kind, **SPECS[kind]})


def test_every_kind_is_registered_and_tested() -> None:
    kinds = {k.model_fields["kind"].default for k in PART_KINDS}
    assert kinds == {"expression", *SPECS}


def test_the_authors_json_schema_is_generated() -> None:
    schema = json.dumps(ProblemSpec.model_json_schema())
    assert all(f'"const": "{kind}"' in schema for kind in SPECS)


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_reference_answer_is_correct_and_the_spec_consistent(kind: str, variant: Variant) -> None:
    part = build(kind)
    expected = "saved" if kind == "text" else "correct"  # free text is graded by people, never by the machine
    assert part.check(part.reference_answer(variant), variant).status == expected
    assert part.author_problems(variant) == []


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_public_view_never_holds_the_answer(kind: str, variant: Variant) -> None:
    view = json.dumps(build(kind).public_view(variant))
    for secret in ('"correct"', '"answer"', '"example"', "Dropout", "Names a regularizer", "0.125"):
        assert secret not in view


@pytest.mark.parametrize("kind", sorted(SPECS))
@pytest.mark.parametrize("answer", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_is_a_verdict(kind: str, answer: object, variant: Variant) -> None:
    verdict = build(kind).check(answer, variant)
    readable = (
        (kind in ("integer", "number") and answer == -1)
        or (kind == "number" and answer == 1e308)
        or (kind == "checkbox" and answer == [])  # no box ticked: "none of these" is an answer
    )
    assert verdict.status == ("incorrect" if readable else "invalid")  # a wrong number costs an attempt
    assert verdict.feedback


@pytest.mark.parametrize("kind", sorted(SPECS))
def test_every_kind_scores_exports_and_renders_through_the_protocol(kind: str, variant: Variant) -> None:
    part = build(kind)
    verdict = part.check(part.reference_answer(variant), variant)
    assert verdict.status in ("correct", "saved") and 0.0 <= verdict.score <= 1.0  # scored by the kind itself
    stem = Stem("id", (0, 0), part.label, kind, "title", part.points, "", part.prompt)
    if part.not_exported is None:
        assert type(part.export(stem, variant)).__name__.endswith("Question")
    else:
        assert part.not_exported.strip()  # the kind says why an LMS quiz cannot hold it
        with pytest.raises(AuthorError, match="cannot be exported"):
            part.export(stem, variant)
    widgets = (ROOT / "templates" / "_widgets.html").read_text(encoding="utf-8")
    assert f"{{% macro {part.widget[0]}(pv, last" in widgets  # the kind names a widget the page has

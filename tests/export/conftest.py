"""Exports of the midterm at seed 0, and of a small set of edge cases (numbers, ids that are not NCNames,
hostile Markdown) built directly as `ProblemSpec`s."""

from __future__ import annotations

from typing import Any

import pytest

from app.bank.models import ProblemSpec
from app.export import ExportSet
from app.export.collect import collect, load_set
from tests.conftest import PROBLEMS

MIDTERM = "c147-w23-midterm"

EDGE_STATEMENT = """A rate of {{ lr }} with *emphasis*, a <script>alert(1)</script> tag, R&D,
$a < b$ and $$x^2$$ inline.

| left | right |
|:--|--:|
| 1 | 2 |

3. third
4. fourth

[a link](https://example.org "a title")
"""

EDGE: dict[str, Any] = {
    "id": "9-edge",
    "title": "Edge cases / numbers & <markup>",
    "set": "edge",
    "statement": EDGE_STATEMENT,
    "parameters": {"lr": {"exam": 0.25, "uniform": [0.1, 0.5]}},
    "parts": [
        {"id": "ratio", "label": "9a", "kind": "number", "answer": "lr * 4", "points": 2, "rtol": 0.005},
        {"id": "negative", "label": "9b", "kind": "number", "answer": -2.5, "rtol": 0.01},
        {"id": "zero", "label": "9c", "kind": "number", "answer": 0.0, "atol": 0.001},
        {
            "id": "1st",
            "label": "9d",
            "kind": "choice",
            "options": [{"id": "1", "text": "one"}, {"id": "_1", "text": "underscore one"}],
            "answer": "1",
        },
        {
            "id": "all",
            "label": "9e",
            "kind": "checkbox",
            "options": [{"id": "x", "text": "$x < 1$", "correct": True}, {"id": "y", "text": "y", "correct": True}],
        },
        {
            "id": "pairs",
            "label": "9f",
            "kind": "matching",
            "items": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
            "choices": [{"id": "a", "text": "alpha $\\alpha$"}, {"id": "z", "text": "zeta"}, {"id": "q", "text": "q"}],
            "answer": {"a": "a", "b": "a"},
        },
        {
            "id": "eleven",
            "label": "9g",
            "kind": "checkbox",
            "options": [{"id": f"o{i}", "text": f"option {i}", "correct": i < 11} for i in range(12)],
        },
        {"id": "why", "label": "9h", "kind": "text", "model_answer": "Because."},
    ],
}


@pytest.fixture(scope="session")
def midterm() -> list[ProblemSpec]:
    return load_set(PROBLEMS, MIDTERM)


@pytest.fixture(scope="session")
def midterm_export(midterm: list[ProblemSpec]) -> ExportSet:
    return collect(midterm, seed=0)


@pytest.fixture(scope="session")
def edge_export() -> ExportSet:
    return collect([ProblemSpec.model_validate(EDGE)], seed=0)

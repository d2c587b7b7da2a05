"""The `quizzes` command's other subcommands."""

from __future__ import annotations

import json

import pytest

from app.cli import main


def test_schema_prints_the_json_schema_generated_from_the_models(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "ProblemSpec"
    kinds = {d["properties"]["kind"]["const"] for d in schema["$defs"].values() if "kind" in d.get("properties", {})}
    assert kinds == {"expression", "choice", "checkbox", "integer", "number", "shape", "matrix", "matching",
                     "condition", "text"}  # fmt: skip

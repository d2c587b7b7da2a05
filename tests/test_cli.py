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


def test_schema_of_a_set_file_has_its_due_date_and_solution_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--set"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "SetSpec"
    assert {"due", "solutions"} <= set(schema["properties"])
    assert set(schema["$defs"]["SolutionPolicy"]["properties"]) == {"after_attempts", "on_request", "after_due"}

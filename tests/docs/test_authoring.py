"""docs/authoring.md stays true: its tutorial problem validates, its reference names every field of the format with
the code's defaults, and the validator output it quotes is what the validator prints."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from app.bank.models import Figure, Parameter, ProblemSpec, SetSpec, SolutionPolicy
from app.cli import main
from app.engine.functions import FUNCTIONS
from app.engine.variables import GradSpec, MomentSpec, RandomInput, RecurrenceSpec, StateSpec, VariableSpec
from app.kinds import PART_KINDS, PartBase
from app.kinds._common import Choice
from app.kinds._numeric import NumericMistake
from app.kinds.checkbox import CheckboxOption
from app.kinds.choice import Option
from app.kinds.condition import ConditionField, Relation
from app.kinds.expression import MistakeSpec
from app.kinds.text import Keywords

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
TUTORIAL_FILE = Path("demo") / "linear-layer.yaml"
BACKPROP_FILE = Path("demo") / "sigmoid-layer.yaml"  # the tutorial "A backprop problem from its forward pass"

# Every model of the problem format, by the name the JSON Schema gives it; part kinds document only their own fields.
MODELS: dict[str, type[BaseModel]] = {
    "ProblemSpec": ProblemSpec,
    "SetSpec": SetSpec,  # `_set.yaml`, beside the problems
    "SolutionPolicy": SolutionPolicy,  # its `solutions:`
    "Parameter": Parameter,
    "Figure": Figure,
    "VariableSpec": VariableSpec,
    "GradSpec": GradSpec,
    "RecurrenceSpec": RecurrenceSpec,
    "StateSpec": StateSpec,
    "MomentSpec": MomentSpec,
    "RandomInput": RandomInput,
    "PartBase": PartBase,
    **{kind.__name__: kind for kind in PART_KINDS},
    "MistakeSpec": MistakeSpec,
    "Option": Option,
    "CheckboxOption": CheckboxOption,
    "NumericMistake": NumericMistake,
    "Choice": Choice,
    "ConditionField": ConditionField,
    "Relation": Relation,
    "Keywords": Keywords,
}
_ROW = re.compile(r"^\| `(?P<field>\w+)` \|(?P<type>[^|]*)\|(?P<default>[^|]*)\|")


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def tutorial_yaml(doc: str, file: Path = TUTORIAL_FILE) -> str:
    marker = f'```yaml title="problems/{file.as_posix()}"'
    assert doc.count(marker) == 1, "a tutorial's final file must be one fenced block with the marker"
    return doc.split(marker, 1)[1].lstrip("\n").split("\n```\n", 1)[0] + "\n"


def reference(doc: str) -> str:
    return doc.split("\n## 2. Reference\n", 1)[1].split("\n## 3. ", 1)[0]


def field_tables(doc: str) -> dict[str, dict[str, str]]:
    """Model name → {field → its default cell}, from the tables after `<!-- fields: Model -->` markers."""
    tables: dict[str, dict[str, str]] = {}
    for block in doc.split("<!-- fields: ")[1:]:
        name, _, body = block.partition(" -->\n")
        rows = {}
        for line in body.splitlines()[2:]:  # after the header and the separator
            if not line.startswith("|"):
                break
            match = _ROW.match(line)
            assert match, f"{name}: a row that does not start with a `field`: {line[:60]}"
            rows[match["field"]] = match["default"].strip()
        assert name not in tables, f"two tables for {name}"
        tables[name] = rows
    return tables


def documented_fields(name: str, model: type[BaseModel]) -> set[str]:
    if name == "PartBase":
        return {*model.model_fields, "kind"}
    if issubclass(model, PartBase) and model is not PartBase:
        return set(model.model_fields) - set(PartBase.model_fields) - {"kind"}
    return set(model.model_fields)


def default_cell(info: Any) -> str:
    """How the tables write a field's default."""
    if info.is_required():
        return "required"
    default = info.default_factory() if info.default_factory is not None else info.default
    if default is None:
        return "—"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, str):
        return f'`"{default}"`'
    if isinstance(default, list | dict) and not default:
        return "`[]`" if isinstance(default, list) else "`{}`"
    if isinstance(default, BaseModel) and default == type(default)():
        return "every default"
    return f"`{default}`"


def schema_properties(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        found = set(schema.get("properties", {})) if isinstance(schema.get("properties"), dict) else set()
        return found.union(*(schema_properties(v) for v in schema.values()))
    if isinstance(schema, list):
        return set().union(*(schema_properties(v) for v in schema))
    return set()


@pytest.mark.parametrize("file", [TUTORIAL_FILE, BACKPROP_FILE], ids=["first-problem", "backprop"])
def test_the_tutorial_problem_validates(doc: str, tmp_path: Path, file: Path) -> None:
    path = tmp_path / file
    path.parent.mkdir(parents=True)
    path.write_text(tutorial_yaml(doc, file), encoding="utf-8")
    assert main(["validate", str(tmp_path), "--seeds", "5"]) == 0


def test_the_backprop_tutorial_takes_its_truth_from_the_forward_pass(doc: str) -> None:
    """Every expression part of the backprop tutorial has a `target` that is a `grad` of a declared loss."""
    spec = yaml.safe_load(tutorial_yaml(doc, BACKPROP_FILE))
    variables = spec["variables"]
    parts = [part for part in spec["parts"] if part["kind"] == "expression"]
    assert parts
    for part in parts:
        assert "grad" in variables[part["target"]], part["id"]
        assert "expr" in variables[variables[part["target"]]["grad"]["of"]]


def test_every_property_of_the_json_schema_is_in_the_reference(doc: str) -> None:
    schema = ProblemSpec.model_json_schema()
    properties = schema_properties(schema)
    assert {"names", "target", "trials", "expr", "grad", "family", "recurrence", "suggestion"} <= properties  # sanity
    section = reference(doc)
    missing = sorted(p for p in properties if f"`{p}`" not in section)
    assert not missing, f"docs/authoring.md's reference does not mention {missing}"


def test_every_function_of_the_answer_language_is_in_the_reference(doc: str) -> None:
    section = reference(doc).split("\n### Functions of the answer language\n", 1)[1].split("\n### ", 1)[0]
    missing = sorted(name for name in FUNCTIONS if f"`{name}(" not in section)
    assert not missing, f"docs/authoring.md's function table does not mention {missing}"


def test_every_model_of_the_schema_has_a_complete_field_table(doc: str) -> None:
    schema = ProblemSpec.model_json_schema()
    assert set(schema["$defs"]) | {"ProblemSpec"} <= set(MODELS) | {"PartBase"}, "a new model: add it to MODELS"
    tables = field_tables(reference(doc))
    assert set(tables) == set(MODELS)
    for name, model in MODELS.items():
        assert set(tables[name]) == documented_fields(name, model), f"fields of {name}"


def test_the_tables_give_the_codes_defaults(doc: str) -> None:
    tables = field_tables(reference(doc))
    wrong = []
    for name, model in MODELS.items():
        for field, cell in tables[name].items():
            if field == "kind":
                assert cell == "required"
                continue
            info = model.model_fields[field]
            want = default_cell(info)
            number = info.default if info.default is not PydanticUndefined else None
            if isinstance(number, float) and not isinstance(number, bool):
                ok = cell.startswith("`") and float(cell.strip("`")) == number
            else:
                ok = cell == want
            if not ok:
                wrong.append(f"{name}.{field}: the doc says {cell}, the code {want}")
    assert not wrong


@pytest.mark.parametrize(
    ("old", "new", "quoted"),
    [
        ('    answer: "(n + 1) k"', '    answer: "n k"', "part parameter_count (1d): "),
        ("    kind: integer", "    kind: int", "parts.3: Input tag 'int' found using 'kind' does not match"),
        ("    names: [W, x, b, y]", "    names: [W, x, y]", "part grad_b (1a): "),
    ],
)
def test_the_quoted_validator_output_is_what_the_validator_prints(
    doc: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, quoted: str
) -> None:
    text = tutorial_yaml(doc)
    assert text.count(old) == 1
    path = tmp_path / TUTORIAL_FILE
    path.parent.mkdir(parents=True)
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["validate", str(tmp_path), "--seeds", "2"]) == 1
    printed = [line.removeprefix(str(path)) for line in capsys.readouterr().err.splitlines()]
    quoted_lines = [
        line.removeprefix("problems/demo/linear-layer.yaml")
        for line in doc.splitlines()
        if line.startswith("problems/demo/linear-layer.yaml") and quoted in line
    ]
    assert quoted_lines, f"the doc quotes no line with {quoted!r}"
    assert [line for line in quoted_lines if line not in printed] == []


def test_the_backprop_tutorial_quotes_what_the_validator_prints(
    doc: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The tutorial breaks its model answer on purpose; the lines it quotes are the validator's own."""
    old, new = '    answer: "(s - y) * v * a * (1 - a)"', '    answer: "(s - y) * v * a"'
    text = tutorial_yaml(doc, BACKPROP_FILE)
    assert text.count(old) == 1
    path = tmp_path / "problems" / BACKPROP_FILE
    path.parent.mkdir(parents=True)
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    printed = [line.replace(str(path), "problems/demo/sigmoid-layer.yaml") for line in (out.err + out.out).splitlines()]
    command = "$ quizzes validate problems/demo/sigmoid-layer.yaml\n"
    assert doc.count(command) == 1
    quoted = doc.split(command, 1)[1].split("\n```", 1)[0].splitlines()
    assert len(quoted) == 2
    assert [line for line in quoted if line not in printed] == []


@pytest.mark.parametrize(
    ("old", "new", "quoted"),
    [
        (
            '  s: {expr: "v.T a"}',
            '  s: {expr: "v a"}',
            "problems/demo/sigmoid-layer.yaml:26: s: Cannot matrix-multiply `v` ($H \\times 1$) by "
            "`a` ($H \\times 1$): the inner dimensions $1$ and $H$ differ.",
        ),
        ('  s: {expr: "v.T a"}', '  s: {expr: "a"}', "delta_z: L must be a scalar (a loss) to take its gradient"),
    ],
    ids=["shape-clash", "loss-not-scalar"],
)
def test_the_backprop_tutorials_load_errors_are_what_the_loader_prints(
    doc: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, quoted: str
) -> None:
    assert quoted in doc
    text = tutorial_yaml(doc, BACKPROP_FILE)
    assert text.count(old) == 1
    path = tmp_path / "problems" / BACKPROP_FILE
    path.parent.mkdir(parents=True)
    path.write_text(text.replace(old, new), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    printed = (out.err + out.out).replace(str(path), "problems/demo/sigmoid-layer.yaml")
    assert quoted in printed

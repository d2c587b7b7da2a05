"""Read problem YAML into `ProblemSpec`s; a broken file is reported as `file:line: message`."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.bank.models import ProblemSpec, SetSpec
from app.engine.errors import AuthorError
from app.engine.graph import VariableGraph
from app.engine.variables import VariableSpec

Location = tuple[Path, int | None, str]


class SpecError(Exception):
    """Problem files that do not describe valid problems; `str()` is one `path:line: message` per error."""

    def __init__(self, errors: list[Location]) -> None:
        self.errors = errors
        super().__init__("\n".join(f"{path}:{line or 1}: {message}" for path, line, message in errors))


def load_problem(path: Path) -> ProblemSpec:
    """Parse and validate one YAML file."""
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise SpecError([(path, mark.line + 1 if mark else None, f"not valid YAML: {error}")]) from None
    if not isinstance(data, dict):
        raise SpecError([(path, 1, "a problem file must be a mapping with id, title, set, parts, ...")])
    try:
        problem = ProblemSpec.model_validate(data)
    except ValidationError as error:
        raise SpecError([(path, _line(root, _where(e)), _message(e)) for e in error.errors()]) from None
    try:
        compile_variables(problem)
    except AuthorError as error:
        raise SpecError([(path, _line(root, error.where), str(error))]) from None
    return problem


def compile_variables(problem: ProblemSpec) -> VariableGraph:
    """The problem's derived variables, parsed, ordered and shape-checked, with parameters as constants."""
    variables = dict(problem.variables)
    for name, parameter in problem.parameters.items():
        value = parameter.exam
        if name not in variables:
            grid = isinstance(value, list) and value and all(isinstance(row, list) for row in value)
            variables[name] = VariableSpec(value=value) if grid else VariableSpec(choice=[1.0])
    return VariableGraph(variables, problem.dims)


@dataclass
class Bank:
    """All problems of a folder, by id, with the file each came from, and the sets' titles."""

    problems: dict[str, ProblemSpec] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    set_specs: dict[str, SetSpec] = field(default_factory=dict)

    def __iter__(self) -> Iterator[ProblemSpec]:
        return iter(sorted(self.problems.values(), key=lambda p: (p.set, p.order, p.id)))

    def sets(self) -> list[str]:
        return sorted({p.set for p in self.problems.values()})

    def set_spec(self, set_id: str) -> SetSpec:
        """The set's title and description; its id as the title when it has no `_set.yaml`."""
        return self.set_specs.get(set_id) or SetSpec(id=set_id, title=set_id)


SET_FILE = "_set.yaml"


def problem_files(root: Path) -> list[Path]:
    """Every problem file (and set file) under `root`."""
    return sorted(p for p in root.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")) if root.is_dir() else [root]


def load_set(path: Path) -> SetSpec:
    """Parse a `_set.yaml`."""
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise SpecError([(path, mark.line + 1 if mark else None, f"not valid YAML: {error}")]) from None
    if not isinstance(data, dict):
        raise SpecError([(path, 1, "a set file must be a mapping with id, title, ...")])
    try:
        return SetSpec.model_validate(data)
    except ValidationError as error:
        raise SpecError([(path, _line(root, _where(e)), _message(e)) for e in error.errors()]) from None


def line_of(path: Path, where: tuple[str | int, ...]) -> int | None:
    """The line of a field of a YAML file (of its deepest part that exists), e.g. ("parts", 2, "max_attempts")."""
    return _line(yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader), where)


def load_bank(root: Path) -> Bank:
    """Load every problem under `root`; raise one SpecError listing every broken file and duplicate id."""
    if not root.exists():
        raise SpecError([(root, None, "no such file or folder (set QUIZ_PROBLEMS_DIR to the problems folder)")])
    bank, errors = Bank(), []
    for path in problem_files(root):
        if path.name == SET_FILE:
            try:
                spec = load_set(path)
                bank.set_specs[spec.id] = spec
            except SpecError as error:
                errors.extend(error.errors)
            continue
        try:
            problem = load_problem(path)
        except SpecError as error:
            errors.extend(error.errors)
            continue
        if problem.id in bank.problems:
            errors.append((path, 1, f"duplicate problem id {problem.id!r} (also in {bank.sources[problem.id]})"))
            continue
        bank.problems[problem.id], bank.sources[problem.id] = problem, path
    if errors:
        raise SpecError(errors)
    return bank


def _line(node: Any, loc: tuple[Any, ...]) -> int | None:
    """The line of the YAML node at a pydantic error location (the deepest node that exists)."""
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        child, mark = None, None
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == key), None)
            if pair is not None:
                child, mark = pair[1], pair[0].start_mark  # the key's own line, not its value's
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
            mark = child.start_mark
        if child is None or mark is None:
            continue  # a discriminator tag such as 'expression', or a missing field: stay on the parent
        node = child
        line = mark.line + 1
    return line


def _where(error: Any) -> tuple[Any, ...]:
    """An unknown `kind` is reported at the part; point at its `kind:` line instead."""
    return (*error["loc"], "kind") if error["type"] == "union_tag_invalid" else error["loc"]


def _message(error: Any) -> str:
    where = ".".join(str(k) for k in error["loc"])
    message = error["msg"]
    if error["type"] == "extra_forbidden" and error["loc"]:
        guess = difflib.get_close_matches(str(error["loc"][-1]), _field_names(), n=1, cutoff=0.6)
        if guess:
            message += f"; did you mean `{guess[0]}`?"
    return f"{where}: {message}" if where else message


@cache
def _field_names() -> list[str]:
    """Every field name the problem and set formats know, for "did you mean" (from the schemas, not written twice)."""
    names: set[str] = set()
    stack: list[Any] = [ProblemSpec.model_json_schema(), SetSpec.model_json_schema()]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("properties"), dict):
                names.update(item["properties"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return sorted(names)

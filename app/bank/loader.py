"""Read problem YAML into `ProblemSpec`s; a broken file is reported as `file:line: message`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.bank.models import ProblemSpec

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
        return ProblemSpec.model_validate(data)
    except ValidationError as error:
        raise SpecError([(path, _line(root, _where(e)), _message(e)) for e in error.errors()]) from None


@dataclass
class Bank:
    """All problems of a folder, by id, with the file each came from."""

    problems: dict[str, ProblemSpec] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)

    def __iter__(self) -> Iterator[ProblemSpec]:
        return iter(sorted(self.problems.values(), key=lambda p: (p.set, p.order, p.id)))

    def sets(self) -> list[str]:
        return sorted({p.set for p in self.problems.values()})


def problem_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")) if root.is_dir() else [root]


def load_bank(root: Path) -> Bank:
    """Load every problem under `root`; raise one SpecError listing every broken file and duplicate id."""
    if not root.exists():
        raise SpecError([(root, None, "no such file or folder (set QUIZ_PROBLEMS_DIR to the problems folder)")])
    bank, errors = Bank(), []
    for path in problem_files(root):
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
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
        if child is None:
            continue  # a discriminator tag such as 'expression', or a missing field: stay on the parent
        node = child
        line = node.start_mark.line + 1
    return line


def _where(error: Any) -> tuple[Any, ...]:
    """An unknown `kind` is reported at the part; point at its `kind:` line instead."""
    return (*error["loc"], "kind") if error["type"] == "union_tag_invalid" else error["loc"]


def _message(error: Any) -> str:
    where = ".".join(str(k) for k in error["loc"])
    return f"{where}: {error['msg']}" if where else error["msg"]

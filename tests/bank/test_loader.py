"""Problem files: a broken file is reported with its path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.bank.loader import SpecError, load_bank, load_problem

VALID = """\
id: tiny
title: Tiny
set: demo
variables:
  x: {shape: [D, 1]}
parts:
  - id: double
    label: "1"
    kind: expression
    answer: "2 x"
    names: [x]
"""


def declare(variables: str) -> str:
    """VALID with more variables after `x`."""
    return VALID.replace("  x: {shape: [D, 1]}\n", "  x: {shape: [D, 1]}\n" + variables)


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    problem = load_problem(write(tmp_path, VALID))
    assert problem.part("double").label == "1"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("id: [\n", 2, "not valid YAML"),
        ("- just\n- a list\n", 1, "must be a mapping"),
        (VALID.replace("kind: expression", "kind: essay"), 9, "'essay'"),
        (
            VALID.replace('    answer: "2 x"\n', ""),
            7,
            "parts.0.expression: Value error, give the `answer`, the `target` variable, or both",
        ),
        (VALID.replace("shape: [D, 1]", "shape: [D, 1], wobble: 3"), 5, "wobble"),
        (VALID.replace("title: Tiny\n", ""), 1, "title: Field required"),
        (
            VALID.replace("    names: [x]", "    names: [x]\n    hint: [typo]"),
            12,
            "hint: Extra inputs are not permitted; did you mean `hints`?",
        ),
        (
            declare("  h:\n    expr: tanh(x y)\n"),
            7,
            "`tanh(x y)` cannot be read: Unknown name `y`.",
        ),
        (
            declare('  A: {shape: [E, D]}\n  h: {expr: "x + A x"}\n'),
            7,
            "h: Cannot add `x` ($D \\times 1$) and `A x` ($E \\times 1$): the shapes must be equal.",
        ),
        (
            declare('  a: {expr: "2 b"}\n  b: {expr: "x + a"}\n'),
            6,
            "variables depend on each other in a cycle: a → b → a",
        ),
        (
            declare('  L: {expr: "sum(x)"}\n  g:\n    grad: {of: L, wrt: y}\n'),
            7,
            "g uses 'y', which is not a variable",
        ),
        (
            declare("  h:\n    shape: scalar\n    expr: 2 x\n"),
            7,
            "h is declared a scalar but its definition gives D × 1",
        ),
        (VALID + "parameters:\n  n: {integer: [1, 3]}\n", 13, "give `exam`, the value printed in the exam"),
        (VALID + "figures:\n  - {id: f, alt: a figure}\n", 13, "give exactly one of `generator` and `src`"),
    ],
    ids=[
        "bad-yaml",
        "not-a-mapping",
        "unknown-kind",
        "missing-answer",
        "unknown-field",
        "missing-title",
        "unknown-part-field",
        "parameter-without-exam",
        "figure-without-source",
        "unknown-name-in-expr",
        "shape-clash",
        "cycle",
        "grad-of-unknown",
        "declared-shape-differs",
    ],
)
def test_errors_name_the_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(SpecError) as caught:
        load_problem(path)
    first = str(caught.value).splitlines()[0]
    assert first.startswith(f"{path}:{line}: ")
    assert fragment in str(caught.value)


def test_duplicate_problem_ids_are_reported(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, VALID, "b.yaml")
    with pytest.raises(SpecError, match="duplicate problem id 'tiny'"):
        load_bank(tmp_path)


def test_duplicate_part_labels_are_rejected(tmp_path: Path) -> None:
    twice = VALID + '  - id: again\n    label: "1"\n    kind: expression\n    answer: "x"\n    names: [x]\n'
    with pytest.raises(SpecError, match="two parts have the label '1'"):
        load_problem(write(tmp_path, twice))


def test_a_set_file_gives_the_sets_title(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    write(tmp_path, "id: demo\ntitle: A demo set\ndescription: Two lines.\n", "_set.yaml")
    bank = load_bank(tmp_path)
    assert bank.set_spec("demo").title == "A demo set"
    assert bank.set_spec("other").title == "other"


def test_a_broken_set_file_is_an_error_with_its_path(tmp_path: Path) -> None:
    path = write(tmp_path, "id: demo\ntitel: A demo set\n", "_set.yaml")
    with pytest.raises(SpecError, match=f"{path}:2: titel: Extra inputs are not permitted; did you mean `title`"):
        load_bank(tmp_path)

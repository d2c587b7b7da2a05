"""`quizzes validate`: passes on the midterm, fails usefully on broken copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.bank.validate import validate_path
from app.cli import main

MIDTERM_2 = "c147-w23-midterm/2-weighted-bce.yaml"


@pytest.fixture
def broken_copy(tmp_path: Path, problems_dir: Path) -> Path:
    target = tmp_path / "problems"
    shutil.copytree(problems_dir, target)
    return target


def edit(root: Path, old: str, new: str) -> None:
    path = root / MIDTERM_2
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_midterm_validates(problems_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(problems_dir), "--seeds", "3"]) == 0
    assert capsys.readouterr().out.rstrip().endswith(": OK")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'answer: "delta_b1 @ x.T"',
            'answer: "delta_b1 @ x.T + 1"',
            "c147-w23-2: part delta_W1 (2b.viii): the answer 'delta_b1 @ x.T + 1' disagrees with the engine's value "
            "of `delta_W1`: graded incorrect: Your answer does not equal $\\delta_{W_{1}}$. (seeds 0, 1)",
        ),
        (
            '  - answer: "delta_b2 z1.T"',
            '  - answer: "delta_b2 a1.T"',
            "mistake 'delta_b2 a1.T' equals the answer",
        ),
        ("kind: expression", "kind: essay", "'essay'"),
        ("parameters:", "parameters: [", "not valid YAML"),
        (
            'answer: "delta_b1 @ x.T"',
            'answer: "delta_b1 @ q"',
            "part delta_W1 (2b.viii): the answer 'delta_b1 @ q' disagrees with the engine's value of `delta_W1`: "
            "graded invalid: Unknown name `q`.",
        ),
        (
            "{{ n_neg:, }} chest",
            "{{ n_negative }} chest",
            "c147-w23-2: statement: text uses unknown parameter 'n_negative'; did you mean `n_neg`? (seeds 0, 1)",
        ),
    ],
    ids=["wrong-reference-answer", "mistake-equals-answer", "unknown-kind", "bad-yaml", "unknown-name", "placeholder"],
)
def test_a_broken_copy_fails_with_a_useful_message(
    broken_copy: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    edit(broken_copy, old, new)
    assert main(["validate", str(broken_copy), "--seeds", "2"]) == 1
    err = capsys.readouterr().err
    assert str(broken_copy / MIDTERM_2) in err
    assert message in err


def test_a_missing_path_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nowhere")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_a_loss_that_overflows_is_an_author_message_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "zero.yaml").write_text(
        """id: zero
title: Zero
set: demo
variables:
  s: {normal: [40, 1]}
  y: {choice: [0, 1]}
  L: {expr: "y log(sigma(s)) + (1 - y) log(1 - sigma(s))"}
  dL_ds: {grad: {of: L, wrt: s}}
parts:
  - {id: d, label: "1", kind: expression, target: dL_ds, answer: "y - sigma(s)", names: [s, y]}
""",
        encoding="utf-8",
    )
    report = validate_path(tmp_path, seeds=2)
    assert any(
        "variable dL_ds (∂L/∂s) is not finite at a sample (the log of 0? an overflow?)" in f for f in report.failures
    )

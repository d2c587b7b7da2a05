"""A wrong model answer in a dl-practice problem never passes `quizzes validate`: the truth comes from the forward
pass declared in the YAML, and the failure names the file, the part, the target variable and a seed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from app.bank.validate import validate_path

SET = "dl-practice"
SEEDS = 3
SEEDS_NAMED = re.compile(r"\((seeds? \d+(, \d+)*|every seed \d+–\d+)\)")  # validate lists the seeds where it fails

# (problem file, part id, its target variable, a wrong but plausible model answer)
WRONG_ANSWERS = [
    ("01-softmax-cross-entropy.yaml", "grad_z", "dL_dz", "y - p"),
    ("02-tanh-mlp.yaml", "delta_z1", "delta_z1", "delta_h * (1 - h)"),
    ("03-relu-three-layer.yaml", "delta_z1", "delta_z1", "(W2.T delta_z2) * a1"),
    ("04-batchnorm-backward.yaml", "grad_x", "dL_dx", "gamma / s * (g - mean(g) - xhat * mean(g))"),
    ("05-layernorm-backward.yaml", "grad_x", "dL_dx",
     "(delta_xhat - mean(delta_xhat) - xhat * mean(delta_xhat * xhat)) / sqrt(var)"),
    ("06-conv1d.yaml", "grad_x", "dL_dx", "flip(conv1d(pad(g, 1), w))"),
    ("07-rnn-bptt.yaml", "delta_W", "delta_W", "delta_z2 h1.T + delta_z2 h0.T"),
    ("08-attention.yaml", "delta_S", "delta_S", "A * (delta_A - A * delta_A)"),
    ("09-dropout.yaml", "delta_h", "delta_h", "delta_ht / p"),
    ("10-regularized-updates.yaml", "l1_step", "W_l1", "W - epsilon G - lambda sign(W)"),
    ("11-adam.yaml", "mhat", "mhat", "(beta1 m_prev + (1 - beta1) g[t]) / (1 - beta2^t)"),
    ("12-conv-output-size.yaml", "n_out", "n_out", "floor((H + 2 P - dil (K - 1)) / S) + 1"),
]  # fmt: skip


def with_answer(text: str, part_id: str, answer: str) -> str:
    """The problem text with the model answer of one part replaced, every other line (and line number) kept."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f"  - id: {part_id}\n")
    for i in range(start + 1, len(lines)):
        if lines[i].startswith("  - id: "):
            break
        if lines[i].startswith("    answer: "):
            lines[i] = f'    answer: "{answer}"\n'
            return "".join(lines)
    raise AssertionError(f"part {part_id} has no `answer:` line")


@pytest.fixture
def one_problem(tmp_path: Path, problems_dir: Path):  # type: ignore[no-untyped-def]
    """Copy one problem of the set (with the set's metadata) into a fresh folder, its answer replaced."""

    def copy(file: str, part_id: str, answer: str) -> Path:
        folder = tmp_path / SET
        folder.mkdir()
        shutil.copy(problems_dir / SET / "_set.yaml", folder / "_set.yaml")
        text = (problems_dir / SET / file).read_text(encoding="utf-8")
        path = folder / file
        path.write_text(with_answer(text, part_id, answer), encoding="utf-8")
        return path

    return copy


def test_the_set_validates(problems_dir: Path) -> None:
    report = validate_path(problems_dir / SET, seeds=SEEDS)
    assert report.failures == []
    assert report.checks > 0


def test_every_truth_of_the_set_is_declared_and_every_problem_teaches(bank) -> None:  # type: ignore[no-untyped-def]
    problems = [problem for problem in bank if problem.set == SET]
    assert [problem.order for problem in problems] == list(range(1, 13))
    assert bank.set_spec(SET).title != SET
    for problem in problems:
        assert problem.id.startswith("dlp-")
        parts = [part for part in problem.parts if part.kind in ("expression", "integer")]
        assert parts, problem.id
        for part in parts:
            assert problem.variables[part.target].derived, (problem.id, part.id)  # expr, grad, recurrence, moment
            assert len(part.mistakes) >= 2 and part.hints and part.solution, (problem.id, part.id)


def test_every_problem_of_the_set_has_a_wrong_answer_below(problems_dir: Path) -> None:
    files = {path.name for path in (problems_dir / SET).glob("*.yaml")} - {"_set.yaml"}
    assert {file for file, *_ in WRONG_ANSWERS} == files


@pytest.mark.parametrize(
    ("file", "part_id", "target", "wrong"), WRONG_ANSWERS, ids=[file.split(".")[0] for file, *_ in WRONG_ANSWERS]
)
def test_a_wrong_model_answer_is_caught(one_problem, file: str, part_id: str, target: str, wrong: str) -> None:  # type: ignore[no-untyped-def]
    path = one_problem(file, part_id, wrong)
    problem_id = path.read_text(encoding="utf-8").split("\n", 1)[0].removeprefix("id: ")
    report = validate_path(path.parent, seeds=SEEDS)
    assert not report.ok
    naming = [
        line
        for line in report.failures
        if line.startswith(f"{path}: {problem_id}: part {part_id} (")
        and f"the answer '{wrong}' disagrees with the engine's value of `{target}`" in line
        and SEEDS_NAMED.search(line)
    ]
    assert naming, "no failure names the file, the problem, the part, the target and a seed:\n" + "\n".join(
        report.failures
    )
    assert all(f"part {part_id} (" in line for line in report.failures), "only the edited part may fail"

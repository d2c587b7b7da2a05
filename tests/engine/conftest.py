"""Fixtures of the engine tests: the nine expression parts of the C147/C247 W23 midterm at seed 0."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.bank.loader import load_problem
from app.bank.models import ProblemSpec
from app.bank.variants import make_variant
from app.engine.syntax import Binary, Call, Compare, Index, Name, Neg, Node, Num, Sum, Transpose
from app.engine.verdict import Verdict
from app.kinds import Variant
from app.kinds.expression import ExpressionPart

MIDTERM = Path(__file__).resolve().parents[2] / "problems" / "c147-w23-midterm"

# part id → (problem file, the exam's label)
EXPRESSION_PARTS: dict[str, tuple[str, str]] = {
    "delta_yhat": ("2-weighted-bce.yaml", "2b.iv"),
    "delta_b2": ("2-weighted-bce.yaml", "2b.v"),
    "delta_W2": ("2-weighted-bce.yaml", "2b.vi"),
    "delta_b1": ("2-weighted-bce.yaml", "2b.vii"),
    "delta_W1": ("2-weighted-bce.yaml", "2b.viii"),
    "l2_update": ("2-weighted-bce.yaml", "2c"),
    "theta_t": ("4-optimizers.yaml", "4c.i"),
    "expected_theta_t": ("4-optimizers.yaml", "4c.ii"),
    "velocity_covariance": ("5-momentum-covariance.yaml", "5"),
}


@dataclass(frozen=True)
class Midterm:
    """The midterm's problems at one seed, with a one-call `check(part_id, answer)`."""

    problems: dict[str, ProblemSpec]  # by file name
    variants: dict[str, Variant]  # by file name
    seed: int

    def problem(self, part_id: str) -> ProblemSpec:
        return self.problems[EXPRESSION_PARTS[part_id][0]]

    def variant(self, part_id: str) -> Variant:
        return self.variants[EXPRESSION_PARTS[part_id][0]]

    def part(self, part_id: str) -> ExpressionPart:
        part = self.problem(part_id).part(part_id)
        assert isinstance(part, ExpressionPart)
        return part

    def check(self, part_id: str, answer: str) -> Verdict:
        return self.part(part_id).check(answer, self.variant(part_id))


def load_midterm(seed: int = 0) -> Midterm:
    files = sorted({file for file, _ in EXPRESSION_PARTS.values()})
    problems = {file: load_problem(MIDTERM / file) for file in files}
    return Midterm(problems, {file: make_variant(problems[file], seed) for file in files}, seed)


@pytest.fixture(scope="module")
def midterm() -> Midterm:
    """The exam as printed (seed 0), loaded once per test module."""
    return load_midterm(0)


def sx(node: Node) -> str:
    """A syntax tree as an s-expression."""
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Index):
        return f"{node.family}[{sx(node.index)}]"
    if isinstance(node, Neg):
        return f"(neg {sx(node.operand)})"
    if isinstance(node, Transpose):
        return f"(T {sx(node.operand)})"
    if isinstance(node, Binary | Compare):
        return f"({node.op} {sx(node.left)} {sx(node.right)})"
    if isinstance(node, Call):
        return f"({node.func} {' '.join(sx(a) for a in node.args)})"
    if isinstance(node, Sum):
        return f"(sum {sx(node.body)} {node.index} {sx(node.lo)} {sx(node.hi)})"
    raise TypeError(node)

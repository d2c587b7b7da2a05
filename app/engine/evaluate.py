"""Numeric evaluation of a resolved syntax tree with NumPy, in float64.

Values are Python floats (scalars, including 1×1 results) or 2-D arrays. Shapes were checked beforehand by
`app.engine.shapes`, so this module only computes; it guards the work it does (sum lengths, indices,
exponents, a step budget) so that no answer can make it run for long.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from app.engine.errors import EvaluationError
from app.engine.functions import FUNCTIONS
from app.engine.syntax import Binary, Call, Compare, Index, Name, Neg, Node, Num, Sum, Transpose

Value = float | np.ndarray
MAX_STEPS = 200_000
MAX_SUM_TERMS = 1000
MAX_INDEX = 1000
MAX_EXPONENT = 1000.0


COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    ">": np.greater,
    "<": np.less,
    ">=": np.greater_equal,
    "<=": np.less_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


def as_value(x: Any, batched: bool = False) -> Value:
    """One representation per value: 1×1 arrays and NumPy scalars become floats (1-D arrays are batched scalars)."""
    if isinstance(x, np.ndarray):
        if batched and x.ndim == 1:
            return x
        if x.size == 1 and x.ndim <= 2 and (x.ndim < 2 or x.shape == (1, 1)):
            return float(x.reshape(-1)[0])
        return x if x.ndim == 2 else np.atleast_2d(x).astype(float)
    return float(x)


def evaluate(node: Node, env: Mapping[str, Any]) -> Value:
    """Evaluate a tree whose names are in `env` (floats, arrays, or families indexable by int)."""
    with np.errstate(all="ignore"):
        return _Evaluator(env, scalar_sums=_scalar_sums(node, env)).value(node)


def check_constant_exponents(node: Node) -> None:
    """Reject `9^9^9^9`-style constant towers before any shape or numeric work: EvaluationError if too large."""
    for sub in node.walk():
        if isinstance(sub, Binary) and sub.op == "^" and not any(isinstance(n, Name | Index) for n in sub.right.walk()):
            evaluate(sub.right, {})


def evaluate_trials(node: Node, envs: list[Mapping[str, Any]]) -> list[Value]:
    """Evaluate on every trial. A scalar-only answer runs once on the trials stacked into vectors: the same
    elementwise arithmetic, a fraction of the interpreter overhead."""
    if len(envs) > 1 and _batchable(node, envs[0]):
        names = {n.name for n in node.walk() if isinstance(n, Name)}
        stacked = {name: np.array([env[name] for env in envs], dtype=float) for name in names}
        with np.errstate(all="ignore"):
            result = _Evaluator(stacked, batched=True).value(node)
        return [float(v) for v in np.broadcast_to(result, (len(envs),))]
    plan = _scalar_sums(node, envs[0]) if envs else {}
    with np.errstate(all="ignore"):
        return [_Evaluator(env, scalar_sums=plan).value(node) for env in envs]


def _scalar_sums(node: Node, env: Mapping[str, Any]) -> dict[int, int]:
    """The sums whose terms are scalars (by node id), with the size of their body: decided once for all trials,
    since every trial has values of the same kinds."""
    return {
        id(sub): sum(1 for _ in sub.body.walk())
        for sub in node.walk()
        if isinstance(sub, Sum) and _batchable(sub.body, {**env, sub.index: 0.0})
    }


def _batchable(node: Node, env: Mapping[str, Any]) -> bool:
    for sub in node.walk():
        if isinstance(sub, Index | Sum) or (isinstance(sub, Name) and not isinstance(env.get(sub.name), float)):
            return False
        if isinstance(sub, Call) and not _elementwise_call(sub):
            return False
    return True


def _elementwise_call(node: Call) -> bool:
    return FUNCTIONS[node.func].elementwise or (node.func in ("max", "min") and len(node.args) == 2)


class _Evaluator:
    def __init__(
        self, env: Mapping[str, Any], batched: bool = False, scalar_sums: dict[int, int] | None = None
    ) -> None:
        self.env = dict(env)
        self.steps = 0
        self.batched = batched
        self.scalar_sums = {} if scalar_sums is None else scalar_sums

    def value(self, node: Node) -> Value:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise EvaluationError("Your answer takes too much work to evaluate; simplify it.", node.start)
        return as_value(self.compute(node), self.batched)

    def compute(self, node: Node) -> Any:
        if isinstance(node, Num):
            return node.value
        if isinstance(node, Name):
            return self.env[node.name]
        if isinstance(node, Index):
            return self.env[node.family][self.integer(node.index, "An index", MAX_INDEX)]
        if isinstance(node, Neg):
            return -self.value(node.operand)
        if isinstance(node, Transpose):
            v = self.value(node.operand)
            return v.T if isinstance(v, np.ndarray) else v
        if isinstance(node, Compare):
            return COMPARE[node.op](self.value(node.left), self.value(node.right)).astype(float)
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Sum):
            return self.sum(node)
        raise TypeError(f"unknown node {node!r}")  # pragma: no cover

    def integer(self, node: Node, what: str, limit: int) -> int:
        v = self.value(node)
        if isinstance(v, np.ndarray):
            raise EvaluationError(f"{what} must be a whole number, not a matrix.", node.start)
        if not np.isfinite(v) or abs(v - round(v)) > 1e-9:
            raise EvaluationError(f"{what} must be a whole number, but `{v:.4g}` is not.", node.start)
        if abs(v) > limit:
            raise EvaluationError(f"{what} may be at most {limit}.", node.start)
        return round(v)

    def binary(self, node: Binary) -> Any:
        a, b = self.value(node.left), self.value(node.right)
        op = node.op
        if op in ("juxt", "@"):
            return a @ b if np.ndim(a) == 2 and np.ndim(b) == 2 else a * b
        if op == "^":
            if np.any(np.abs(b) > MAX_EXPONENT):
                raise EvaluationError(f"The exponent is too large (more than {MAX_EXPONENT:g}).", node.right.start)
            return np.power(a, b) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else np.power(float(a), b)
        return {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "⊙": np.multiply}[op](a, b)

    def call(self, node: Call) -> Any:
        args = [self.value(arg) for arg in node.args]
        try:
            return FUNCTIONS[node.func].evaluate(*args)
        except EvaluationError as error:
            raise EvaluationError(error.message, node.start) from None

    def sum(self, node: Sum) -> Any:
        lo = self.integer(node.lo, "A sum's lower bound", 10 * MAX_SUM_TERMS)
        hi = self.integer(node.hi, "A sum's upper bound", 10 * MAX_SUM_TERMS)
        if hi - lo + 1 > MAX_SUM_TERMS:
            raise EvaluationError(f"A sum may have at most {MAX_SUM_TERMS} terms.", node.start)
        if hi >= lo and id(node) in self.scalar_sums:
            return self.scalar_sum(node, lo, hi)
        saved = self.env.get(node.index)
        total: Value = 0.0
        for k in range(lo, hi + 1) if hi >= lo else [lo]:  # an empty sum is a zero of its body's shape
            self.env[node.index] = float(k)
            term = self.value(node.body)
            total = total + term if hi >= lo else 0.0 * term
        if saved is None:
            self.env.pop(node.index, None)
        else:
            self.env[node.index] = saved
        return total

    def scalar_sum(self, node: Sum, lo: int, hi: int) -> float:
        """A sum whose terms are scalars: every term at once, with the index as a vector. The work budget
        counts every term, as if the loop had run."""
        self.steps += (hi - lo) * self.scalar_sums[id(node)]
        if self.steps > MAX_STEPS:
            raise EvaluationError("Your answer takes too much work to evaluate; simplify it.", node.start)
        saved, batched = self.env.get(node.index), self.batched
        self.env[node.index], self.batched = np.arange(lo, hi + 1, dtype=float), True
        try:
            terms = self.value(node.body)
        finally:
            self.batched = batched
            if saved is None:
                self.env.pop(node.index, None)
            else:
                self.env[node.index] = saved
        return float(np.sum(np.broadcast_to(terms, (hi - lo + 1,))))

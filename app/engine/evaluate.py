"""Numeric evaluation of a resolved syntax tree with NumPy, in float64.

Values are Python floats (scalars, including 1×1 results) or 2-D arrays. Shapes were checked beforehand by
`app.engine.shapes`, so this module only computes; it guards the work it does (sum lengths, indices,
exponents, a step budget) so that no answer can make it run for long.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypeGuard, cast

import numpy as np

from app.engine.errors import EvaluationError
from app.engine.functions import FUNCTIONS
from app.engine.syntax import Binary, Call, Compare, Index, Name, Neg, Node, Num, Sum, Transpose

Value = float | np.ndarray
MAX_STEPS = 200_000
MAX_SUM_TERMS = 1000
MAX_INDEX = 1000
MAX_EXPONENT = 1000.0
MAX_PAIRS = 50_000  # (trial, term) pairs of a sum over stacked trials computed at once; longer sums go term by term


COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    ">": np.greater,
    "<": np.less,
    ">=": np.greater_equal,
    "<=": np.less_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


def as_value(x: Any, batched: bool = False) -> Value:
    """One representation per value: 1×1 arrays and NumPy scalars become floats. In batched evaluation 1-D arrays
    are stacked scalars and 3-D arrays stacked matrices (one per term of a sum)."""
    if type(x) is float:
        return x
    if isinstance(x, np.ndarray):
        if batched and x.ndim in (1, 3):
            return x
        if x.size == 1 and x.ndim <= 2 and (x.ndim < 2 or x.shape == (1, 1)):
            return float(x.reshape(-1)[0])
        return x if x.ndim == 2 else np.atleast_2d(x).astype(float)
    return float(x)


def fit(value: Value, shape: tuple[int, ...]) -> Value:
    """A value in the one representation the engine uses for its shape (a zero state broadcast, 1×1 a float)."""
    if shape and not isinstance(value, np.ndarray):
        value = np.full(shape, float(value))
    return as_value(value)


def evaluate(node: Node, env: Mapping[str, Any]) -> Value:
    """Evaluate a tree whose names are in `env` (floats, arrays, or families indexable by int)."""
    with np.errstate(all="ignore"):
        return _Evaluator(env, scalar_sums=_scalar_sums(node, env)).value(node)


def check_constant_exponents(node: Node) -> None:
    """Reject `9^9^9^9`-style constant towers before any shape or numeric work: EvaluationError if too large."""
    for sub in node.walk():
        if isinstance(sub, Binary) and sub.op == "^" and not any(isinstance(n, Name | Index) for n in sub.right.walk()):
            evaluate(sub.right, {})


def _scalar_sums(node: Node, env: Mapping[str, Any]) -> dict[int, tuple[int, bool]]:
    """The sums whose terms can be computed all at once (by node id), with the size of their body: decided once
    for all trials, since every trial has values of the same kinds. Scalar terms are stacked into a vector; terms
    with matrices or family members (`alpha^(t-k) g[k]`) into a stack of matrices."""
    plan: dict[int, tuple[int, bool]] = {}
    if Sum not in node.kinds():
        return plan
    for sub in node.walk():
        if isinstance(sub, Sum):
            scalar = scalar_only(sub.body, env, frozenset({sub.index}))
            if scalar or _stackable(sub.body):
                plan[id(sub)] = (sum(1 for _ in sub.body.walk()), scalar)
            elif _nested(sub):  # a sum of sums, Σ_j Σ_{k=lo(j)}^{hi(j)}: every (j, k) pair at once
                inner = sub.body
                assert isinstance(inner, Sum)
                plan[id(sub)] = (sum(1 for _ in inner.body.walk()), False)
    return plan


def _nested(node: Sum) -> bool:
    inner = node.body
    return isinstance(inner, Sum) and inner.index != node.index and _stackable(inner.body)


def _stackable(node: Node) -> bool:
    """Terms whose every operation acts on a stack of matrices as on one: no inner sum, elementwise functions."""
    return not any(isinstance(sub, Sum) or (isinstance(sub, Call) and not elementwise_call(sub)) for sub in node.walk())


def scalar_only(node: Node, env: Mapping[str, Any], bound: frozenset[str] = frozenset()) -> bool:
    """A tree without sums or family members whose every name (but the `bound` indices) is a number in `env` and
    every call elementwise: it computes the same on numbers stacked into vectors (trials, or a sum's terms)."""
    for sub in node.walk():
        if isinstance(sub, Index | Sum):
            return False
        if isinstance(sub, Name) and sub.name not in bound and not isinstance(env.get(sub.name), float):
            return False
        if isinstance(sub, Call) and not elementwise_call(sub):
            return False
    return True


def is_square(v: Any) -> TypeGuard[np.ndarray]:
    """A square matrix (or a stack of them), whose powers are matrix powers."""
    return isinstance(v, np.ndarray) and v.ndim >= 2 and v.shape[-1] == v.shape[-2] and v.shape[-1] > 1


def _is_matrix(v: Any) -> TypeGuard[np.ndarray]:
    """A matrix, or a stack of matrices, as opposed to a scalar (a float, a vector of stacked scalars, 1 × 1s)."""
    return isinstance(v, np.ndarray) and v.ndim >= 2 and v.shape[-2:] != (1, 1)


def elementwise_call(node: Call) -> bool:
    """A function call that acts entry by entry (so on stacked trials or terms as on one)."""
    return FUNCTIONS[node.func].elementwise or (node.func in ("max", "min") and len(node.args) == 2)


class _Evaluator:
    def __init__(
        self,
        env: Mapping[str, Any],
        batched: bool = False,
        scalar_sums: dict[int, tuple[int, bool]] | None = None,
        known: dict[int, Any] | None = None,
        length: int = 0,
    ) -> None:
        self.env = env  # copied before the first binding of a sum's index (`bind`): most answers have no sum
        self.owned = False
        self.steps = 0
        self.weight = 1  # how many evaluations one visit stands for: a sum's terms computed all at once count each
        self.length = length  # in a batched scalar evaluation (trials stacked), how many entries a stacked value has
        self.batched = batched
        self.scalar_sums = {} if scalar_sums is None else scalar_sums
        self.known = known or {}  # values of sub-trees computed beforehand (by node id)

    def value(self, node: Node) -> Value:
        if self.known and id(node) in self.known:
            return self.known[id(node)]  # type: ignore[no-any-return]  # a float, or a stack of them
        self.steps += self.weight
        if self.steps > MAX_STEPS:
            raise EvaluationError("Your answer takes too much work to evaluate; simplify it.", node.start)
        kind = type(node)  # the commonest nodes first, by exact type (faster than isinstance on every visit)
        if kind is Name:
            raw = self.env[cast(Name, node).name]
        elif kind is Num:
            return cast(Num, node).value
        elif kind is Binary:
            raw = self.binary(cast(Binary, node))
        else:
            raw = _COMPUTE[kind](self, node)
        return raw if type(raw) is float else as_value(raw, self.batched)

    def index(self, node: Index) -> Any:
        family = self.env[node.family]
        k = self.value(node.index)
        if isinstance(k, np.ndarray):  # the index of a stacked sum: one member per term
            ks = tuple(self.whole(v, node.index, "An index", MAX_INDEX) for v in k.reshape(-1).tolist())
            if hasattr(family, "stack"):
                return family.stack(ks)
            return np.stack([np.full((1, 1), m) if isinstance(m, float) else m for m in (family[j] for j in ks)])
        return family[self.whole(k, node.index, "An index", MAX_INDEX)]

    def transpose(self, node: Transpose) -> Any:
        v = self.value(node.operand)
        return np.swapaxes(v, -1, -2) if isinstance(v, np.ndarray) and v.ndim >= 2 else v

    def compare(self, node: Compare) -> Any:
        return COMPARE[node.op](self.value(node.left), self.value(node.right)).astype(float)

    def integer(self, node: Node, what: str, limit: int) -> int:
        v = self.value(node)
        if isinstance(v, np.ndarray):
            raise EvaluationError(f"{what} must be a whole number, not a matrix.", node.start)
        return self.whole(v, node, what, limit)

    @staticmethod
    def whole(v: float, node: Node, what: str, limit: int) -> int:
        if not math.isfinite(v) or abs(v - round(v)) > 1e-9:
            raise EvaluationError(f"{what} must be a whole number, but `{v:.4g}` is not.", node.start)
        if abs(v) > limit:
            raise EvaluationError(f"{what} may be at most {limit}.", node.start)
        return round(v)

    def binary(self, node: Binary) -> Any:
        a, b = self.value(node.left), self.value(node.right)
        op = node.op
        if op in ("juxt", "@"):
            if _is_matrix(a) and _is_matrix(b):
                return a @ b
            return a * b
        if op == "^":
            if abs(b) > MAX_EXPONENT if type(b) is float else np.any(np.abs(b) > MAX_EXPONENT):
                raise EvaluationError(f"The exponent is too large (more than {MAX_EXPONENT:g}).", node.right.start)
            if is_square(a):
                return self.matrix_power(a, b, node)
            return np.power(a, b) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) else np.power(float(a), b)
        return _ARITHMETIC[op](a, b)

    def matrix_power(self, a: np.ndarray, b: Any, node: Binary) -> np.ndarray:
        """`A^n` of a square matrix is the matrix power (`A^(-1)` the inverse), never entry by entry."""
        exponents = np.asarray(b, dtype=float).reshape(-1)
        powers = [self.whole(float(n), node.right, "A matrix power's exponent", round(MAX_EXPONENT)) for n in exponents]
        try:
            if len(powers) == 1:
                return np.linalg.matrix_power(a, powers[0])
            return np.stack([np.linalg.matrix_power(a[i] if a.ndim == 3 else a, n) for i, n in enumerate(powers)])
        except np.linalg.LinAlgError:
            raise EvaluationError(
                "The matrix is not invertible here, so it has no negative power.", node.start
            ) from None

    def call(self, node: Call) -> Any:
        args = [self.value(arg) for arg in node.args]
        try:
            return FUNCTIONS[node.func].evaluate(*args)
        except EvaluationError as error:
            raise EvaluationError(error.message, node.start) from None

    def sum(self, node: Sum) -> Any:
        if self.batched and id(node) not in self.scalar_sums:
            return self.sum_over_trials(node)
        lo = self.integer(node.lo, "A sum's lower bound", 10 * MAX_SUM_TERMS)
        hi = self.integer(node.hi, "A sum's upper bound", 10 * MAX_SUM_TERMS)
        if hi - lo + 1 > MAX_SUM_TERMS:
            raise EvaluationError(f"A sum may have at most {MAX_SUM_TERMS} terms.", node.start)
        if hi >= lo and id(node) in self.scalar_sums:
            return self.stacked_sum(node, lo, hi)
        saved = self.env.get(node.index)
        total: Value = 0.0
        for k in range(lo, hi + 1) if hi >= lo else [lo]:  # an empty sum is a zero of its body's shape
            self.bind(node.index, float(k))
            term = self.value(node.body)
            total = total + term if hi >= lo else 0.0 * term
        self._restore(node.index, saved)
        return total

    def sum_over_trials(self, node: Sum) -> Any:
        """A scalar sum on stacked trials, whose bounds may differ by trial: every (trial, k) pair stacked into one
        vector, the body computed once on all of them, then each trial's terms added up (in the loop's order)."""
        low, high = self.bounds(node.lo, "A sum's lower bound"), self.bounds(node.hi, "A sum's upper bound")
        n = self.length or max(low.size, high.size)
        low, high = np.broadcast_to(low, (n,)), np.broadcast_to(high, (n,))
        counts = np.maximum(high - low + 1, 0).astype(np.intp)
        if np.max(high - low) + 1 > MAX_SUM_TERMS:
            raise EvaluationError(f"A sum may have at most {MAX_SUM_TERMS} terms.", node.start)
        pairs = int(counts.sum())
        if pairs > MAX_PAIRS:
            return self.sum_term_by_term(node, low, high)
        owner = np.repeat(np.arange(n), counts)
        ks = np.arange(pairs) + np.repeat(low - (np.cumsum(counts) - counts), counts)
        span = int(np.max(high)) - int(np.min(low)) + 1  # the loop's turns, each a visit of the body, in the budget
        terms = self.on_pairs(node, n, owner, ks, max(span, 1))
        return np.bincount(owner, weights=np.broadcast_to(terms, (pairs,)), minlength=n)

    def on_pairs(self, node: Sum, n: int, owner: np.ndarray, ks: np.ndarray, span: int) -> Any:
        """A sum's body on stacked (trial, k) pairs: each stacked value the body reads repeated for its trial's
        terms, the index bound to `ks`."""
        env = {**self.env}
        for name in {sub.name for sub in node.body.walk() if isinstance(sub, Name)}:
            value = env.get(name)
            if isinstance(value, np.ndarray) and value.shape == (n,):
                env[name] = value[owner]
        env[node.index] = ks
        saved = self.env, self.length, self.weight, self.owned
        self.env, self.length, self.weight, self.owned = env, len(ks), self.weight * span, True
        try:
            return self.value(node.body)
        finally:
            self.env, self.length, self.weight, self.owned = saved

    def sum_term_by_term(self, node: Sum, low: np.ndarray, high: np.ndarray) -> Any:
        """`sum_over_trials` for sums too long to stack: every k from the lowest bound to the highest, each trial
        keeping the terms within its own bounds."""
        saved, total = self.env.get(node.index), np.zeros(low.shape)
        for k in range(int(np.min(low)), int(np.max(high)) + 1):
            self.bind(node.index, float(k))
            total = total + np.where((low <= k) & (k <= high), self.value(node.body), 0.0)
        self._restore(node.index, saved)
        return total

    def bounds(self, node: Node, what: str) -> np.ndarray:
        """A sum's bound on stacked trials: whole numbers within the limit, one per trial (or one for all)."""
        value = self.value(node)
        if type(value) is float:  # the same bound in every trial (a number, `1`)
            return np.array([self.whole(value, node, what, 10 * MAX_SUM_TERMS)], dtype=float)
        values = np.asarray(value, dtype=float).reshape(-1)
        whole = np.round(values)
        if not (np.isfinite(values).all() and (np.abs(values - whole) <= 1e-9).all()):
            for v in values.tolist():
                self.whole(v, node, what, 10 * MAX_SUM_TERMS)  # raises, naming the first offending value
        if (np.abs(whole) > 10 * MAX_SUM_TERMS).any():
            raise EvaluationError(f"{what} may be at most {10 * MAX_SUM_TERMS}.", node.start)
        return whole

    def stacked_sum(self, node: Sum, lo: int, hi: int) -> Value:
        """Every term of a sum at once: the index as a vector (scalar terms) or a stack (terms with matrices or
        family members); a sum of sums stacks every pair of indices. The work budget counts every term, as if the
        loop had run."""
        size, scalar = self.scalar_sums[id(node)]
        if isinstance(node.body, Sum) and not scalar:
            return self.pairs_sum(node, node.body, lo, hi, size)
        self.steps += (hi - lo) * size * self.weight
        if self.steps > MAX_STEPS:
            raise EvaluationError("Your answer takes too much work to evaluate; simplify it.", node.start)
        ks = np.arange(lo, hi + 1, dtype=float)
        terms = self.stacked_terms(node.body, {node.index: ks if scalar else ks.reshape(-1, 1, 1)})
        if scalar:
            return float(np.sum(np.broadcast_to(terms, (hi - lo + 1,))))
        if isinstance(terms, np.ndarray) and terms.ndim == 3:
            return as_value(np.sum(terms, axis=0))
        return as_value(terms * float(hi - lo + 1))  # a term that does not depend on the index

    def pairs_sum(self, outer: Sum, inner: Sum, lo: int, hi: int, size: int) -> Value:
        """Σ_j Σ_{k=lo(j)}^{hi(j)} body(j, k): the inner bounds for each j, then the body on every pair at once."""
        js: list[float] = []
        ks: list[float] = []
        saved = self.env.get(outer.index)
        for j in range(lo, hi + 1):
            self.bind(outer.index, float(j))
            first = self.integer(inner.lo, "A sum's lower bound", 10 * MAX_SUM_TERMS)
            last = self.integer(inner.hi, "A sum's upper bound", 10 * MAX_SUM_TERMS)
            if last - first + 1 > MAX_SUM_TERMS:
                raise EvaluationError(f"A sum may have at most {MAX_SUM_TERMS} terms.", inner.start)
            if self.steps + (len(ks) + last - first + 1) * size > MAX_STEPS:  # before building the pairs
                raise EvaluationError("Your answer takes too much work to evaluate; simplify it.", inner.start)
            js += [float(j)] * max(0, last - first + 1)
            ks += [float(k) for k in range(first, last + 1)]
        self._restore(outer.index, saved)
        self.steps += len(ks) * size
        if not ks:  # every inner sum empty: a zero of the body's shape
            zero: Value = self.sum(Sum(inner, outer.index, Num(1.0, "1"), Num(0.0, "0")))
            return zero
        stacks = {outer.index: np.array(js).reshape(-1, 1, 1), inner.index: np.array(ks).reshape(-1, 1, 1)}
        terms = self.stacked_terms(inner.body, stacks)
        if isinstance(terms, np.ndarray) and terms.ndim == 3:
            return as_value(np.sum(terms, axis=0))
        total: Value = as_value(terms * float(len(ks)))
        return total

    def stacked_terms(self, body: Node, stacks: dict[str, np.ndarray]) -> Any:
        """`body` with the given indices bound to stacks (one term per entry)."""
        saved, batched = {name: self.env.get(name) for name in stacks}, self.batched
        for name, stack in stacks.items():
            self.bind(name, stack)
        self.batched = True
        try:
            return self.value(body)
        finally:
            self.batched = batched
            for name, value in saved.items():
                self._restore(name, value)

    def bind(self, name: str, value: Any) -> None:
        """Bind a sum's index, in a copy of the caller's environment (made at the first binding)."""
        if not self.owned:
            self.env, self.owned = dict(self.env), True
        cast(dict[str, Any], self.env)[name] = value

    def _restore(self, name: str, value: Any) -> None:
        if value is not None:
            self.bind(name, value)
        elif self.owned:
            cast(dict[str, Any], self.env).pop(name, None)


_ARITHMETIC = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "⊙": np.multiply}
_COMPUTE: dict[type, Callable[[_Evaluator, Any], Any]] = {
    Index: _Evaluator.index,
    Neg: lambda self, node: -self.value(node.operand),
    Transpose: _Evaluator.transpose,
    Compare: _Evaluator.compare,
    Call: _Evaluator.call,
    Sum: _Evaluator.sum,
}

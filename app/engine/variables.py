"""How a question's variables are declared and how the sampled ones are drawn for the numeric trials.

A variable is either sampled (normal, uniform, positive, integer range, choice, one-hot, probability vector,
symmetric positive-definite, Bernoulli mask), a fixed value, an identity matrix, an indexed family of sampled
vectors (`g[k]`), or derived (`expr`, `grad`, `recurrence`, `expectation`, `second_moment`: see
`app.engine.graph`), so that `sigma(z2)` and `yhat` always agree and an answer is compared with the true quantity.
Dimensions are drawn so that different dimensions always differ and none is 1: a transposed answer cannot
pass by luck.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.engine.errors import AuthorError
from app.engine.scope import Role, Shape, Symbol, normalize_shape

DEFAULT_DIM_RANGE = (2, 7)


class GradSpec(BaseModel):
    """∂`of`/∂`wrt`, computed by reverse-mode differentiation over the graph of derived variables."""

    model_config = ConfigDict(extra="forbid")
    of: str = Field(description="A scalar variable (a loss).")
    wrt: str = Field(description="Any variable `of` depends on, sampled or derived; the result has its shape.")


class StateSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    init: str = Field(description="Initial value (`0` is a zero of the state's shape).")
    update: str = Field(description="New value at step k, in terms of the states, the index and other variables.")


class RecurrenceSpec(BaseModel):
    """States updated in the listed order at each k = 1 … steps (an optimizer's iterations)."""

    model_config = ConfigDict(extra="forbid")
    steps: str = Field(description="Number of steps: a whole-number expression, e.g. `t`.")
    index: str = Field("k", description="The step's name inside `update`.")
    state: dict[str, StateSpec] = Field(min_length=1)
    result: str = Field(description="Expression over the final states, e.g. `theta`.")


class RandomInput(BaseModel):
    """Moments of one random input; a family's members are independent and identically distributed."""

    model_config = ConfigDict(extra="forbid")
    mean: str = Field("0", description="Expression for the mean.")
    covariance: str | None = Field(None, description="Covariance of a column input, e.g. `sigma^2 I`; none: 0.")


class MomentSpec(BaseModel):
    """Exact moments of a variable that is affine in the random inputs (checked by `quizzes validate`)."""

    model_config = ConfigDict(extra="forbid")
    of: str
    random: dict[str, RandomInput] = Field(min_length=1)


SAMPLED_RULES = ("normal", "uniform", "positive", "integer", "choice", "one_hot", "simplex", "spd", "bernoulli",
                 "value", "family", "identity")  # fmt: skip
DERIVED_RULES = ("expr", "grad", "recurrence", "expectation", "second_moment")


class VariableSpec(BaseModel):
    """One name of a question: its shape in symbolic dimensions and how its value is drawn or derived."""

    model_config = ConfigDict(extra="forbid")
    shape: list[str | int] | Literal["scalar"] | None = Field(
        None, description="e.g. [D_a1, D_x]; scalar when sampled and not given; inferred (and checked) when derived."
    )
    normal: tuple[float, float] | None = Field(None, description="Mean and standard deviation (the default is 0, 1).")
    uniform: tuple[float, float] | None = Field(
        None, description="Low and high; log-uniform when 0 < low and high ≥ 10 low (spread over orders of magnitude)."
    )
    positive: bool = Field(False, description="Any positive value: drawn from 0.01 to 100, log-uniformly.")
    integer: tuple[int, int] | None = Field(None, description="Inclusive integer range, e.g. for t in a sum bound.")
    choice: list[float] | None = Field(None, description="Values to pick from; every value occurs across trials.")
    one_hot: bool = Field(False, description="A column with a 1 at a drawn class index and 0 elsewhere.")
    simplex: bool = Field(False, description="A probability vector: positive entries that sum to 1.")
    spd: bool = Field(False, description="A symmetric positive-definite (square) matrix.")
    bernoulli: float | None = Field(None, gt=0, lt=1, description="Entries 1 with this probability, else 0 (masks).")
    value: float | list[list[float]] | None = Field(None, description="A fixed value (a number or rows).")
    family: bool = Field(False, description="An indexed family g[k] of independently drawn members.")
    identity: bool = Field(False, description="The identity matrix of this (square) shape.")
    expr: str | None = Field(None, description="Derived: an expression over other variables, e.g. `tanh(W x + b)`.")
    grad: GradSpec | None = Field(None, description="Derived: a gradient computed by the engine.")
    recurrence: RecurrenceSpec | None = Field(None, description="Derived: the result of an iteration.")
    expectation: MomentSpec | None = Field(None, description="Derived: E[of], exactly.")
    second_moment: MomentSpec | None = Field(None, description="Derived: E[of ofᵀ], exactly.")
    latex: str | None = Field(None, description="How to typeset the name; derived from it by default.")
    description: str | None = None

    @model_validator(mode="after")
    def _one_rule(self) -> VariableSpec:
        given = [rule for rule in (*SAMPLED_RULES, *DERIVED_RULES) if getattr(self, rule) not in (None, False)]
        if len(given) > 1 and set(given) != {"family", "normal"}:
            raise ValueError(f"give at most one way to draw or derive the variable, not {' and '.join(given)}")
        square = self.shape not in (None, "scalar") and len(self.shape) == 2 and self.shape[0] == self.shape[1]
        if (self.identity or self.spd) and not square:
            raise ValueError("an identity or spd matrix must have a square shape such as [D, D]")
        vector = self.shape not in (None, "scalar") and len(self.shape) == 2 and 1 in self.shape
        if (self.one_hot or self.simplex) and not vector:
            raise ValueError("one_hot and simplex variables are vectors, e.g. shape [C, 1]")
        return self

    @property
    def derived(self) -> bool:
        return any(getattr(self, rule) is not None for rule in DERIVED_RULES)

    @property
    def dims(self) -> Shape:
        if self.value is not None and not isinstance(self.value, float | int):
            return (len(self.value), len(self.value[0]))
        return () if self.shape in (None, "scalar") else tuple(self.shape)

    @property
    def role(self) -> Role:
        if self.family:
            return "family"
        if self.identity:
            return "identity"
        return "integer" if self.integer is not None else "value"

    def symbol(self, name: str, shape: Shape | None = None) -> Symbol:
        return Symbol(name, normalize_shape(self.dims if shape is None else shape), self.role, self.latex)


@dataclass
class Family:
    """Members g[k] drawn on first use, each from its own stream, so evaluation order does not matter."""

    shape: tuple[int, ...]
    seed: tuple[int, ...]
    normal: tuple[float, float] = (0.0, 1.0)
    members: dict[int, Any] = field(default_factory=dict)
    stacks: dict[tuple[int, ...], np.ndarray] = field(default_factory=dict)

    def stack(self, ks: tuple[int, ...]) -> np.ndarray:
        """Members ks as one array (one matrix per member), kept: a trial's sums ask for the same ones again."""
        if ks not in self.stacks:
            self.stacks[ks] = np.stack(
                [np.full((1, 1), m) if isinstance(m, float) else m for m in map(self.__getitem__, ks)]
            )
        return self.stacks[ks]

    def __getitem__(self, k: int) -> Any:
        if k not in self.members:
            rng = np.random.default_rng([*self.seed, k + 10_000])
            value = self.normal[0] + self.normal[1] * rng.standard_normal(self.shape)
            self.members[k] = float(value[0, 0]) if self.shape == (1, 1) else value
        return self.members[k]


@dataclass(frozen=True)
class Trial:
    """One random instance of a question: dimension sizes and the value of every variable."""

    dims: dict[str, int]
    env: dict[str, Any]


def stable_seed(*parts: object) -> int:
    """A seed from text, identical in every process (unlike hash())."""
    return int.from_bytes(hashlib.blake2b(repr(parts).encode(), digest_size=8).digest(), "little")


MAX_REDRAWS = 20
KINK_EVERY = 4  # every 4th trial sits beside the kinks
POSITIVE_RANGE = (0.01, 100.0)  # "any positive" value, spread over four orders of magnitude


def sample_trials(
    variables: Mapping[str, VariableSpec],
    dims: Mapping[str, tuple[int, int]],
    n: int,
    seed: int,
    informative: Callable[[Trial], bool] | None = None,
    derive: Callable[[dict[str, Any], dict[str, int]], dict[str, Any]] | None = None,
    near_kinks: Callable[[dict[str, Any], dict[str, int], np.random.Generator], dict[str, Any]] | None = None,
) -> list[Trial]:
    """Draw `n` trials; choice variables and small integer ranges take every one of their values across them.

    `derive` adds the derived variables to a trial's sampled values (the compiled graph's `evaluate`).
    `near_kinks` moves every KINK_EVERY-th trial so that what feeds a ReLU, an indicator, abs, sign... lies just
    beside its kink on both sides (a threshold such as `z1 > 1e-3` then fails where it should).
    A trial that `informative` rejects (say, every hidden unit dead, so the true gradient is 0 and any masked
    answer would agree) is redrawn, up to MAX_REDRAWS times, keeping its choice values.
    """
    rng = np.random.default_rng(seed)
    dim_names = sorted({d for v in variables.values() for d in v.dims if isinstance(d, str)} | set(dims))
    cycles = {name: rng.permutation(len(values)) for name, v in variables.items() if (values := _cycled(v))}
    trials = []
    for i in range(n):
        for _ in range(MAX_REDRAWS):
            nudge = near_kinks if i % KINK_EVERY == KINK_EVERY - 1 else None
            trial = _draw_trial(variables, dims, dim_names, rng, i, cycles, seed, derive, nudge)
            if informative is None or informative(trial):
                break
        trials.append(trial)
    return trials


def _draw_trial(variables: Mapping[str, VariableSpec], dims: Mapping[str, tuple[int, int]], dim_names: list[str],
                rng: np.random.Generator, i: int, cycles: dict[str, np.ndarray], seed: int,
                derive: Callable[[dict[str, Any], dict[str, int]], dict[str, Any]] | None,
                nudge: Callable[[dict[str, Any], dict[str, int], np.random.Generator], dict[str, Any]] | None,
                ) -> Trial:  # fmt: skip
    sizes = _draw_dims(dim_names, dims, rng)
    env: dict[str, Any] = {}
    for name, spec in variables.items():
        if not spec.derived:
            env[name] = _draw(name, spec, sizes, rng, i, cycles, seed)
    if nudge is not None:
        env = nudge(env, sizes, rng)
    return Trial(sizes, derive(env, sizes) if derive else env)


def concrete_shape(dims: Shape, sizes: Mapping[str, int]) -> tuple[int, ...]:
    try:
        return tuple(d if isinstance(d, int) else sizes[d] for d in dims)
    except KeyError as missing:
        raise AuthorError(f"dimension {missing} is used but not declared") from None


def _draw_dims(names: list[str], ranges: Mapping[str, tuple[int, int]], rng: np.random.Generator) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for name in names:
        lo, hi = ranges.get(name, DEFAULT_DIM_RANGE)
        free = [v for v in range(max(lo, 2), hi + 1) if v not in sizes.values()]
        if not free:
            raise AuthorError(f"dimension {name}: no size in [{lo}, {hi}] differs from the other dimensions and 1")
        sizes[name] = int(rng.choice(free))
    return sizes


SMALL_RANGE = 20


def _cycled(spec: VariableSpec) -> list[float]:
    """Values every one of which the trials take in turn: a choice, or a small integer range (ends included)."""
    if spec.choice:
        return list(spec.choice)
    if spec.integer and spec.dims == () and spec.integer[1] - spec.integer[0] < SMALL_RANGE:
        return [float(v) for v in range(spec.integer[0], spec.integer[1] + 1)]
    return []


def _draw(name: str, spec: VariableSpec, sizes: dict[str, int], rng: np.random.Generator, i: int,
          cycles: dict[str, np.ndarray], seed: int) -> Any:  # fmt: skip
    shape = concrete_shape(spec.dims, sizes) or (1, 1)
    if spec.family:
        return Family(shape, (seed, i, stable_seed(name)), spec.normal or (0.0, 1.0))
    if spec.value is not None:
        return float(spec.value) if isinstance(spec.value, float | int) else np.array(spec.value, dtype=float)
    if name in cycles:
        values = _cycled(spec)
        return float(values[cycles[name][i % len(values)]])
    value = _sample(spec, shape, rng)
    return float(value[0, 0]) if shape == (1, 1) else value


def _sample(spec: VariableSpec, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    if spec.identity:
        return np.eye(shape[0])
    if spec.choice:  # a matrix-shaped choice: every entry the same value
        return np.full(shape, spec.choice[int(rng.integers(len(spec.choice)))], dtype=float)
    if spec.integer:
        return rng.integers(spec.integer[0], spec.integer[1], endpoint=True, size=shape).astype(float)
    if spec.uniform or spec.positive:
        lo, hi = spec.uniform or POSITIVE_RANGE
        if lo > 0 and hi >= 10 * lo:  # a range over orders of magnitude: each order as likely as the others
            return np.exp(rng.uniform(np.log(lo), np.log(hi), size=shape))
        return rng.uniform(lo, hi, size=shape)
    if spec.one_hot:
        value = np.zeros(shape)
        value.flat[int(rng.integers(value.size))] = 1.0
        return value
    if spec.simplex:
        return rng.dirichlet(np.ones(max(shape))).reshape(shape)
    if spec.spd:
        base = rng.normal(size=shape)
        return base @ base.T / shape[0] + 0.5 * np.eye(shape[0])  # eigenvalues at least 0.5
    if spec.bernoulli is not None:
        return (rng.uniform(size=shape) < spec.bernoulli).astype(float)
    mean, std = spec.normal or (0.0, 1.0)
    return rng.normal(mean, std, size=shape)

"""How a question's variables are declared and drawn for the numeric trials.

A variable is either sampled (normal, uniform, positive, integer range, choice), an identity matrix, an
indexed family of sampled vectors (`g[k]`), or derived from the reference engine (`derive`), so that
`sigma(z2)` and `yhat` always agree and a student's answer is compared with the true quantity.
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
from app.engine.quantities import compute_quantity
from app.engine.scope import Role, Shape, Symbol, normalize_shape

DEFAULT_DIM_RANGE = (2, 7)


class Derivation(BaseModel):
    """A quantity of the reference engine; `inputs` maps its parameter names to this question's names."""

    model_config = ConfigDict(extra="forbid")
    quantity: str = Field(description="Name of a reference-engine quantity, e.g. `two_layer_network`.")
    output: str | None = Field(None, description="Key of the result to take, when the quantity returns several.")
    inputs: dict[str, str] = Field(default_factory=dict, description="Quantity parameter → variable or dimension.")


class VariableSpec(BaseModel):
    """One name of a question: its shape in symbolic dimensions and how its value is drawn."""

    model_config = ConfigDict(extra="forbid")
    shape: list[str | int] | Literal["scalar"] = Field("scalar", description="e.g. [D_a1, D_x]; scalar by default.")
    normal: tuple[float, float] | None = Field(None, description="Mean and standard deviation (the default is 0, 1).")
    uniform: tuple[float, float] | None = Field(None, description="Low and high.")
    positive: bool = Field(False, description="Drawn uniformly from [0.5, 2].")
    integer: tuple[int, int] | None = Field(None, description="Inclusive integer range, e.g. for t in a sum bound.")
    choice: list[float] | None = Field(None, description="Values to pick from; every value occurs across trials.")
    derive: Derivation | str | None = Field(None, description="Computed by the reference engine.")
    family: bool = Field(False, description="An indexed family g[k] of independently drawn members.")
    identity: bool = Field(False, description="The identity matrix of this (square) shape.")
    latex: str | None = Field(None, description="How to typeset the name; derived from it by default.")
    description: str | None = None

    @model_validator(mode="after")
    def _one_rule(self) -> VariableSpec:
        rules = [self.normal, self.uniform, self.positive or None, self.integer, self.choice, self.derive,
                 self.identity or None]  # fmt: skip
        if sum(r is not None for r in rules) > 1:
            raise ValueError("give at most one of normal, uniform, positive, integer, choice, derive, identity")
        if self.identity and (self.shape == "scalar" or len(self.shape) != 2 or self.shape[0] != self.shape[1]):
            raise ValueError("an identity must have a square shape such as [D, D]")
        if isinstance(self.derive, str):
            quantity, _, output = self.derive.partition(".")
            self.derive = Derivation(quantity=quantity, output=output or None)
        return self

    @property
    def dims(self) -> Shape:
        return () if self.shape == "scalar" else tuple(self.shape)

    @property
    def role(self) -> Role:
        if self.family:
            return "family"
        if self.identity:
            return "identity"
        return "integer" if self.integer is not None else "value"

    def symbol(self, name: str) -> Symbol:
        return Symbol(name, normalize_shape(self.dims), self.role, self.latex)


@dataclass
class Family:
    """Members g[k] drawn on first use, each from its own stream, so evaluation order does not matter."""

    shape: tuple[int, ...]
    seed: tuple[int, ...]
    members: dict[int, Any] = field(default_factory=dict)

    def __getitem__(self, k: int) -> Any:
        if k not in self.members:
            rng = np.random.default_rng([*self.seed, k + 10_000])
            value = rng.standard_normal(self.shape)
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


def sample_trials(
    variables: Mapping[str, VariableSpec],
    dims: Mapping[str, tuple[int, int]],
    n: int,
    seed: int,
    informative: Callable[[Trial], bool] | None = None,
) -> list[Trial]:
    """Draw `n` trials; choice variables take every one of their values across the trials.

    A trial that `informative` rejects (say, every hidden unit dead, so the true gradient is 0 and any masked
    answer would agree) is redrawn, up to MAX_REDRAWS times, keeping its choice values.
    """
    rng = np.random.default_rng(seed)
    dim_names = sorted({d for v in variables.values() for d in v.dims if isinstance(d, str)} | set(dims))
    cycles = {name: rng.permutation(len(v.choice)) for name, v in variables.items() if v.choice}
    trials = []
    for i in range(n):
        for _ in range(MAX_REDRAWS):
            trial = _draw_trial(variables, dims, dim_names, rng, i, cycles, seed)
            if informative is None or informative(trial):
                break
        trials.append(trial)
    return trials


def _draw_trial(variables: Mapping[str, VariableSpec], dims: Mapping[str, tuple[int, int]], dim_names: list[str],
                rng: np.random.Generator, i: int, cycles: dict[str, np.ndarray], seed: int) -> Trial:  # fmt: skip
    sizes = _draw_dims(dim_names, dims, rng)
    env: dict[str, Any] = {}
    for name, spec in variables.items():
        if spec.derive is None:
            env[name] = _draw(name, spec, sizes, rng, i, cycles, seed)
    for name, spec in variables.items():
        if spec.derive is not None:
            env[name] = _derive(name, spec, env, sizes)
    return Trial(sizes, env)


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


def _draw(name: str, spec: VariableSpec, sizes: dict[str, int], rng: np.random.Generator, i: int,
          cycles: dict[str, np.ndarray], seed: int) -> Any:  # fmt: skip
    shape = concrete_shape(spec.dims, sizes) or (1, 1)
    if spec.family:
        return Family(shape, (seed, i, stable_seed(name)))
    if spec.identity:
        return np.eye(shape[0])
    if spec.choice:
        value: Any = np.full(shape, spec.choice[cycles[name][i % len(spec.choice)]], dtype=float)
    elif spec.integer:
        value = rng.integers(spec.integer[0], spec.integer[1], endpoint=True, size=shape).astype(float)
    elif spec.uniform or spec.positive:
        lo, hi = spec.uniform or (0.5, 2.0)
        value = rng.uniform(lo, hi, size=shape)
    else:
        mean, std = spec.normal or (0.0, 1.0)
        value = rng.normal(mean, std, size=shape)
    return float(value[0, 0]) if shape == (1, 1) else value


def _derive(name: str, spec: VariableSpec, env: dict[str, Any], sizes: dict[str, int]) -> Any:
    derivation = spec.derive
    assert isinstance(derivation, Derivation)  # normalised by the validator
    pool = {**sizes, **env}
    value = compute_quantity(derivation.quantity, pool, derivation.inputs)
    if isinstance(value, dict):
        key = derivation.output or name
        if key not in value:
            raise AuthorError(f"{name}: quantity {derivation.quantity} has no output {key!r}; it has {sorted(value)}")
        value = value[key]
    expected = concrete_shape(spec.dims, sizes)
    actual = np.shape(value) if isinstance(value, np.ndarray) else ()
    if normalize_shape(actual) != normalize_shape(expected):
        raise AuthorError(f"{name}: declared shape {expected} but {derivation.quantity} gives {actual}")
    return value.item() if isinstance(value, np.ndarray) and value.size == 1 else value

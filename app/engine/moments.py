"""Exact moments of a derived variable: E[f] and E[f fᵀ] from the means and covariances of its random inputs,
exact when f is affine in them (`is_affine` checks that numerically). Part of the variable graph
(`app.engine.graph`), which hands each moment variable here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from app.engine.evaluate import Value, as_value, evaluate, fit
from app.engine.variables import MomentSpec, concrete_shape

if TYPE_CHECKING:  # the graph calls in here; the names are only for the types
    from app.engine.graph import VariableGraph, _Derived


def is_affine(graph: VariableGraph, d: _Derived, env: dict[str, Any], sizes: Mapping[str, int],
              rng: np.random.Generator) -> bool:  # fmt: skip
    """f(μ + a) + f(μ − a) = 2 f(μ) for a random change a of every input (every family member it reads)."""
    moment = d.spec.expectation or d.spec.second_moment
    assert moment is not None
    means = {source: _input_mean(graph, d, source, env, sizes) for source in moment.random}
    center = np.asarray(_moment_of(graph, moment, env, means, sizes), dtype=float)
    steps = {source: _random_change(mean, rng) for source, mean in means.items()}
    sides = [
        np.asarray(_moment_of(graph, moment, env, {s: _moved(means[s], steps[s], sign) for s in means}, sizes))
        for sign in (1.0, -1.0)
    ]
    return bool(np.allclose(sides[0] + sides[1], 2 * center, rtol=1e-8, atol=1e-10))


class _ConstantFamily:
    """Every member of a family at one value (its mean), recording which members were read."""

    def __init__(self, value: Value, changed: Mapping[int, Value] | None = None) -> None:
        self.value, self.changed = value, dict(changed or {})
        self.read: set[int] = set()

    def __getitem__(self, k: int) -> Value:
        self.read.add(k)
        return self.changed.get(k, self.value)


def moment_value(graph: VariableGraph, d: _Derived, env: dict[str, Any], sizes: Mapping[str, int]) -> Value:
    """E[f] = f(means) and E[f fᵀ] = f(μ) f(μ)ᵀ + Σ_i J_i Σ_i J_iᵀ, exact when f is affine in the inputs."""
    moment = d.spec.expectation or d.spec.second_moment
    assert moment is not None
    means = {source: _input_mean(graph, d, source, env, sizes) for source in moment.random}
    center = _moment_of(graph, moment, env, means, sizes)
    if d.kind == "expectation":
        return center
    c = np.asarray(center, dtype=float).reshape(-1, 1)
    total = c @ c.T
    for source, random in moment.random.items():
        if random.covariance is None:
            continue
        for jacobian in _jacobians(graph, moment, env, means, sizes, source, c):
            cov = _covariance(d, source, env, jacobian.shape[1])
            total = total + jacobian @ cov @ jacobian.T
    return as_value(total)


def _input_mean(graph: VariableGraph, d: _Derived, source: str, env: dict[str, Any], sizes: Mapping[str, int]) -> Any:
    spec = graph.variables[source]
    shape = concrete_shape(spec.dims, sizes)
    mean = fit(evaluate(d.nodes[f"mean:{source}"], env), shape)
    return _ConstantFamily(mean) if spec.family else mean


def _moment_of(graph: VariableGraph, moment: MomentSpec, env: dict[str, Any], inputs: Mapping[str, Any],
               sizes: Mapping[str, int]) -> Value:  # fmt: skip
    fresh = {n: v for n, v in env.items() if n not in graph.derived}
    fresh.update(inputs)
    value: Value = graph.evaluate(fresh, sizes, only=moment.of)[moment.of]
    return value


def _jacobians(graph: VariableGraph, moment: MomentSpec, env: dict[str, Any], means: dict[str, Any],
               sizes: Mapping[str, int], source: str, center: np.ndarray) -> list[np.ndarray]:  # fmt: skip
    """∂of/∂(one member of the input) for each member `of` reads: columns from unit changes (f is affine)."""
    mean = means[source]
    members = sorted(mean.read) if isinstance(mean, _ConstantFamily) else [0]
    base = mean.value if isinstance(mean, _ConstantFamily) else mean
    size = int(np.size(base))
    out = []
    for member in members:
        columns = []
        for j in range(size):
            step = np.array(base, dtype=float).reshape(-1)
            step[j] += 1.0
            changed = as_value(step.reshape(np.shape(base) or (1, 1)))
            inputs = dict(means)
            inputs[source] = _ConstantFamily(base, {member: changed}) if isinstance(mean, _ConstantFamily) else changed
            value = np.asarray(_moment_of(graph, moment, env, inputs, sizes), dtype=float).reshape(-1, 1)
            columns.append(value - center)
        out.append(np.hstack(columns))
    return out


def _random_change(mean: Any, rng: np.random.Generator) -> Any:
    """A random change of an input: one per family member the variable read, else one of the input's shape."""
    if isinstance(mean, _ConstantFamily):
        return {k: rng.normal(size=np.shape(mean.value)) for k in sorted(mean.read)}
    return rng.normal(size=np.shape(mean)) if np.shape(mean) else float(rng.normal())


def _moved(mean: Any, change: Any, sign: float) -> Any:
    if isinstance(mean, _ConstantFamily):
        return _ConstantFamily(mean.value, {k: as_value(mean.value + sign * step) for k, step in change.items()})
    return as_value(mean + sign * change)


def _covariance(d: _Derived, source: str, env: dict[str, Any], size: int) -> np.ndarray:
    cov = evaluate(d.nodes[f"cov:{source}"], {**env, "I": np.eye(size) if size > 1 else 1.0})
    return np.broadcast_to(np.asarray(cov, dtype=float), (size, size)) * (np.eye(size) if np.ndim(cov) == 0 else 1)

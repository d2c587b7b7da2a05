"""Named quantities of the reference engine that a question's variables can be derived from.

Each quantity is a function whose parameter names are looked up among the question's variables and
dimensions (or renamed with a derivation's `inputs`). Adding a quantity is one entry here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from app.engine import reference as ref
from app.engine.errors import AuthorError


def _members(g: Any, t: Any) -> list[np.ndarray]:
    return [np.asarray(g[k], dtype=float).reshape(-1, 1) for k in range(1, round(t) + 1)]


def _momentum_theta(theta0: np.ndarray, g: Any, t: float, epsilon: float, alpha: float) -> np.ndarray:
    """θ_t after t momentum steps from v0 = 0 with gradients g[1..t] (4c.i)."""
    return ref.momentum_unrolled(theta0, _members(g, t), epsilon, alpha)


def _momentum_mean(mu: np.ndarray, t: float, epsilon: float, alpha: float) -> np.ndarray:
    """E(θ_t) when E(θ0) = 0 and E(g_k) = μ (4c.ii)."""
    return ref.momentum_expected_theta(mu, round(t), epsilon, alpha)


def _momentum_covariance(t: float, epsilon: float, alpha: float, sigma: float, D: int) -> np.ndarray:
    """E(v_t v_tᵀ) for uncorrelated gradients with covariance σ²I (bonus problem 5)."""
    return ref.momentum_velocity_covariance(round(t), epsilon, alpha, sigma, int(D))


def _l2_step(W: np.ndarray, dJ_dW: np.ndarray, epsilon: float) -> np.ndarray:
    """W after one gradient step on J + ‖W‖² (2c)."""
    return ref.l2_regularized_sgd_step(W, dJ_dW, epsilon)


def _linf_gradient(W: np.ndarray, lam: float, n: float) -> np.ndarray:
    """∇_W of (λ/n)‖W‖_∞, one term of the L-∞ regularizer (3b)."""
    return lam / n * ref.linf_norm_grad(W)


QUANTITIES: dict[str, Callable[..., Any]] = {
    "two_layer_network": ref.two_layer_network,
    "momentum_theta": _momentum_theta,
    "momentum_expected_theta": _momentum_mean,
    "momentum_velocity_covariance": _momentum_covariance,
    "l2_regularized_step": _l2_step,
    "linf_regularizer_gradient": _linf_gradient,
}


def quantity_inputs(name: str) -> list[str]:
    """The parameter names a quantity needs."""
    return list(inspect.signature(_lookup(name)).parameters)


def compute_quantity(name: str, pool: Mapping[str, Any], renames: Mapping[str, str] | None = None) -> Any:
    """Call quantity `name`, taking each parameter from `pool` under its own name or its renamed one."""
    func = _lookup(name)
    renames = renames or {}
    kwargs = {}
    for param in inspect.signature(func).parameters:
        source = renames.get(param, param)
        if source not in pool:
            raise AuthorError(
                f"quantity {name} needs {param!r}, but no variable or dimension {source!r} exists"
            )
        kwargs[param] = pool[source]
    return func(**kwargs)


def _lookup(name: str) -> Callable[..., Any]:
    if name not in QUANTITIES:
        raise AuthorError(f"unknown quantity {name!r}; known: {', '.join(sorted(QUANTITIES))}")
    return QUANTITIES[name]

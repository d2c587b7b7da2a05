"""Gradient-based optimisers and momentum analysis .

Each ``*_step`` performs iteration ``t`` exactly as the exam writes it, with
``g_t`` the gradient at ``theta_{t-1}``. State is passed in and returned, so
the functions are pure.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from app.engine.reference._types import FloatArray

GradFn = Callable[[FloatArray], FloatArray]

OPTIMIZER_NAMES: tuple[str, ...] = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam")


@dataclass(frozen=True)
class OptimizerState:
    """Snapshot of an optimiser between iterations.

    Attributes:
        theta: Parameters ``theta_t``.
        v: First-moment / velocity accumulator ``v_t`` (unused by SGD, Adagrad, RMSProp).
        a: Second-moment accumulator ``a_t`` (used by Adagrad, RMSProp, Adam).
        t: Number of iterations completed.
    """

    theta: FloatArray
    v: FloatArray
    a: FloatArray
    t: int = 0

    @classmethod
    def initial(cls, theta0: FloatArray) -> "OptimizerState":
        """State at ``t = 0`` with zero accumulators."""
        theta = np.asarray(theta0, dtype=np.float64)
        return cls(theta=theta, v=np.zeros_like(theta), a=np.zeros_like(theta))


def sgd_step(theta: FloatArray, g: FloatArray, epsilon: float) -> FloatArray:
    """Vanilla gradient descent: ``theta_t = theta_{t-1} - epsilon g_t``.

    Args:
        theta: ``theta_{t-1}``.
        g: ``g_t``.
        epsilon: Learning rate.

    Returns:
        ``theta_t``.
    """
    return theta - epsilon * g


def momentum_step(
    theta: FloatArray, v: FloatArray, g: FloatArray, epsilon: float, alpha: float
) -> tuple[FloatArray, FloatArray]:
    """Momentum: ``v_t = alpha v_{t-1} - epsilon g_t``, ``theta_t = theta_{t-1} + v_t``.

    Args:
        theta: ``theta_{t-1}``.
        v: ``v_{t-1}``.
        g: ``g_t``.
        epsilon: Learning rate.
        alpha: Momentum coefficient.

    Returns:
        ``(theta_t, v_t)``.
    """
    v_new = alpha * v - epsilon * g
    return theta + v_new, v_new


def nesterov_step(
    theta: FloatArray, v: FloatArray, grad_fn: GradFn, epsilon: float, alpha: float
) -> tuple[FloatArray, FloatArray]:
    """Nesterov momentum: the gradient is taken at the look-ahead ``theta + alpha v``.

    Args:
        theta: ``theta_{t-1}``.
        v: ``v_{t-1}``.
        grad_fn: Gradient of the loss, evaluated once at ``theta_{t-1} + alpha v_{t-1}``.
        epsilon: Learning rate.
        alpha: Momentum coefficient.

    Returns:
        ``(theta_t, v_t)``.
    """
    return momentum_step(theta, v, grad_fn(theta + alpha * v), epsilon, alpha)


def adagrad_step(
    theta: FloatArray, a: FloatArray, g: FloatArray, epsilon: float, nu: float = 1e-7
) -> tuple[FloatArray, FloatArray]:
    """Adagrad: ``a_t = a_{t-1} + g_t^2``, step ``epsilon / (sqrt(a_t) + nu) * g_t``.

    Args:
        theta: ``theta_{t-1}``.
        a: ``a_{t-1}``.
        g: ``g_t``.
        epsilon: Learning rate.
        nu: Small constant guarding the division.

    Returns:
        ``(theta_t, a_t)``.
    """
    a_new = a + g * g
    return theta - epsilon / (np.sqrt(a_new) + nu) * g, a_new


def rmsprop_step(
    theta: FloatArray, a: FloatArray, g: FloatArray, epsilon: float, beta: float, nu: float = 1e-7
) -> tuple[FloatArray, FloatArray]:
    """RMSProp: ``a_t = beta a_{t-1} + (1 - beta) g_t^2``, step as in Adagrad.

    Args:
        theta: ``theta_{t-1}``.
        a: ``a_{t-1}``.
        g: ``g_t``.
        epsilon: Learning rate.
        beta: Decay rate of the squared-gradient average.
        nu: Small constant guarding the division.

    Returns:
        ``(theta_t, a_t)``.
    """
    a_new = beta * a + (1.0 - beta) * g * g
    return theta - epsilon / (np.sqrt(a_new) + nu) * g, a_new


def adam_step(
    theta: FloatArray,
    v: FloatArray,
    a: FloatArray,
    g: FloatArray,
    t: int,
    epsilon: float,
    beta1: float,
    beta2: float,
    nu: float = 1e-7,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Adam with bias correction at iteration ``t``.

    Args:
        theta: ``theta_{t-1}``.
        v: ``v_{t-1}``.
        a: ``a_{t-1}``.
        g: ``g_t``.
        t: Iteration number, starting at 1.
        epsilon: Learning rate.
        beta1: Decay rate of the gradient average.
        beta2: Decay rate of the squared-gradient average.
        nu: Small constant guarding the division.

    Returns:
        ``(theta_t, v_t, a_t)``.

    Raises:
        ValueError: If ``t < 1``, where the bias correction divides by zero.
    """
    if t < 1:
        raise ValueError(f"Adam iterations are 1-based, got t={t}")
    v_new = beta1 * v + (1.0 - beta1) * g
    a_new = beta2 * a + (1.0 - beta2) * g * g
    v_hat = v_new / (1.0 - beta1**t)
    a_hat = a_new / (1.0 - beta2**t)
    return theta - epsilon / (np.sqrt(a_hat) + nu) * v_hat, v_new, a_new


def _advance(name: str, s: OptimizerState, grad_fn: GradFn, hyper: dict[str, float]) -> OptimizerState:
    """Apply one iteration of optimiser ``name`` to state ``s``."""
    t = s.t + 1
    if name == "sgd":
        return replace(s, theta=sgd_step(s.theta, grad_fn(s.theta), **hyper), t=t)
    if name == "momentum":
        theta, v = momentum_step(s.theta, s.v, grad_fn(s.theta), **hyper)
        return replace(s, theta=theta, v=v, t=t)
    if name == "nesterov":
        theta, v = nesterov_step(s.theta, s.v, grad_fn, **hyper)
        return replace(s, theta=theta, v=v, t=t)
    if name == "adagrad":
        theta, a = adagrad_step(s.theta, s.a, grad_fn(s.theta), **hyper)
        return replace(s, theta=theta, a=a, t=t)
    if name == "rmsprop":
        theta, a = rmsprop_step(s.theta, s.a, grad_fn(s.theta), **hyper)
        return replace(s, theta=theta, a=a, t=t)
    if name == "adam":
        theta, v, a = adam_step(s.theta, s.v, s.a, grad_fn(s.theta), t, **hyper)
        return replace(s, theta=theta, v=v, a=a, t=t)
    raise ValueError(f"unknown optimizer {name!r}; expected one of {OPTIMIZER_NAMES}")


def run_optimizer(name: str, grad_fn: GradFn, theta0: FloatArray, steps: int, **hyper: float) -> FloatArray:
    """Run an optimiser from ``theta0`` and record every iterate.

    Args:
        name: One of ``OPTIMIZER_NAMES``.
        grad_fn: Gradient of the loss, called with arrays shaped like ``theta0``.
        theta0: Initial parameters.
        steps: Number of iterations.
        **hyper: Keyword arguments of the matching ``*_step`` function, e.g.
            ``epsilon`` and ``alpha`` for momentum.

    Returns:
        Array of shape ``(steps + 1, theta0.size)`` whose row ``t`` is ``theta_t`` flattened.

    Raises:
        ValueError: If ``name`` is unknown.
    """
    if name not in OPTIMIZER_NAMES:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {OPTIMIZER_NAMES}")
    state = OptimizerState.initial(theta0)
    rows = [state.theta.ravel()]
    for _ in range(steps):
        state = _advance(name, state, grad_fn, hyper)
        rows.append(state.theta.ravel())
    return np.stack(rows)


def momentum_unrolled(theta0: FloatArray, grads: list[FloatArray], epsilon: float, alpha: float) -> FloatArray:
    """``theta_t`` after momentum steps with gradients ``g_1..g_t`` from ``v_0 = 0`` (problem 4c.i).

    Args:
        theta0: Initial parameters ``theta_0``.
        grads: The gradients ``g_1, ..., g_t`` in order.
        epsilon: Learning rate.
        alpha: Momentum coefficient.

    Returns:
        ``theta_t`` with ``t = len(grads)``.
    """
    theta = np.asarray(theta0, dtype=np.float64)
    v = np.zeros_like(theta)
    for g in grads:
        theta, v = momentum_step(theta, v, g, epsilon, alpha)
    return theta


def momentum_expected_theta(mu: FloatArray, t: int, epsilon: float, alpha: float) -> FloatArray:
    """``E(theta_t)`` under momentum when ``E(theta_0) = 0`` and every ``E(g_k) = mu`` (problem 4c.ii).

    The update is linear, so expectations obey the same recursion with ``g_k``
    replaced by ``mu``.

    Args:
        mu: Expected gradient, shape ``(D, 1)``.
        t: Number of iterations.
        epsilon: Learning rate.
        alpha: Momentum coefficient.

    Returns:
        ``E(theta_t)``, shaped like ``mu``.
    """
    mu_arr = np.asarray(mu, dtype=np.float64)
    return momentum_unrolled(np.zeros_like(mu_arr), [mu_arr] * t, epsilon, alpha)


def momentum_velocity_covariance(t: int, epsilon: float, alpha: float, sigma: float, D: int) -> FloatArray:
    """``E(v_t v_t^T)`` for zero-mean, uncorrelated gradients with ``E(g g^T) = sigma^2 I`` (problem 5).

    From ``v_t = alpha v_{t-1} - epsilon g_t`` with ``v_0 = 0``: ``v_{t-1}``
    depends only on ``g_1..g_{t-1}``, so the cross terms vanish and
    ``C_t = alpha^2 C_{t-1} + epsilon^2 sigma^2 I``.

    Args:
        t: Number of iterations.
        epsilon: Learning rate.
        alpha: Momentum coefficient.
        sigma: Standard deviation of each gradient coordinate.
        D: Dimension of the parameters.

    Returns:
        The ``(D, D)`` matrix ``E(v_t v_t^T)``.
    """
    noise = epsilon**2 * sigma**2 * np.eye(D)
    cov = np.zeros((D, D))
    for _ in range(t):
        cov = alpha**2 * cov + noise
    return cov

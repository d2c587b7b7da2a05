"""Two-layer binary classifier with a weighted log-likelihood (midterm problem 2b).

The forward pass and every gradient follow the exam's notation:

    z1 = W1 x + b1,  a1 = ReLU(z1),  z2 = W2 a1 + b2,  yhat = sigmoid(z2)
    L  = alpha * y * log(yhat) + beta * (1 - y) * log(1 - yhat)
    J  = -(1/m) * sum_i L^(i)

The per-example ``L`` carries no minus sign, so the ``delta_*`` values are
gradients of ``L`` (to be ascended), while :func:`batch_cost` returns gradients
of ``J`` (to be descended).
"""

import math
from typing import overload

import numpy as np
import numpy.typing as npt

from app.engine.reference._types import FloatArray

NetworkResult = dict[str, FloatArray | float]


@overload
def sigmoid(z: float) -> float: ...
@overload
def sigmoid(z: npt.ArrayLike) -> FloatArray: ...
def sigmoid(z: npt.ArrayLike) -> FloatArray | float:
    """Numerically stable logistic function ``1 / (1 + exp(-z))``.

    Args:
        z: A Python float or an array of any shape.

    Returns:
        ``sigmoid(z)`` elementwise; a Python float when ``z`` is a scalar.
    """
    arr = np.asarray(z, dtype=np.float64)
    # exp(-|z|) never overflows, so both branches stay finite for any z.
    e = np.exp(-np.abs(arr))
    out = np.where(arr >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(out) if out.ndim == 0 else out


def relu(z: npt.ArrayLike) -> FloatArray:
    """Rectified linear unit ``max(z, 0)`` elementwise.

    Args:
        z: Array of any shape.

    Returns:
        A float64 array with the shape of ``z``.
    """
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def _log_sigmoid(z: npt.ArrayLike) -> FloatArray:
    """``log(sigmoid(z))`` without forming ``sigmoid(z)``, which may round to 0."""
    return -np.logaddexp(0.0, -np.asarray(z, dtype=np.float64))


def _weighted_log_likelihood(z2: npt.ArrayLike, y: npt.ArrayLike, alpha: float, beta: float) -> FloatArray:
    """Exam's ``L`` evaluated from the logit, using ``log(1 - sigmoid(z)) = log sigmoid(-z)``."""
    z = np.asarray(z2, dtype=np.float64)
    y_arr = np.asarray(y, dtype=np.float64)
    return alpha * y_arr * _log_sigmoid(z) + beta * (1.0 - y_arr) * _log_sigmoid(-z)


def _weighted_ratio(weight: float, denom: float) -> float:
    """``weight / denom`` where a zero weight makes the term vanish even if ``denom`` underflowed."""
    if weight == 0.0:
        return 0.0
    if denom == 0.0:
        return math.copysign(math.inf, weight)
    return weight / denom


def _forward(
    x: FloatArray, W1: FloatArray, b1: FloatArray, W2: FloatArray, b2: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return ``z1, a1, z2`` for one example (columns) or a batch (``x`` is ``D_x x m``)."""
    z1 = W1 @ x + b1
    a1 = relu(z1)
    z2 = W2 @ a1 + b2
    return z1, a1, z2


def two_layer_network(
    x: FloatArray,
    W1: FloatArray,
    b1: FloatArray,
    W2: FloatArray,
    b2: float,
    y: float,
    alpha: float,
    beta: float,
) -> NetworkResult:
    """Forward pass and per-example gradients of ``L`` for problem 2b.

    Args:
        x: Input column, shape ``(D_x, 1)``.
        W1: First-layer weights, shape ``(D_a1, D_x)``.
        b1: First-layer bias, shape ``(D_a1, 1)``.
        W2: Second-layer weights, shape ``(1, D_a1)``.
        b2: Second-layer bias.
        y: Label, 0 or 1.
        alpha: Weight of the positive-class term.
        beta: Weight of the negative-class term.

    Returns:
        Dict with ``z1, a1`` (``(D_a1, 1)``), floats ``z2, yhat, loss`` (``L``),
        float gradients ``delta_yhat, delta_z2, delta_b2`` and array gradients
        ``delta_W2`` ``(1, D_a1)``, ``delta_a1, delta_z1, delta_b1`` ``(D_a1, 1)``
        and ``delta_W1`` ``(D_a1, D_x)``. ``delta_z1`` uses ``1[z1 > 0]``.
    """
    z1, a1, z2_arr = _forward(x, W1, b1, W2, b2)
    z2 = float(z2_arr.item())
    yhat = sigmoid(z2)
    # sigmoid(-z2) keeps 1 - yhat accurate when yhat rounds to 1.
    one_minus_yhat = sigmoid(-z2)
    loss = float(_weighted_log_likelihood(z2, y, alpha, beta))
    delta_yhat = _weighted_ratio(alpha * y, yhat) - _weighted_ratio(beta * (1.0 - y), one_minus_yhat)
    # delta_yhat * yhat * (1 - yhat), simplified so it stays finite when yhat saturates.
    delta_z2 = alpha * y * one_minus_yhat - beta * (1.0 - y) * yhat
    delta_a1 = W2.T * delta_z2
    delta_z1 = delta_a1 * (z1 > 0)
    return {
        "z1": z1,
        "a1": a1,
        "z2": z2,
        "yhat": yhat,
        "loss": loss,
        "delta_yhat": delta_yhat,
        "delta_z2": delta_z2,
        "delta_b2": delta_z2,
        "delta_W2": delta_z2 * a1.T,
        "delta_a1": delta_a1,
        "delta_z1": delta_z1,
        "delta_b1": delta_z1,
        "delta_W1": delta_z1 @ x.T,
    }


def batch_cost(
    X: FloatArray,
    Y: npt.ArrayLike,
    W1: FloatArray,
    b1: FloatArray,
    W2: FloatArray,
    b2: float,
    alpha: float,
    beta: float,
) -> tuple[float, dict[str, FloatArray | float]]:
    """Cost ``J = -(1/m) sum_i L^(i)`` over a batch and its parameter gradients.

    Args:
        X: Inputs as columns, shape ``(D_x, m)``.
        Y: Labels, ``m`` values in {0, 1} (any shape with ``m`` elements).
        W1: First-layer weights, shape ``(D_a1, D_x)``.
        b1: First-layer bias, shape ``(D_a1, 1)``.
        W2: Second-layer weights, shape ``(1, D_a1)``.
        b2: Second-layer bias.
        alpha: Weight of the positive-class term.
        beta: Weight of the negative-class term.

    Returns:
        ``(J, grads)`` with ``grads`` holding ``dW1`` ``(D_a1, D_x)``, ``db1``
        ``(D_a1, 1)``, ``dW2`` ``(1, D_a1)`` and the float ``db2``, all of ``J``.
    """
    m = X.shape[1]
    y = np.asarray(Y, dtype=np.float64).reshape(1, m)
    Z1, A1, Z2 = _forward(X, W1, b1, W2, b2)
    cost = -float(np.mean(_weighted_log_likelihood(Z2, y, alpha, beta)))
    # dJ/dZ2 = -(1/m) * delta_z2 per column; delta_z2 in its saturation-safe form.
    dZ2 = -(alpha * y * sigmoid(-Z2) - beta * (1.0 - y) * sigmoid(Z2)) / m
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)
    grads: dict[str, FloatArray | float] = {
        "dW1": dZ1 @ X.T,
        "db1": np.sum(dZ1, axis=1, keepdims=True),
        "dW2": dZ2 @ A1.T,
        "db2": float(np.sum(dZ2)),
    }
    return cost, grads


def balanced_class_weights(n_neg: int, n_pos: int) -> tuple[float, float]:
    """Class weights ``(alpha, beta)`` under which both classes contribute equally.

    The positive class contributes ``alpha * n_pos`` terms' worth and the
    negative class ``beta * n_neg``; they balance whenever
    ``alpha / beta = n_neg / n_pos``, so any such pair works. This returns the
    one normalised to ``beta = 1``.

    Args:
        n_neg: Number of negative (``y = 0``) examples.
        n_pos: Number of positive (``y = 1``) examples.

    Returns:
        ``(n_neg / n_pos, 1.0)``.

    Raises:
        ValueError: If either count is not positive.
    """
    if n_neg <= 0 or n_pos <= 0:
        raise ValueError(f"class counts must be positive, got n_neg={n_neg}, n_pos={n_pos}")
    return n_neg / n_pos, 1.0

"""Weight penalties and their (sub)gradients .

Kinks follow the exam's convention ``d|w|/dw = sign(w)`` with ``sign(0) = 0``.
"""

import numpy as np

from app.engine.reference._types import FloatArray


def l1(W: FloatArray) -> float:
    """L1 penalty ``sum_ij |W_ij|``.

    Args:
        W: Weights of any shape.

    Returns:
        The penalty as a float.
    """
    return float(np.sum(np.abs(W)))


def l1_grad(W: FloatArray) -> FloatArray:
    """Subgradient of :func:`l1`: ``sign(W)`` (0 where ``W`` is 0).

    Args:
        W: Weights of any shape.

    Returns:
        Array shaped like ``W``.
    """
    return np.sign(W).astype(np.float64)


def l2(W: FloatArray) -> float:
    """Squared L2 penalty ``||W||_2^2 = sum_ij W_ij^2``, as in problem 2c.

    Args:
        W: Weights of any shape.

    Returns:
        The penalty as a float.
    """
    return float(np.sum(W * W))


def l2_grad(W: FloatArray) -> FloatArray:
    """Gradient of :func:`l2`: ``2 W``.

    Args:
        W: Weights of any shape.

    Returns:
        Array shaped like ``W``.
    """
    return 2.0 * np.asarray(W, dtype=np.float64)


def linf_norm(A: FloatArray) -> float:
    """Induced infinity norm ``max_k sum_j |A_kj|`` (largest absolute row sum).

    Args:
        A: Matrix of shape ``(p, m)``.

    Returns:
        The norm as a float.
    """
    return float(np.max(np.sum(np.abs(A), axis=1)))


def linf_norm_grad(A: FloatArray) -> FloatArray:
    """Subgradient of :func:`linf_norm`.

    Only the maximising row ``k*`` moves the norm, so the gradient is
    ``sign(A_k*j)`` on that row and zero elsewhere. On ties the first
    maximising row is used.

    Args:
        A: Matrix of shape ``(p, m)``.

    Returns:
        Array shaped like ``A``.
    """
    k_star = int(np.argmax(np.sum(np.abs(A), axis=1)))
    grad = np.zeros_like(A, dtype=np.float64)
    grad[k_star] = np.sign(A[k_star])
    return grad


def linf_regularizer(Ws: list[FloatArray], lam: float) -> float:
    """Problem 3b's ``R(W) = (lam / n) * sum_i ||W_i||_inf`` over ``n`` layers.

    Args:
        Ws: The ``n`` weight matrices.
        lam: Regularisation strength ``lambda``.

    Returns:
        The penalty as a float.
    """
    return lam / len(Ws) * sum(linf_norm(W) for W in Ws)


def linf_regularizer_grad(Ws: list[FloatArray], lam: float, i: int) -> FloatArray:
    """Gradient of :func:`linf_regularizer` with respect to ``Ws[i]``.

    Other layers' terms do not depend on ``W_i``, leaving
    ``(lam / n) * grad ||W_i||_inf``.

    Args:
        Ws: The ``n`` weight matrices.
        lam: Regularisation strength ``lambda``.
        i: Zero-based index of the layer.

    Returns:
        Array shaped like ``Ws[i]``.
    """
    return lam / len(Ws) * linf_norm_grad(Ws[i])


def l2_regularized_sgd_step(W: FloatArray, dJ_dW: FloatArray, epsilon: float, strength: float = 1.0) -> FloatArray:
    """One vanilla gradient-descent step on ``J + strength * ||W||_2^2`` (problem 2c).

    Args:
        W: Current weights.
        dJ_dW: Gradient of the unregularised cost with respect to ``W``.
        epsilon: Learning rate.
        strength: Regularisation strength (1 in the exam).

    Returns:
        ``W - epsilon * (dJ_dW + 2 * strength * W)``.
    """
    return W - epsilon * (dJ_dW + strength * l2_grad(W))

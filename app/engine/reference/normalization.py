"""Batch and layer normalisation, forward and backward .

Both use the exam's equations: biased variance and ``sqrt(var + eps)``. They
differ only in the axis the statistics are taken over: examples (axis 0) for
batch norm, features (last axis) for layer norm.
"""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.engine.reference._types import FloatArray

Scale = float | FloatArray


@dataclass(frozen=True)
class NormCache:
    """Values saved by a forward pass for the matching backward pass.

    Attributes:
        x_hat: Normalised input, shaped like ``x``.
        inv_std: ``1 / sqrt(var + eps)``, with the reduced axis kept.
        gamma: Scale used in the forward pass.
        beta: Shift used in the forward pass.
        axis: Axis the statistics were taken over.
    """

    x_hat: FloatArray
    inv_std: FloatArray
    gamma: Scale
    beta: Scale
    axis: int


def _forward(x: npt.ArrayLike, gamma: Scale, beta: Scale, eps: float, axis: int) -> tuple[FloatArray, NormCache]:
    """Normalise ``x`` over ``axis``, then scale by ``gamma`` and shift by ``beta``."""
    arr = np.asarray(x, dtype=np.float64)
    mu = np.mean(arr, axis=axis, keepdims=True)
    var = np.mean((arr - mu) ** 2, axis=axis, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (arr - mu) * inv_std
    return gamma * x_hat + beta, NormCache(x_hat, inv_std, gamma, beta, axis)


def _reduce_like(grad: FloatArray, like: Scale) -> Scale:
    """Sum ``grad`` over the dimensions along which ``like`` was broadcast."""
    if np.ndim(like) == 0:
        return float(np.sum(grad))
    shape = np.shape(like)
    lead = grad.ndim - len(shape)
    summed = np.sum(grad, axis=tuple(range(lead))) if lead > 0 else grad
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and summed.shape[i] != 1)
    return np.sum(summed, axis=stretched, keepdims=True) if stretched else summed


def _backward(dy: npt.ArrayLike, cache: NormCache) -> tuple[FloatArray, Scale, Scale]:
    """Gradients of a normalisation layer given the upstream gradient ``dy``."""
    g = np.asarray(dy, dtype=np.float64)
    x_hat, axis = cache.x_hat, cache.axis
    dx_hat = g * cache.gamma
    # Every x_j feeds mu and var, hence the two mean-subtracted correction terms.
    dx = cache.inv_std * (
        dx_hat - np.mean(dx_hat, axis=axis, keepdims=True) - x_hat * np.mean(dx_hat * x_hat, axis=axis, keepdims=True)
    )
    return dx, _reduce_like(g * x_hat, cache.gamma), _reduce_like(g, cache.beta)


def batchnorm_forward(x: npt.ArrayLike, gamma: Scale, beta: Scale, eps: float = 1e-5) -> tuple[FloatArray, NormCache]:
    """Batch normalisation over the ``B`` examples on axis 0.

    Args:
        x: Activations, shape ``(B,)`` for one neuron or ``(B, D)``.
        gamma: Scale, a float or an array broadcastable to ``x``.
        beta: Shift, a float or an array broadcastable to ``x``.
        eps: Variance floor ``epsilon``.

    Returns:
        ``(y, cache)`` with ``y`` shaped like ``x``.
    """
    return _forward(x, gamma, beta, eps, axis=0)


def batchnorm_backward(dy: npt.ArrayLike, cache: NormCache) -> tuple[FloatArray, Scale, Scale]:
    """Backward pass of :func:`batchnorm_forward`.

    Args:
        dy: Upstream gradient, shaped like ``y``.
        cache: Cache returned by the forward pass.

    Returns:
        ``(dx, dgamma, dbeta)``; ``dgamma`` and ``dbeta`` match the shapes of
        ``gamma`` and ``beta`` (floats for scalar parameters).
    """
    return _backward(dy, cache)


def layernorm_forward(x: npt.ArrayLike, gamma: Scale, beta: Scale, eps: float = 1e-5) -> tuple[FloatArray, NormCache]:
    """Layer normalisation over the ``D`` features on the last axis.

    Args:
        x: Activations, shape ``(D,)`` for one example or ``(N, D)``.
        gamma: Scale, a float or an array broadcastable to ``x``.
        beta: Shift, a float or an array broadcastable to ``x``.
        eps: Variance floor ``epsilon``.

    Returns:
        ``(y, cache)`` with ``y`` shaped like ``x``.
    """
    return _forward(x, gamma, beta, eps, axis=-1)


def layernorm_backward(dy: npt.ArrayLike, cache: NormCache) -> tuple[FloatArray, Scale, Scale]:
    """Backward pass of :func:`layernorm_forward`.

    Args:
        dy: Upstream gradient, shaped like ``y``.
        cache: Cache returned by the forward pass.

    Returns:
        ``(dx, dgamma, dbeta)``; ``dgamma`` and ``dbeta`` match the shapes of
        ``gamma`` and ``beta`` (floats for scalar parameters).
    """
    return _backward(dy, cache)

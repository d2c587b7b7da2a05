"""Shared fixtures: a seeded generator and a finite-difference gradient check."""

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest

FD_STEP = 1e-6
RTOL = 1e-5
ATOL = 1e-7

ScalarFn = Callable[[np.ndarray], float]
GradientCheck = Callable[[ScalarFn, npt.ArrayLike, npt.ArrayLike], None]


def numerical_gradient(f: ScalarFn, x: npt.ArrayLike, h: float = FD_STEP) -> np.ndarray:
    """Central finite-difference gradient ``(f(x + h e_i) - f(x - h e_i)) / 2h``.

    Args:
        f: Scalar function of an array shaped like ``x``.
        x: Point of evaluation (a float becomes a 0-d array).
        h: Step size.

    Returns:
        Float64 array shaped like ``x``.
    """
    point = np.array(x, dtype=np.float64)
    grad = np.zeros_like(point)
    for idx in np.ndindex(point.shape):
        orig = point[idx]
        point[idx] = orig + h
        f_plus = f(point.copy())
        point[idx] = orig - h
        f_minus = f(point.copy())
        point[idx] = orig
        grad[idx] = (f_plus - f_minus) / (2.0 * h)
    return grad


@pytest.fixture
def rng() -> np.random.Generator:
    """Deterministic random generator shared by every test."""
    return np.random.default_rng(0)


@pytest.fixture
def check_gradient() -> GradientCheck:
    """Assert that an analytic gradient matches the central finite difference of ``f`` at ``x``."""

    def check(f: ScalarFn, x: npt.ArrayLike, analytic: npt.ArrayLike) -> None:
        expected = numerical_gradient(f, x)
        actual = np.asarray(analytic, dtype=np.float64)
        assert actual.shape == expected.shape, f"gradient shape {actual.shape} != {expected.shape}"
        np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL)

    return check

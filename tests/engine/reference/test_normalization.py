"""Specification of batch norm (over examples) and layer norm (over features), problem 3c."""

from collections.abc import Callable

import numpy as np
import pytest

from app.engine.reference import (
    batchnorm_backward,
    batchnorm_forward,
    layernorm_backward,
    layernorm_forward,
)

EPS = 1e-5
PAIRS = {
    "batchnorm": (batchnorm_forward, batchnorm_backward),
    "layernorm": (layernorm_forward, layernorm_backward),
}

# (name, x shape, gamma/beta shape or None for Python floats)
CASES = [
    ("batchnorm", (6,), None),
    ("batchnorm", (6, 3), None),
    ("batchnorm", (6, 3), (3,)),
    ("batchnorm", (6, 3), (1, 3)),
    ("layernorm", (5,), None),
    ("layernorm", (4, 5), None),
    ("layernorm", (4, 5), (5,)),
    ("layernorm", (4, 5), (4, 1)),
]


def make_params(rng: np.random.Generator, shape: tuple[int, ...] | None) -> tuple[float | np.ndarray, ...]:
    if shape is None:
        return 1.7, -0.4
    return rng.uniform(0.5, 2.0, size=shape), rng.normal(size=shape)


class TestForward:
    def test_batchnorm_single_neuron_by_hand(self) -> None:
        x = np.array([1.0, 2.0, 3.0, 6.0])
        # mu_B = 3, sigma_B^2 = (4 + 1 + 0 + 9) / 4 = 3.5 (biased)
        y, _ = batchnorm_forward(x, gamma=2.0, beta=0.5)
        np.testing.assert_allclose(y, 2.0 * (x - 3.0) / np.sqrt(3.5 + EPS) + 0.5)

    def test_layernorm_single_example_by_hand(self) -> None:
        x = np.array([2.0, -1.0, 5.0])
        # mu_l = 2, sigma_l^2 = (0 + 9 + 9) / 3 = 6 (biased)
        y, _ = layernorm_forward(x, gamma=0.5, beta=1.0, eps=1e-3)
        np.testing.assert_allclose(y, 0.5 * (x - 2.0) / np.sqrt(6.0 + 1e-3) + 1.0)

    def test_batchnorm_normalises_each_feature_over_the_batch(self, rng) -> None:
        x = rng.normal(loc=3.0, scale=2.0, size=(8, 3))
        y, _ = batchnorm_forward(x, 1.0, 0.0)
        np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(y.var(axis=0), x.var(axis=0) / (x.var(axis=0) + EPS))

    def test_layernorm_normalises_each_example_over_features(self, rng) -> None:
        x = rng.normal(loc=-1.0, scale=3.0, size=(4, 6))
        y, _ = layernorm_forward(x, 1.0, 0.0)
        np.testing.assert_allclose(y.mean(axis=1), 0.0, atol=1e-12)
        np.testing.assert_allclose(y.var(axis=1), x.var(axis=1) / (x.var(axis=1) + EPS))

    def test_layernorm_is_batchnorm_on_the_transpose(self, rng) -> None:
        x = rng.normal(size=(4, 6))
        np.testing.assert_allclose(layernorm_forward(x, 1.3, 0.2)[0], batchnorm_forward(x.T, 1.3, 0.2)[0].T)

    def test_gamma_and_beta_scale_and_shift(self, rng) -> None:
        x = rng.normal(size=(5, 2))
        gamma, beta = np.array([2.0, -1.0]), np.array([0.5, 3.0])
        plain, _ = batchnorm_forward(x, 1.0, 0.0)
        np.testing.assert_allclose(batchnorm_forward(x, gamma, beta)[0], gamma * plain + beta)


@pytest.mark.parametrize(("name", "x_shape", "param_shape"), CASES)
class TestBackward:
    def compute(
        self,
        rng: np.random.Generator,
        name: str,
        x_shape: tuple[int, ...],
        param_shape: tuple[int, ...] | None,
    ) -> tuple[np.ndarray, float | np.ndarray, float | np.ndarray, tuple, Callable[..., float]]:
        forward, backward = PAIRS[name]
        x = rng.normal(size=x_shape)
        gamma, beta = make_params(rng, param_shape)
        upstream = rng.normal(size=x_shape)
        _, cache = forward(x, gamma, beta)
        grads = backward(upstream, cache)

        def objective(x_: np.ndarray, gamma_: float | np.ndarray, beta_: float | np.ndarray) -> float:
            # A random linear read-out makes dL/dy = upstream.
            return float(np.sum(upstream * forward(x_, gamma_, beta_)[0]))

        return x, gamma, beta, grads, objective

    def test_dx(self, rng, name, x_shape, param_shape, check_gradient) -> None:
        x, gamma, beta, (dx, _, _), f = self.compute(rng, name, x_shape, param_shape)
        check_gradient(lambda x_: f(x_, gamma, beta), x, dx)

    def test_dgamma(self, rng, name, x_shape, param_shape, check_gradient) -> None:
        x, gamma, beta, (_, dgamma, _), f = self.compute(rng, name, x_shape, param_shape)
        as_param = float if param_shape is None else np.asarray
        check_gradient(lambda g: f(x, as_param(g), beta), gamma, dgamma)

    def test_dbeta(self, rng, name, x_shape, param_shape, check_gradient) -> None:
        x, gamma, beta, (_, _, dbeta), f = self.compute(rng, name, x_shape, param_shape)
        as_param = float if param_shape is None else np.asarray
        check_gradient(lambda b: f(x, gamma, as_param(b)), beta, dbeta)

    def test_parameter_gradients_match_parameter_shapes(self, rng, name, x_shape, param_shape) -> None:
        *_, (dx, dgamma, dbeta), _ = self.compute(rng, name, x_shape, param_shape)
        assert dx.shape == x_shape
        if param_shape is None:
            assert isinstance(dgamma, float) and isinstance(dbeta, float)
        else:
            assert np.shape(dgamma) == param_shape and np.shape(dbeta) == param_shape

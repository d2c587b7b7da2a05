"""Specification of the problem-4 optimisers and the momentum analysis of problems 4c and 5."""

import numpy as np
import pytest

from app.engine.reference import (
    OPTIMIZER_NAMES,
    adagrad_step,
    adam_step,
    momentum_expected_theta,
    momentum_step,
    momentum_unrolled,
    momentum_velocity_covariance,
    nesterov_step,
    rmsprop_step,
    run_optimizer,
    sgd_step,
)

THETA = np.array([[1.0], [2.0]])
G = np.array([[0.5], [-1.0]])
EPS = 0.1

# Quadratic bowl L = 0.5 theta^T H theta, whose gradient H theta is known exactly.
H = np.diag([2.0, 0.5])


def quad_grad(theta: np.ndarray) -> np.ndarray:
    return H @ theta


def quad_loss(theta: np.ndarray) -> float:
    return 0.5 * float((theta.T @ H @ theta).item())


class TestSingleSteps:
    def test_sgd(self) -> None:
        np.testing.assert_allclose(sgd_step(THETA, G, EPS), [[0.95], [2.1]])

    def test_momentum(self) -> None:
        # v = 0.9 * [0.2, 0] - 0.1 * [0.5, -1] = [0.13, 0.1]
        theta, v = momentum_step(THETA, np.array([[0.2], [0.0]]), G, EPS, alpha=0.9)
        np.testing.assert_allclose(v, [[0.13], [0.1]])
        np.testing.assert_allclose(theta, [[1.13], [2.1]])

    def test_nesterov_uses_gradient_at_look_ahead_point(self) -> None:
        theta0, v0 = np.array([[1.0], [1.0]]), np.array([[0.5], [-0.5]])
        calls: list[np.ndarray] = []

        def recording_grad(theta: np.ndarray) -> np.ndarray:
            calls.append(theta.copy())
            return quad_grad(theta)

        # look-ahead [1.25, 0.75]; gradient [2.5, 0.375]; v = 0.5 v0 - 0.1 g = [0, -0.2875]
        theta, v = nesterov_step(theta0, v0, recording_grad, EPS, alpha=0.5)
        assert len(calls) == 1
        np.testing.assert_allclose(calls[0], [[1.25], [0.75]])
        np.testing.assert_allclose(v, [[0.0], [-0.2875]])
        np.testing.assert_allclose(theta, [[1.0], [0.7125]])

    def test_nesterov_differs_from_momentum_at_the_same_state(self) -> None:
        theta0, v0 = np.array([[1.0], [1.0]]), np.array([[0.5], [-0.5]])
        nesterov, _ = nesterov_step(theta0, v0, quad_grad, EPS, alpha=0.5)
        momentum, _ = momentum_step(theta0, v0, quad_grad(theta0), EPS, alpha=0.5)
        assert not np.allclose(nesterov, momentum)

    def test_adagrad(self) -> None:
        # a = [0, 3] + [0.25, 1] = [0.25, 4]; steps 0.1 * 0.5 / 0.5 and 0.1 * -1 / 2
        theta, a = adagrad_step(THETA, np.array([[0.0], [3.0]]), G, EPS, nu=0.0)
        np.testing.assert_allclose(a, [[0.25], [4.0]])
        np.testing.assert_allclose(theta, [[0.9], [2.05]])

    def test_adagrad_default_nu_is_tiny(self) -> None:
        theta, _ = adagrad_step(THETA, np.array([[0.0], [3.0]]), G, EPS)
        np.testing.assert_allclose(theta, [[0.9], [2.05]], rtol=1e-6)

    def test_rmsprop(self) -> None:
        g = np.array([[2.0], [-1.0]])
        # a = 0.9 * [4, 1] + 0.1 * [4, 1] = [4, 1]; steps 0.1 * 2 / 2 and 0.1 * -1 / 1
        theta, a = rmsprop_step(THETA, np.array([[4.0], [1.0]]), g, EPS, beta=0.9, nu=0.0)
        np.testing.assert_allclose(a, [[4.0], [1.0]])
        np.testing.assert_allclose(theta, [[0.9], [2.1]])

    def test_adam_two_steps_with_constant_gradient(self) -> None:
        zeros = np.zeros_like(THETA)
        theta1, v1, a1 = adam_step(THETA, zeros, zeros, G, 1, EPS, beta1=0.9, beta2=0.999, nu=0.0)
        np.testing.assert_allclose(v1, 0.1 * G)
        np.testing.assert_allclose(a1, 0.001 * G**2)
        # Bias correction makes v_hat = g and a_hat = g^2, so the step is epsilon * sign(g).
        np.testing.assert_allclose(theta1, [[0.9], [2.1]])
        theta2, v2, a2 = adam_step(theta1, v1, a1, G, 2, EPS, beta1=0.9, beta2=0.999, nu=0.0)
        np.testing.assert_allclose(v2, 0.19 * G)
        np.testing.assert_allclose(a2, 0.001999 * G**2)
        np.testing.assert_allclose(theta2, [[0.8], [2.2]])

    def test_adam_first_step_has_magnitude_epsilon_per_coordinate(self) -> None:
        g = np.array([[1e-3], [-1.0], [1e3]])
        zeros = np.zeros_like(g)
        theta, _, _ = adam_step(zeros, zeros, zeros, g, 1, EPS, beta1=0.9, beta2=0.999)
        np.testing.assert_allclose(np.abs(theta), EPS, rtol=1e-3)
        np.testing.assert_array_equal(np.sign(theta), -np.sign(g))

    def test_adam_iterations_are_one_based(self) -> None:
        zeros = np.zeros_like(THETA)
        with pytest.raises(ValueError):
            adam_step(THETA, zeros, zeros, G, 0, EPS, beta1=0.9, beta2=0.999)


HYPER = {
    "sgd": {"epsilon": 0.3},
    "momentum": {"epsilon": 0.1, "alpha": 0.5},
    "nesterov": {"epsilon": 0.1, "alpha": 0.5},
    "adagrad": {"epsilon": 0.5},
    "rmsprop": {"epsilon": 0.01, "beta": 0.9},
    "adam": {"epsilon": 0.01, "beta1": 0.9, "beta2": 0.999},
}


class TestRunOptimizer:
    @pytest.mark.parametrize("name", OPTIMIZER_NAMES)
    def test_trajectory_shape_and_start(self, name: str) -> None:
        path = run_optimizer(name, quad_grad, THETA, 10, **HYPER[name])
        assert path.shape == (11, 2)
        np.testing.assert_array_equal(path[0], THETA.ravel())

    @pytest.mark.parametrize("name", OPTIMIZER_NAMES)
    def test_descends_a_convex_quadratic(self, name: str) -> None:
        path = run_optimizer(name, quad_grad, THETA, 1000, **HYPER[name])
        assert quad_loss(path[-1].reshape(-1, 1)) < 1e-2 * quad_loss(THETA)

    def test_adam_trajectory_matches_manual_steps_from_t_equal_one(self) -> None:
        path = run_optimizer("adam", quad_grad, THETA, 3, **HYPER["adam"])
        theta, v, a = THETA, np.zeros_like(THETA), np.zeros_like(THETA)
        for t in range(1, 4):
            theta, v, a = adam_step(theta, v, a, quad_grad(theta), t, **HYPER["adam"])
            np.testing.assert_allclose(path[t], theta.ravel())

    def test_nesterov_trajectory_matches_manual_steps(self) -> None:
        path = run_optimizer("nesterov", quad_grad, THETA, 3, **HYPER["nesterov"])
        theta, v = THETA, np.zeros_like(THETA)
        for t in range(1, 4):
            theta, v = nesterov_step(theta, v, quad_grad, **HYPER["nesterov"])
            np.testing.assert_allclose(path[t], theta.ravel())

    def test_unknown_name_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="unknown optimizer"):
            run_optimizer("lbfgs", quad_grad, THETA, 1, epsilon=0.1)


class TestMomentumAnalysis:
    ALPHA = 0.8

    def test_unrolled_matches_closed_form(self, rng) -> None:
        t, theta0 = 7, rng.normal(size=(3, 1))
        grads = [rng.normal(size=(3, 1)) for _ in range(t)]
        # Problem 4c.i: theta_t = theta_0 - eps * sum_k g_k (1 - alpha^(t-k+1)) / (1 - alpha)
        closed = theta0 - EPS * sum(
            g * (1 - self.ALPHA ** (t - k + 1)) / (1 - self.ALPHA) for k, g in enumerate(grads, start=1)
        )
        np.testing.assert_allclose(momentum_unrolled(theta0, grads, EPS, self.ALPHA), closed, rtol=1e-12)

    def test_unrolled_with_no_gradients_is_theta0(self) -> None:
        np.testing.assert_array_equal(momentum_unrolled(THETA, [], EPS, self.ALPHA), THETA)

    @pytest.mark.parametrize("t", [0, 1, 2, 10, 100])
    def test_expected_theta_matches_closed_form(self, t: int) -> None:
        mu = np.array([[0.3], [-1.2]])
        a = self.ALPHA
        # Problem 4c.ii: E(theta_t) = -eps mu / (1 - alpha) * (t - alpha (1 - alpha^t) / (1 - alpha))
        closed = -EPS * mu / (1 - a) * (t - a * (1 - a**t) / (1 - a))
        np.testing.assert_allclose(momentum_expected_theta(mu, t, EPS, a), closed, rtol=1e-12, atol=1e-15)

    @pytest.mark.parametrize("t", [0, 1, 5, 50])
    def test_velocity_covariance_matches_closed_form(self, t: int) -> None:
        sigma, D, a = 0.7, 3, self.ALPHA
        # Problem 5: E(v_t v_t^T) = eps^2 sigma^2 (1 - alpha^(2t)) / (1 - alpha^2) I
        closed = EPS**2 * sigma**2 * (1 - a ** (2 * t)) / (1 - a**2) * np.eye(D)
        np.testing.assert_allclose(momentum_velocity_covariance(t, EPS, a, sigma, D), closed, rtol=1e-12)

"""Specification of the L1, L2 and L-infinity penalties and the L2-regularised GD step."""

import numpy as np
import pytest

from app.engine.reference import (
    l1,
    l1_grad,
    l2,
    l2_grad,
    l2_regularized_sgd_step,
    linf_norm,
    linf_norm_grad,
    linf_regularizer,
    linf_regularizer_grad,
)

A = np.array([[1.0, -2.0, 0.0], [-3.0, 0.5, 1.0], [0.0, 0.0, -5.0]])


def away_from_kinks(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random entries with magnitude in [0.5, 1.5], so no finite-difference step crosses 0."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.5, 1.5, size=shape)


def unique_max_row(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Random matrix whose largest absolute row sum beats the runner-up by a clear margin."""
    W = away_from_kinks(rng, shape)
    W[1] *= 3.0
    row_sums = np.sort(np.abs(W).sum(axis=1))
    assert row_sums[-1] - row_sums[-2] > 0.1
    return W


class TestL1:
    def test_value(self) -> None:
        assert l1(A) == 12.5

    def test_grad_is_sign_with_sign_zero_zero(self) -> None:
        np.testing.assert_array_equal(l1_grad(A), np.sign(A))
        assert l1_grad(A)[0, 2] == 0.0

    def test_grad_matches_finite_differences(self, rng, check_gradient) -> None:
        W = away_from_kinks(rng, (3, 4))
        check_gradient(l1, W, l1_grad(W))


class TestL2:
    def test_value_is_sum_of_squares(self) -> None:
        assert l2(A) == pytest.approx(1 + 4 + 9 + 0.25 + 1 + 25)

    def test_grad_is_two_w(self) -> None:
        np.testing.assert_array_equal(l2_grad(A), 2 * A)

    def test_grad_matches_finite_differences(self, rng, check_gradient) -> None:
        W = rng.normal(size=(3, 4))
        check_gradient(l2, W, l2_grad(W))


class TestLinfNorm:
    def test_value_is_max_absolute_row_sum(self) -> None:
        assert linf_norm(A) == 5.0  # row sums are 3, 4.5, 5

    def test_grad_is_sign_on_the_maximising_row_only(self) -> None:
        expected = np.zeros_like(A)
        expected[1] = [-1.0, 1.0, 1.0]
        A_second_row_max = A.copy()
        A_second_row_max[2, 2] = -1.0
        np.testing.assert_array_equal(linf_norm_grad(A_second_row_max), expected)

    def test_grad_uses_sign_zero_zero(self) -> None:
        np.testing.assert_array_equal(linf_norm_grad(A), [[0, 0, 0], [0, 0, 0], [0, 0, -1.0]])

    def test_ties_pick_the_first_maximising_row(self) -> None:
        tied = np.array([[1.0, -1.0], [-2.0, 0.0], [0.5, 0.5]])
        np.testing.assert_array_equal(linf_norm_grad(tied), [[1.0, -1.0], [0.0, 0.0], [0.0, 0.0]])

    def test_grad_matches_finite_differences(self, rng, check_gradient) -> None:
        W = unique_max_row(rng, (4, 3))
        check_gradient(linf_norm, W, linf_norm_grad(W))


class TestLinfRegularizer:
    LAM = 0.3

    @pytest.fixture
    def Ws(self, rng: np.random.Generator) -> list[np.ndarray]:
        return [unique_max_row(rng, shape) for shape in [(4, 3), (5, 4), (2, 5)]]

    def test_value_is_lambda_over_n_times_sum_of_norms(self, Ws) -> None:
        expected = self.LAM / 3 * sum(linf_norm(W) for W in Ws)
        assert linf_regularizer(Ws, self.LAM) == pytest.approx(expected)

    @pytest.mark.parametrize("i", [0, 1, 2])
    def test_grad_matches_finite_differences(self, Ws, i: int, check_gradient) -> None:
        def R_of_Wi(Wi: np.ndarray) -> float:
            return linf_regularizer([*Ws[:i], Wi, *Ws[i + 1 :]], self.LAM)

        check_gradient(R_of_Wi, Ws[i], linf_regularizer_grad(Ws, self.LAM, i))

    def test_grad_is_scaled_norm_grad(self, Ws) -> None:
        np.testing.assert_allclose(linf_regularizer_grad(Ws, self.LAM, 1), self.LAM / 3 * linf_norm_grad(Ws[1]))


class TestL2RegularizedStep:
    def test_exam_update_rule_with_strength_one(self) -> None:
        W = np.array([[1.0, -2.0]])
        dJ = np.array([[0.5, 0.25]])
        # W - eps * (dJ + 2 W) with eps = 0.1
        expected = np.array([[1.0 - 0.1 * (0.5 + 2.0), -2.0 - 0.1 * (0.25 - 4.0)]])
        np.testing.assert_allclose(l2_regularized_sgd_step(W, dJ, 0.1), expected)

    def test_strength_scales_weight_decay(self) -> None:
        W = np.array([[1.0, -2.0]])
        dJ = np.zeros_like(W)
        np.testing.assert_allclose(l2_regularized_sgd_step(W, dJ, 0.1, strength=0.5), 0.9 * W)

    def test_step_descends_the_regularised_cost_gradient(self, rng, check_gradient) -> None:
        W = rng.normal(size=(1, 4))
        target = rng.normal(size=(1, 4))

        def J(w: np.ndarray) -> float:
            return 0.5 * float(np.sum((w - target) ** 2))

        def J_hat(w: np.ndarray) -> float:
            return J(w) + l2(w)

        eps = 0.01
        step = (W - l2_regularized_sgd_step(W, W - target, eps)) / eps
        check_gradient(J_hat, W, step)

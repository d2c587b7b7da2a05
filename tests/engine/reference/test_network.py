"""Specification of the problem-2b network: forward pass, gradients of L, batch cost J."""

from dataclasses import dataclass

import numpy as np
import pytest

from app.engine.reference import (
    balanced_class_weights,
    batch_cost,
    relu,
    sigmoid,
    two_layer_network,
)

D_X, D_A1 = 4, 5
ALPHA, BETA = 3.0, 0.7
# Pre-activations kept at least 0.3 from the ReLU kink so finite differences never cross it.
Z1_TARGET = np.array([[1.2], [-0.8], [0.5], [-1.5], [0.3]])


@dataclass
class Params:
    x: np.ndarray
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: float


@pytest.fixture
def params(rng: np.random.Generator) -> Params:
    x = rng.normal(size=(D_X, 1))
    W1 = rng.normal(size=(D_A1, D_X))
    return Params(x=x, W1=W1, b1=Z1_TARGET - W1 @ x, W2=rng.normal(size=(1, D_A1)), b2=0.1)


def loss_of(p: Params, y: float, **override: np.ndarray | float) -> float:
    """The exam's L, written out directly with np.log, for finite differences."""
    q = {"x": p.x, "W1": p.W1, "b1": p.b1, "W2": p.W2, "b2": p.b2, **override}
    z1 = q["W1"] @ q["x"] + q["b1"]
    z2 = float((q["W2"] @ np.maximum(z1, 0.0)).item()) + float(q["b2"])
    return exam_loss(1.0 / (1.0 + np.exp(-z2)), y)


def exam_loss(yhat: float, y: float) -> float:
    return float(ALPHA * y * np.log(yhat) + BETA * (1 - y) * np.log(1 - yhat))


def run(p: Params, y: float) -> dict:
    return two_layer_network(p.x, p.W1, p.b1, p.W2, p.b2, y, ALPHA, BETA)


class TestActivations:
    def test_sigmoid_matches_definition(self) -> None:
        z = np.linspace(-20, 20, 41)
        np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-12)

    def test_sigmoid_is_stable_for_huge_inputs(self) -> None:
        out = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
        np.testing.assert_array_equal(out, [0.0, 0.5, 1.0])

    def test_sigmoid_of_float_is_float(self) -> None:
        assert isinstance(sigmoid(0.3), float)
        assert sigmoid(0.0) == 0.5

    def test_sigmoid_symmetry(self) -> None:
        z = np.linspace(-30, 30, 13)
        np.testing.assert_allclose(sigmoid(-z), 1.0 - sigmoid(z), atol=1e-15)

    def test_relu(self) -> None:
        np.testing.assert_array_equal(relu(np.array([[-2.0], [0.0], [3.0]])), [[0.0], [0.0], [3.0]])


class TestForwardPass:
    def test_fixture_has_pre_activations_of_both_signs(self, params: Params) -> None:
        z1 = run(params, 1.0)["z1"]
        assert (z1 > 0).any() and (z1 < 0).any()

    @pytest.mark.parametrize("y", [0.0, 1.0])
    def test_values_follow_the_exam_equations(self, params: Params, y: float) -> None:
        out = run(params, y)
        np.testing.assert_allclose(out["z1"], Z1_TARGET, atol=1e-12)
        np.testing.assert_array_equal(out["a1"], np.maximum(out["z1"], 0.0))
        assert out["z2"] == pytest.approx(float((params.W2 @ out["a1"]).item()) + params.b2)
        assert out["yhat"] == pytest.approx(1.0 / (1.0 + np.exp(-out["z2"])))
        assert out["loss"] == pytest.approx(exam_loss(out["yhat"], y))

    def test_per_example_loss_has_no_minus_sign(self, params: Params) -> None:
        assert run(params, 1.0)["loss"] < 0.0

    def test_shapes_and_scalar_types(self, params: Params) -> None:
        out = run(params, 1.0)
        for key in ("z2", "yhat", "loss", "delta_yhat", "delta_z2", "delta_b2"):
            assert isinstance(out[key], float), key
        for key in ("z1", "a1", "delta_a1", "delta_z1", "delta_b1"):
            assert out[key].shape == (D_A1, 1), key
        assert out["delta_W2"].shape == (1, D_A1)
        assert out["delta_W1"].shape == (D_A1, D_X)

    @pytest.mark.parametrize(("y", "z2"), [(1.0, 800.0), (0.0, -800.0), (0.0, 800.0)])
    def test_saturated_logit_gives_finite_loss_and_delta_z2(
        self, params: Params, y: float, z2: float
    ) -> None:
        out = two_layer_network(params.x, params.W1, params.b1, np.zeros((1, D_A1)), z2, y, ALPHA, BETA)
        assert np.isfinite(out["loss"]) and np.isfinite(out["delta_z2"])


@pytest.mark.parametrize("y", [0.0, 1.0])
class TestGradientsOfL:
    def test_delta_yhat(self, params: Params, y: float, check_gradient) -> None:
        out = run(params, y)
        check_gradient(lambda yh: exam_loss(float(yh), y), out["yhat"], out["delta_yhat"])

    def test_delta_yhat_closed_form(self, params: Params, y: float) -> None:
        out = run(params, y)
        yhat = out["yhat"]
        assert out["delta_yhat"] == pytest.approx(ALPHA * y / yhat - BETA * (1 - y) / (1 - yhat))

    def test_delta_b2(self, params: Params, y: float, check_gradient) -> None:
        out = run(params, y)
        check_gradient(lambda b2: loss_of(params, y, b2=float(b2)), params.b2, out["delta_b2"])

    def test_delta_b2_is_delta_z2_is_chain_rule_through_sigmoid(self, params: Params, y: float) -> None:
        out = run(params, y)
        assert out["delta_b2"] == out["delta_z2"]
        expected = out["delta_yhat"] * out["yhat"] * (1 - out["yhat"])
        assert out["delta_b2"] == pytest.approx(expected, rel=1e-12)

    def test_delta_W2(self, params: Params, y: float, check_gradient) -> None:
        out = run(params, y)
        check_gradient(lambda W2: loss_of(params, y, W2=W2), params.W2, out["delta_W2"])
        np.testing.assert_allclose(out["delta_W2"], out["delta_b2"] * out["a1"].T)

    def test_delta_a1(self, params: Params, y: float, check_gradient) -> None:
        out = run(params, y)

        def loss_of_a1(a1: np.ndarray) -> float:
            z2 = float((params.W2 @ a1).item()) + params.b2
            return exam_loss(1.0 / (1.0 + np.exp(-z2)), y)

        check_gradient(loss_of_a1, out["a1"], out["delta_a1"])

    def test_delta_b1(self, params: Params, y: float, check_gradient) -> None:
        out = run(params, y)
        check_gradient(lambda b1: loss_of(params, y, b1=b1), params.b1, out["delta_b1"])
        np.testing.assert_array_equal(out["delta_b1"][out["z1"] < 0], 0.0)
        np.testing.assert_array_equal(out["delta_z1"], out["delta_b1"])

    def test_delta_W1(self, params: Params, y: float, check_gradient) -> None:
        out = run(params, y)
        check_gradient(lambda W1: loss_of(params, y, W1=W1), params.W1, out["delta_W1"])
        np.testing.assert_allclose(out["delta_W1"], out["delta_b1"] @ params.x.T)


class TestBatchCost:
    M = 6

    @pytest.fixture
    def batch(self, rng: np.random.Generator, params: Params) -> tuple[np.ndarray, np.ndarray]:
        X = rng.normal(size=(D_X, self.M))
        Y = np.array([1.0, 0.0, 0.0, 1.0, 0.0, 0.0])
        # Keep every pre-activation away from the ReLU kink.
        Z1 = params.W1 @ X + params.b1
        assert np.abs(Z1).min() > 1e-3
        return X, Y

    def cost(self, X: np.ndarray, Y: np.ndarray, p: Params, **override: np.ndarray | float) -> float:
        q = {"W1": p.W1, "b1": p.b1, "W2": p.W2, "b2": p.b2, **override}
        return batch_cost(X, Y, q["W1"], q["b1"], q["W2"], float(q["b2"]), ALPHA, BETA)[0]

    def test_cost_is_minus_mean_of_per_example_losses(self, batch, params: Params) -> None:
        X, Y = batch
        per_example = [
            two_layer_network(X[:, [i]], params.W1, params.b1, params.W2, params.b2, Y[i], ALPHA, BETA)
            for i in range(self.M)
        ]
        cost, grads = batch_cost(X, Y, params.W1, params.b1, params.W2, params.b2, ALPHA, BETA)
        mean_loss = float(np.mean([o["loss"] for o in per_example]))
        assert cost == pytest.approx(-mean_loss)
        for key in ("W1", "b1", "W2", "b2"):
            expected = -np.mean([o[f"delta_{key}"] for o in per_example], axis=0)
            np.testing.assert_allclose(grads[f"d{key}"], expected, rtol=1e-12, atol=1e-15)

    @pytest.mark.parametrize("key", ["W1", "b1", "W2", "b2"])
    def test_gradients_match_finite_differences(
        self, batch, params: Params, key: str, check_gradient
    ) -> None:
        X, Y = batch
        _, grads = batch_cost(X, Y, params.W1, params.b1, params.W2, params.b2, ALPHA, BETA)
        point = getattr(params, key)
        check_gradient(lambda v: self.cost(X, Y, params, **{key: v}), point, grads[f"d{key}"])

    def test_gradient_shapes(self, batch, params: Params) -> None:
        X, Y = batch
        _, grads = batch_cost(X, Y, params.W1, params.b1, params.W2, params.b2, ALPHA, BETA)
        assert grads["dW1"].shape == (D_A1, D_X)
        assert grads["db1"].shape == (D_A1, 1)
        assert grads["dW2"].shape == (1, D_A1)
        assert isinstance(grads["db2"], float)


class TestBalancedClassWeights:
    def test_exam_dataset_gives_ratio_ten(self) -> None:
        alpha, beta = balanced_class_weights(10_000, 1_000)
        assert alpha / beta == 10.0
        assert beta == 1.0

    def test_each_class_contributes_equally(self) -> None:
        alpha, beta = balanced_class_weights(10_000, 1_000)
        assert alpha * 1_000 == beta * 10_000

    @pytest.mark.parametrize(("n_neg", "n_pos"), [(0, 5), (5, 0), (-1, 3)])
    def test_rejects_non_positive_counts(self, n_neg: int, n_pos: int) -> None:
        with pytest.raises(ValueError):
            balanced_class_weights(n_neg, n_pos)

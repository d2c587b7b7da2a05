"""Derived variables: expressions, reverse-mode gradients, recurrences and exact moments, declared not coded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.engine import reference as ref
from app.engine.errors import AuthorError
from app.engine.expression_check import ExpressionTask, check_expression
from app.engine.graph import VariableGraph
from app.engine.variables import VariableSpec, sample_trials


def spec(**fields: Any) -> VariableSpec:
    return VariableSpec.model_validate(fields)


SOFTMAX = {
    "x": spec(shape=["D", 1]),
    "W": spec(shape=["C", "D"]),
    "b": spec(shape=["C", 1]),
    "y": spec(shape=["C", 1], one_hot=True),
    "z": spec(expr="W x + b"),
    "p": spec(expr="softmax(z)"),
    "L": spec(expr="-sum(y * log_softmax(z))"),
    "dL_dz": spec(grad={"of": "L", "wrt": "z"}),
    "dL_dW": spec(grad={"of": "L", "wrt": "W"}),
    "dL_db": spec(grad={"of": "L", "wrt": "b"}),
}
DIMS = {"D": (2, 5), "C": (3, 6)}


def trials(variables: dict[str, VariableSpec], n: int = 4) -> list[Any]:
    graph = VariableGraph(variables, DIMS)
    return sample_trials(variables, DIMS, n, seed=3, derive=graph.evaluate)


def test_shapes_are_inferred() -> None:
    graph = VariableGraph(SOFTMAX, DIMS)
    assert graph.symbols["z"].shape == ("C", 1)
    assert graph.symbols["L"].shape == ()
    assert graph.symbols["dL_dW"].shape == ("C", "D")


def test_gradients_of_softmax_cross_entropy() -> None:
    for trial in trials(SOFTMAX):
        env = trial.env
        assert np.allclose(env["dL_dz"], env["p"] - env["y"])
        assert np.allclose(env["dL_dW"], (env["p"] - env["y"]) @ env["x"].T)
        assert np.allclose(env["dL_db"], env["p"] - env["y"])


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("p - y", "correct"),
        ("exp(z) / sum(exp(z)) - y", "correct"),
        ("sum(y) p - y", "correct"),
        ("softmax(W x + b) - y", "correct"),
        ("y - p", "incorrect"),
        ("p", "incorrect"),
    ],
)
def test_every_equivalent_form_is_graded_against_the_engines_gradient(answer: str, status: str) -> None:
    task = ExpressionTask(key=f"softmax-{answer}", variables=SOFTMAX, allowed=("x", "W", "b", "y", "z", "p"),
                          answer=None, target="dL_dz", answer_name="∂L/∂z", dims=DIMS)  # fmt: skip
    assert check_expression(task, answer).status == status


def test_the_gradient_with_respect_to_an_intermediate_variable() -> None:
    variables = {
        "x": spec(shape=["D", 1]), "W": spec(shape=["C", "D"]), "y": spec(choice=[0, 1]),
        "yhat": spec(expr="sigma(sum(W x))"), "L": spec(expr="y log(yhat) + (1 - y) log(1 - yhat)"),
        "d_yhat": spec(grad={"of": "L", "wrt": "yhat"}),
    }  # fmt: skip
    for trial in trials(variables):
        e = trial.env
        assert np.isclose(e["d_yhat"], e["y"] / e["yhat"] - (1 - e["y"]) / (1 - e["yhat"]))


MOMENTUM = {
    "theta0": spec(shape=["D", 1]),
    "g": spec(shape=["D", 1], family=True),
    "mu": spec(shape=["D", 1]),
    "t": spec(integer=[1, 6]),
    "epsilon": spec(uniform=[0.01, 0.5]),
    "alpha": spec(uniform=[0.1, 0.95]),
    "sigma": spec(positive=True),
    "theta_t": spec(recurrence={"steps": "t", "state": {
        "v": {"init": "0", "update": "alpha v - epsilon g[k]"},
        "theta": {"init": "theta0", "update": "theta + v"}}, "result": "theta"}),
    "v_t": spec(recurrence={"steps": "t", "state": {"v": {"init": "0", "update": "alpha v - epsilon g[k]"}},
                            "result": "v"}),
    "mean_theta": spec(expectation={"of": "theta_t", "random": {"theta0": {"mean": "0"}, "g": {"mean": "mu"}}}),
    "cov_v": spec(second_moment={"of": "v_t", "random": {"g": {"mean": "0", "covariance": "sigma^2 I"}}}),
}  # fmt: skip


def test_a_recurrence_is_the_optimizer_run() -> None:
    for trial in trials(MOMENTUM, 6):
        e = trial.env
        grads = [np.asarray(e["g"][k]).reshape(-1, 1) for k in range(1, round(e["t"]) + 1)]
        assert np.allclose(e["theta_t"], ref.momentum_unrolled(e["theta0"], grads, e["epsilon"], e["alpha"]))


def test_moments_are_exact() -> None:
    for trial in trials(MOMENTUM, 6):
        e, t, d = trial.env, round(trial.env["t"]), trial.dims["D"]
        assert np.allclose(e["mean_theta"], ref.momentum_expected_theta(e["mu"], t, e["epsilon"], e["alpha"]))
        want = ref.momentum_velocity_covariance(t, e["epsilon"], e["alpha"], e["sigma"], d)
        assert np.allclose(e["cov_v"], want)


def test_adam_with_bias_correction_as_a_recurrence() -> None:
    variables = {
        "theta0": spec(shape=["D", 1]), "g": spec(shape=["D", 1], family=True), "t": spec(integer=[1, 5]),
        "epsilon": spec(uniform=[0.01, 0.5]), "beta1": spec(uniform=[0.5, 0.95]), "beta2": spec(uniform=[0.9, 0.999]),
        "nu": spec(choice=[1e-8]),
        "theta_t": spec(recurrence={"steps": "t", "state": {
            "v": {"init": "0", "update": "beta1 v + (1 - beta1) g[k]"},
            "a": {"init": "0", "update": "beta2 a + (1 - beta2) g[k] * g[k]"},
            "theta": {"init": "theta0",
                      "update": "theta - epsilon / (sqrt(a / (1 - beta2^k)) + nu) * v / (1 - beta1^k)"}},
            "result": "theta"}),
    }  # fmt: skip
    for trial in trials(variables, 5):
        e = trial.env
        theta, v, a = e["theta0"], np.zeros_like(e["theta0"]), np.zeros_like(e["theta0"])
        for k in range(1, round(e["t"]) + 1):
            theta, v, a = ref.adam_step(theta, v, a, np.asarray(e["g"][k]), k, e["epsilon"], e["beta1"], e["beta2"],
                                        e["nu"])  # fmt: skip
        assert np.allclose(e["theta_t"], theta)


@pytest.mark.parametrize(
    ("rule", "check"),
    [
        ({"one_hot": True}, lambda v: sorted(v.ravel().tolist())[-1] == 1 and v.sum() == 1),
        ({"simplex": True}, lambda v: np.all(v > 0) and np.isclose(v.sum(), 1)),
        ({"bernoulli": 0.5}, lambda v: set(v.ravel().tolist()) <= {0.0, 1.0}),
    ],
)
def test_sampling_rules_for_vectors(rule: dict[str, Any], check: Any) -> None:
    variables = {"v": spec(shape=["C", 1], **rule)}
    for trial in sample_trials(variables, DIMS, 8, seed=1):
        assert check(trial.env["v"])


def test_symmetric_positive_definite_matrices() -> None:
    for trial in sample_trials({"A": spec(shape=["D", "D"], spd=True)}, DIMS, 8, seed=1):
        a = trial.env["A"]
        assert np.allclose(a, a.T) and np.min(np.linalg.eigvalsh(a)) > 0


def test_a_small_integer_range_takes_every_value() -> None:
    drawn = {trial.env["t"] for trial in sample_trials({"t": spec(integer=[1, 7])}, {}, 12, seed=5)}
    assert drawn == {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0}


def test_a_gradient_needs_a_scalar_that_depends_on_wrt() -> None:
    with pytest.raises(AuthorError, match="must be a scalar"):
        VariableGraph({**SOFTMAX, "bad": spec(grad={"of": "z", "wrt": "W"})}, DIMS)
    with pytest.raises(AuthorError, match="L does not depend on y2"):
        VariableGraph({**SOFTMAX, "y2": spec(), "bad": spec(grad={"of": "L", "wrt": "y2"})}, DIMS)


def test_every_fourth_trial_puts_what_feeds_a_relu_beside_its_kink() -> None:
    variables = {"x": spec(shape=["D", 1]), "W": spec(shape=["C", "D"]), "b": spec(shape=["C", 1]),
                 "z": spec(expr="W x + b"), "h": spec(expr="relu(z)")}  # fmt: skip
    graph = VariableGraph(variables, DIMS)
    assert graph.kinks() == [("z", 0.0)]
    trials = sample_trials(variables, DIMS, 12, seed=4, derive=graph.evaluate, near_kinks=graph.near_kinks)
    beside = [np.abs(t.env["z"]) for t in trials[3::4]]
    assert all(np.any((a >= 1e-6 * 0.999) & (a <= 1e-2)) for a in beside)
    signs = {float(np.sign(v)) for t in trials[3::4] for v in t.env["z"].ravel() if abs(v) <= 1e-2}
    assert signs == {-1.0, 1.0}


def test_reals_over_orders_of_magnitude_are_spread_over_them() -> None:
    drawn = [t.env["lr"] for t in sample_trials({"lr": spec(uniform=[0.001, 2])}, {}, 200, seed=2)]
    assert min(drawn) < 0.01 and max(drawn) > 1
    assert all(0.001 <= v <= 2 for v in drawn)


def test_a_moment_is_checked_to_be_exact() -> None:
    graph = VariableGraph(MOMENTUM, DIMS)
    rng = np.random.default_rng(0)
    trial = sample_trials(MOMENTUM, DIMS, 1, seed=9, derive=graph.evaluate)[0]
    assert graph.is_affine("mean_theta", trial.env, trial.dims, rng)
    assert graph.is_affine("cov_v", trial.env, trial.dims, rng)
    squared = {
        **MOMENTUM,
        "sq": spec(expr="theta_t * theta_t"),
        "mean_sq": spec(expectation={"of": "sq", "random": {"theta0": {"mean": "0"}, "g": {"mean": "mu"}}}),
    }
    graph = VariableGraph(squared, DIMS)
    trial = sample_trials(squared, DIMS, 1, seed=9, derive=graph.evaluate)[0]
    assert not graph.is_affine("mean_sq", trial.env, trial.dims, rng)

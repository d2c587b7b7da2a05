"""Evaluating an answer on all the trials of a check at once, as a specification: whatever is stacked (scalars
into vectors, same-shaped matrices into stacks, the terms of a sum), every trial gets what `evaluate` gives it alone.
"""

from __future__ import annotations

import numpy as np
import pytest

from app.engine.batch import TrialStacks, evaluate_trials
from app.engine.errors import EvaluationError
from app.engine.evaluate import evaluate
from app.engine.names import resolve
from app.engine.parse import parse
from app.engine.scope import Scope, Symbol

# -- scalar answers: the trials stacked into vectors -----------------------------------------------------------------

SCALAR_ANSWERS = [
    "alpha y / yhat - beta (1 - y) / (1 - yhat)",
    "alpha y (1 - yhat) - beta (1 - y) yhat",
    "sigmoid(alpha) (y > 0) + max(alpha, beta) - min(y, 0.5)",
    "exp(-alpha) + log(beta) + sqrt(beta) + abs(y - 1) + sign(y - 0.5) + tanh(alpha) + relu(y - 0.5)",
    "heaviside(y - 0.5) + alpha^y + 2^-beta",
    "(alpha >= beta) + (alpha <= beta) - (y < 1)",
    "alpha.T beta'",
    "3",
]


@pytest.mark.parametrize("text", SCALAR_ANSWERS)
def test_batched_trials_agree_with_one_by_one(text: str) -> None:
    rng = np.random.default_rng(7)
    envs = [
        {
            "alpha": float(rng.uniform(0.5, 2)),
            "beta": float(rng.uniform(0.5, 2)),
            "y": float(k % 2),
            "yhat": float(rng.uniform(0.1, 0.9)),
        }
        for k in range(6)
    ]
    node = parse(text)
    batched = evaluate_trials(node, envs)
    assert all(isinstance(v, float) for v in batched)
    np.testing.assert_allclose(batched, [evaluate(node, env) for env in envs])


@pytest.mark.parametrize(
    "text",
    [
        "sum(alpha^k, k, 1, 3 y + 2)",  # bounds that differ by trial
        "sum(beta^k, k, 3 y, 2)",  # empty in some trials
        "sum(sum(beta^(j - i), i, 1, j), j, 0, 3 y + 1)",  # an inner sum whose bounds depend on the outer index
        "sum(sum(alpha^(i - j) / 2^i, i, 1, 100), j, 1, 100)",  # too many pairs to stack: term by term
        "sum(k alpha, k, 1, 2) + k",  # outside the sum, k is not its index: an unknown name here
    ],
)
def test_sums_on_stacked_trials_agree_with_one_by_one(text: str) -> None:
    rng = np.random.default_rng(11)
    envs = [
        {"alpha": float(rng.uniform(0.5, 2)), "beta": float(rng.uniform(0.5, 2)), "y": float(i % 2), "k": 7.0}
        for i in range(6)
    ]
    node = parse(text)
    batched = evaluate_trials(node, envs)
    assert all(isinstance(v, float) for v in batched)
    np.testing.assert_allclose(batched, [evaluate(node, env) for env in envs], rtol=1e-12)


def test_a_sum_on_stacked_trials_counts_its_work_like_the_loop() -> None:
    envs = [{"a": 1.0}, {"a": 2.0}]
    with pytest.raises(EvaluationError, match="too much work"):
        evaluate_trials(parse("sum(sum(a, j, 1, 1000), k, 1, 1000)"), envs)
    assert evaluate_trials(parse("sum(sum(a, j, 1, 300), k, 1, 300)"), envs) == [90000.0, 180000.0]


def test_a_reduction_is_never_batched_across_trials() -> None:
    envs = [{"a": 1.0}, {"a": 5.0}]
    assert evaluate_trials(parse("max(a)"), envs) == [1.0, 5.0]


@pytest.mark.parametrize(
    "text",
    [
        "a sum(b^k, k, 1, n) v",  # scalar parts computed once over the trials, the rest per trial
        "sum(k v, k, 1, n)",  # the index shadows a variable of the same name: never computed from it
        "k v - sum(k^2, k, n, 3) v",  # bounds that differ by trial, and empty sums
        "(a > b) sum((1 - b^j) / (1 - b), j, 1, n) M v",
        "sum(sum(b^(j - i), i, 1, j), j, 1, n)",
    ],
)
def test_evaluating_on_all_trials_at_once_agrees_with_trial_by_trial(text: str) -> None:
    scope = Scope.of(Symbol("a"), Symbol("b"), Symbol("k"), Symbol("n"), Symbol("v", ("p", 1)),
                     Symbol("M", ("p", "p")))  # fmt: skip
    node = resolve(parse(text, scope.symbols.keys()), scope)
    rng = np.random.default_rng(5)
    envs = [
        {"a": float(rng.normal()), "b": float(rng.uniform(0.2, 0.9)), "k": float(rng.normal()), "n": float(n),
         "v": rng.normal(size=(3, 1)), "M": rng.normal(size=(3, 3))}
        for n in (0, 1, 2, 4, 5)
    ]  # fmt: skip
    together = evaluate_trials(node, envs)
    one_by_one = [evaluate(node, env) for env in envs]
    for got, want in zip(together, one_by_one, strict=True):
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12)


# -- matrix answers: same-shaped trials stacked into n × rows × cols ------------------------------------------------

MATRIX_SCOPE = Scope.of(
    Symbol("a"), Symbol("t"), Symbol("x", ("n", 1)), Symbol("W", ("m", "n")), Symbol("A", ("n", "n")),
    Symbol("g", ("n", 1), "family"), Symbol("I", ("n", "n"), "identity"),
)  # fmt: skip

MATRIX_ANSWERS = [
    "W x",
    "x.T x",  # 1 × 1: a number in each trial
    "(x.T x) W - a W",
    "W.T ((W x > 0) * relu(W x))",
    "A^2 x + A^(-1) x - (a I)^(-1) x",  # matrix powers, one per trial of the stack
    "A^t x",  # a matrix power whose exponent differs by trial
    "x^2 - exp(-x) / (1 + a^2)",  # entry by entry
    "max(W x, 0) + min(x.T, a) x",
    "a sum(a^k, k, 1, t) x - 2",  # a scalar part hoisted, the rest stacked
    "0",  # the same value in every trial
    "x - x",
]


def _matrix_trials() -> list[dict[str, object]]:
    """Twelve trials, in four groups of sizes (two trials alone), in mixed order."""
    rng = np.random.default_rng(3)
    sizes = [(2, 3), (4, 1), (2, 3), (3, 2), (2, 3), (4, 1), (5, 5), (3, 2), (4, 1), (2, 3), (3, 2), (1, 4)]
    return [
        {"a": float(rng.uniform(0.5, 2)), "t": float(k % 4), "x": rng.normal(size=(n, 1)),
         "W": rng.normal(size=(m, n)), "A": rng.normal(size=(n, n)) + 3 * np.eye(n), "I": np.eye(n)}
        for k, (m, n) in enumerate(sizes)
    ]  # fmt: skip


@pytest.mark.parametrize("text", MATRIX_ANSWERS)
def test_same_shaped_trials_stacked_agree_with_one_by_one(text: str) -> None:
    node = resolve(parse(text, MATRIX_SCOPE.symbols.keys()), MATRIX_SCOPE)
    envs = _matrix_trials()
    together = evaluate_trials(node, envs)
    for got, want in zip(together, [evaluate(node, env) for env in envs], strict=True):
        assert type(got) is type(want)  # a 1 × 1 result is a float, as on its own
        assert np.shape(got) == np.shape(want)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_trials_are_grouped_by_the_shapes_of_their_matrices() -> None:
    kept = TrialStacks()
    evaluate_trials(resolve(parse("W x", MATRIX_SCOPE.symbols.keys()), MATRIX_SCOPE), _matrix_trials(), kept)
    groups = kept.groups[frozenset({"W", "x"})]  # by the shapes of the names the answer reads
    assert [members.tolist() for members in groups] == [[0, 2, 4, 9], [1, 5, 8], [3, 7, 10], [6], [11]]


@pytest.mark.parametrize(
    "text",
    [
        "sum(g[k], k, 1, t) + x",  # family members: trial by trial
        "sum(a^k x, k, 1, t)",  # a sum of matrices
        "sum(x) x",  # a reduction of entries
    ],
)
def test_what_cannot_be_stacked_runs_trial_by_trial(text: str) -> None:
    node = resolve(parse(text, MATRIX_SCOPE.symbols.keys()), MATRIX_SCOPE)
    envs = [{**env, "g": _Family(np.shape(env["x"]))} for env in _matrix_trials()]
    together = evaluate_trials(node, envs)
    for got, want in zip(together, [evaluate(node, env) for env in envs], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


class _Family:
    """g[k]: a column of k's, of the trial's size."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape

    def __getitem__(self, k: int) -> np.ndarray:
        return np.full(self.shape, float(k))

"""Numeric evaluation, as a specification: what every construct computes (NumPy, float64), and the guards that keep
any answer from running long.

Values are Python floats (scalars and 1×1 results) or 2-D arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from app.engine.batch import evaluate_trials
from app.engine.errors import EvaluationError
from app.engine.evaluate import (
    MAX_EXPONENT,
    MAX_INDEX,
    MAX_STEPS,
    MAX_SUM_TERMS,
    as_value,
    check_constant_exponents,
    evaluate,
)
from app.engine.names import resolve
from app.engine.parse import parse
from app.engine.scope import Scope, Symbol


class Family:
    """g[k] = [k, -k]ᵀ."""

    def __getitem__(self, k: int) -> np.ndarray:
        return np.array([[float(k)], [-float(k)]])


ENV: dict[str, Any] = {
    "a": 2.0,
    "b": 3.0,
    "z": -1.5,
    "u": np.array([[1.0], [2.0]]),
    "w": np.array([[-1.0], [3.0]]),
    "r": np.array([[1.0, -1.0]]),
    "A": np.array([[1.0, 2.0], [3.0, 4.0]]),
    "I": np.eye(2),
    "g": Family(),
}


def value(text: str, env: dict[str, Any] = ENV) -> Any:
    return evaluate(parse(text), env)


VALUES: list[tuple[str, Any]] = [
    # arithmetic, precedence, associativity
    ("1 + 2 * 3", 7.0),
    ("(1 + 2) * 3", 9.0),
    ("8 / 4 / 2", 1.0),
    ("a - b - 1", -2.0),
    ("2^3^2", 512.0),
    ("(2^3)^2", 64.0),
    ("2**3", 8.0),
    ("-2^2", -4.0),
    ("(-2)^2", 4.0),
    ("2^-1", 0.5),
    ("4^0.5", 2.0),
    ("--a", 2.0),
    ("+a", 2.0),
    # implicit multiplication: as tight as * and /, left to right
    ("2 a b", 12.0),
    ("a b / 2", 3.0),
    ("6 / a b", 9.0),
    ("1/2 a", 1.0),
    ("2a^2", 8.0),
    ("a.5", 1.0),  # a number may start with its point: a times 0.5
    # numbers
    ("1e-3", 0.001),
    ("1E3", 1000.0),
    (".5", 0.5),
    ("2.", 2.0),
    # indicators
    ("(a > 1)", 1.0),
    ("(a > 2)", 0.0),
    ("(a >= 2)", 1.0),
    ("(a < 2)", 0.0),
    ("(a <= 2)", 1.0),
    ("(a > 1)(b < 1)", 0.0),
    ("(w > 0)", [[0.0], [1.0]]),
    # functions
    ("exp(0)", 1.0),
    ("log(1)", 0.0),
    ("ln(1)", 0.0),
    ("sqrt(4)", 2.0),
    ("abs(z)", 1.5),
    ("sign(z)", -1.0),
    ("sign(0)", 0.0),
    ("tanh(0)", 0.0),
    ("sigma(0)", 0.5),
    ("sigmoid(0)", 0.5),
    ("sigmoid(1000)", 1.0),
    ("sigmoid(-1000)", 0.0),
    ("relu(z)", 0.0),
    ("relu(a)", 2.0),
    ("relu(w)", [[0.0], [3.0]]),
    ("heaviside(0)", 0.0),
    ("heaviside(w)", [[0.0], [1.0]]),
    ("max(a, b)", 3.0),
    ("min(a, b)", 2.0),
    ("max(w, 0)", [[0.0], [3.0]]),
    ("max(A)", 4.0),
    ("min(A)", 1.0),
    ("sum(A)", 10.0),
    ("trace(A)", 5.0),
    ("trace(a)", 2.0),
    ("trace(u.T u)", 5.0),
    ("diag(A)", [[1.0], [4.0]]),
    ("diag(u)", [[1.0, 0.0], [0.0, 2.0]]),
    ("diag(r)", [[1.0, 0.0], [0.0, -1.0]]),
    ("diag(a)", 2.0),
    # matrices
    ("A u", [[5.0], [11.0]]),
    ("A @ u", [[5.0], [11.0]]),
    ("u.T u", 5.0),
    ("r u", -1.0),
    ("u u.T", [[1.0, 2.0], [2.0, 4.0]]),
    ("A.T", [[1.0, 3.0], [2.0, 4.0]]),
    ("A'", [[1.0, 3.0], [2.0, 4.0]]),
    ("A^T", [[1.0, 3.0], [2.0, 4.0]]),
    ("a u", [[2.0], [4.0]]),
    ("u a", [[2.0], [4.0]]),
    ("A * u", [[1.0, 2.0], [6.0, 8.0]]),
    ("A * r", [[1.0, -2.0], [3.0, -4.0]]),
    ("u * r", [[1.0, -1.0], [2.0, -2.0]]),
    ("A ⊙ A", [[1.0, 4.0], [9.0, 16.0]]),
    ("odot(u, w)", [[-1.0], [6.0]]),
    ("A^2", [[7.0, 10.0], [15.0, 22.0]]),  # a square matrix: the matrix power
    ("A^(-1)", [[-2.0, 1.0], [1.5, -0.5]]),
    ("A ⊙ A - A^2 + A A", [[1.0, 4.0], [9.0, 16.0]]),
    ("2^u", [[2.0], [4.0]]),
    ("A + 1", [[2.0, 3.0], [4.0, 5.0]]),
    ("A I", [[1.0, 2.0], [3.0, 4.0]]),
    ("u / u", [[1.0], [1.0]]),
    # sums and families
    ("sum(k, k, 1, 4)", 10.0),
    ("sum(k^2, k, 1, 3)", 14.0),
    ("sum(k, k, -2, 2)", 0.0),
    ("sum(1, k, 3, 3)", 1.0),
    ("sum(1, k, 3, 2)", 0.0),  # empty
    ("sum(sum(1, j, 1, k), k, 1, 4)", 10.0),
    ("sum(a^k, k, 0, 2)", 7.0),
    ("g[1]", [[1.0], [-1.0]]),
    ("g[a + 1]", [[3.0], [-3.0]]),
    ("g[u.T u]", [[5.0], [-5.0]]),
    ("sum(g[k], k, 1, 3)", [[6.0], [-6.0]]),
    ("sum(k u, k, 1, 2)", [[3.0], [6.0]]),
    ("sum(a, a, 1, 3) + a", 8.0),  # the index shadows `a` inside the sum only
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=t) for t, e in VALUES])
def test_values(text: str, expected: Any) -> None:
    got = value(text)
    if isinstance(expected, float):
        assert isinstance(got, float)
        assert got == pytest.approx(expected)
    else:
        assert isinstance(got, np.ndarray) and got.ndim == 2
        np.testing.assert_allclose(got, np.array(expected))


@pytest.mark.parametrize("text", ["1/0", "-1/0", "0/0", "log(0)", "log(-1)", "sqrt(-1)", "exp(1000)", "log(0) * 0"])
def test_non_finite_results_are_values_not_exceptions(text: str) -> None:
    assert not np.isfinite(value(text))  # the checker turns these into an `invalid` verdict


def test_a_1x1_result_is_a_float() -> None:
    assert isinstance(value("r u"), float)
    assert isinstance(value("u.T A u"), float)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(np.float64(2.5), 2.5, id="numpy-scalar"),
        pytest.param(np.array([[2.5]]), 2.5, id="1x1"),
        pytest.param(np.array([2.5]), 2.5, id="1-element-vector"),
        pytest.param(np.array(2.5), 2.5, id="0-d"),
        pytest.param(3, 3.0, id="int"),
    ],
)
def test_as_value_makes_scalars_floats(raw: Any, expected: float) -> None:
    got = as_value(raw)
    assert isinstance(got, float) and got == expected


def test_as_value_keeps_matrices_and_batched_vectors() -> None:
    assert as_value(np.ones((2, 3))).shape == (2, 3)
    assert as_value(np.ones(3)).shape == (1, 3)
    assert as_value(np.ones(3), batched=True).shape == (3,)


# -- guards: exact messages and positions -------------------------------------------------------------------------

GUARDS = [
    ("2^1001", "The exponent is too large (more than 1000).", 2),
    ("a^1001", "The exponent is too large (more than 1000).", 2),
    ("a^(-1001)", "The exponent is too large (more than 1000).", 2),
    ("u^(10^10)", "The exponent is too large (more than 1000).", 2),
    ("2^(2^10)", "The exponent is too large (more than 1000).", 2),
    ("sum(1, k, 1, 1001)", "A sum may have at most 1000 terms.", 0),
    ("sum(1, k, 0, 1000)", "A sum may have at most 1000 terms.", 0),
    ("2 sum(g[k], k, 1, 10^6)", "A sum's upper bound may be at most 10000.", 18),
    ("sum(1, k, 1, 10001)", "A sum's upper bound may be at most 10000.", 13),
    ("sum(1, k, -10001, 1)", "A sum's lower bound may be at most 10000.", 10),
    ("sum(1, k, 1, 2.5)", "A sum's upper bound must be a whole number, but `2.5` is not.", 13),
    ("sum(1, k, 0.5, 2)", "A sum's lower bound must be a whole number, but `0.5` is not.", 10),
    ("sum(1, k, 1, 1/0)", "A sum's upper bound must be a whole number, but `inf` is not.", 13),
    ("sum(1, k, 1, 0/0)", "A sum's upper bound must be a whole number, but `nan` is not.", 13),
    ("g[1001]", "An index may be at most 1000.", 2),
    ("g[-1001]", "An index may be at most 1000.", 2),
    ("g[0.5]", "An index must be a whole number, but `0.5` is not.", 2),
    ("g[a / 3]", "An index must be a whole number, but `0.6667` is not.", 2),
    ("sum(sum(a, j, 1, 1000), k, 1, 1000)", "Your answer takes too much work to evaluate; simplify it.", 4),
    (
        "sum(sum(sum(a, i, 1, 100), j, 1, 100), k, 1, 100)",
        "Your answer takes too much work to evaluate; simplify it.",
        8,
    ),
]


@pytest.mark.parametrize(("text", "message", "position"), [pytest.param(*g, id=g[0]) for g in GUARDS])
def test_guards(text: str, message: str, position: int) -> None:
    with pytest.raises(EvaluationError) as caught:
        value(text)
    assert (caught.value.code, caught.value.message, caught.value.position) == ("evaluation", message, position)


@pytest.mark.parametrize(
    "text",
    [
        "2^1000",
        "a^(-1000)",
        "sum(1, k, 1, 1000)",
        "sum(1, k, 9001, 10000)",
        "g[1000]",
        "g[-1000]",
        "sum(sum(a, j, 1, 300), k, 1, 300)",
    ],
)
def test_just_within_the_guards(text: str) -> None:
    value(text)


def test_guard_constants() -> None:
    assert (MAX_STEPS, MAX_SUM_TERMS, MAX_INDEX, MAX_EXPONENT) == (200_000, 1000, 1000, 1000.0)


@pytest.mark.parametrize(
    ("text", "position"),
    [pytest.param("9^9^9^9", 4, id="tower"), pytest.param("x^(2^2^2^2^2)", 5, id="tower-in-an-exponent")],
)
def test_constant_towers_are_rejected_before_any_other_work(text: str, position: int) -> None:
    with pytest.raises(EvaluationError) as caught:
        check_constant_exponents(parse(text))  # no names needed: `x` is never looked up
    assert (caught.value.message, caught.value.position) == ("The exponent is too large (more than 1000).", position)


@pytest.mark.parametrize("text", ["2^(2^10)", "x^(10^10)", "exp(1000)^2", "x^y^z", "sum(2^k, k, 1, 3)"])
def test_constant_exponent_check_only_evaluates_exponents(text: str) -> None:
    check_constant_exponents(parse(text))  # each exponent alone is computable; evaluation guards the rest


def test_an_empty_sum_is_a_zero_of_its_bodys_shape() -> None:
    got = value("sum(u, k, 2, 1)")
    assert isinstance(got, np.ndarray) and got.shape == (2, 1) and not got.any()


def test_a_product_with_an_empty_sum_has_the_products_shape() -> None:
    assert np.shape(value("r sum(u, k, 2, 1)")) == ()


@pytest.mark.parametrize("n", [0, 1, 3])
def test_a_sum_of_sums_on_every_pair_of_indices_agrees_with_the_loops(n: int) -> None:
    scope = Scope.of(Symbol("b"), Symbol("n"), Symbol("g", ("p", 1), "family"))
    node = resolve(parse("sum(sum(b^(j - k) g[k], k, 1, j), j, 1, n)", scope.symbols.keys()), scope)
    env = {"b": 0.7, "n": float(n), "g": Family()}
    plan_free = sum(
        (0.7 ** (j - k)) * np.array([[k], [-k]], dtype=float) for j in range(1, n + 1) for k in range(1, j + 1)
    )
    assert np.allclose(evaluate_trials(node, [env, env])[0], plan_free if n else 0.0)

"""Reverse mode through the operators: every gradient agrees with central finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from app.engine.autodiff import backpropagate
from app.engine.evaluate import evaluate
from tests.engine.test_functions import _env, _finite_differences, _read


@pytest.mark.parametrize(
    ("text", "wrt"),
    [
        ("A x + y", ("A", "x", "y")),
        ("x.T A y", ("A", "x", "y")),
        ("s x - y / (s^2 + 2)", ("s", "x", "y")),
        ("x * y ⊙ x", ("x", "y")),
        ("(s^2 + 1)^s", ("s",)),
        ("A^3 x", ("A", "x")),
        ("(A A.T + I)^(-2) x", ("A",)),
        ("-(x.T x) (x > 0)", ("x",)),
        ("sum(s^k x, k, 1, 4)", ("s", "x")),
    ],
)
def test_operators_agree_with_finite_differences(text: str, wrt: tuple[str, ...]) -> None:
    node, _ = _read(text)
    env = _env(np.random.default_rng(3))
    value = np.asarray(evaluate(node, env))
    weights = np.random.default_rng(2).normal(size=value.shape) if value.ndim else 1.0
    grads = backpropagate(node, env, weights)
    for name in wrt:
        assert np.allclose(grads[name], _finite_differences(node, env, name, weights), rtol=1e-5, atol=1e-6), name

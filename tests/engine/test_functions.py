"""Every function of the answer language, walked through every stage: parse → shape → evaluate → derivative
(against central finite differences) → LaTeX → SymPy. A function added to the registry without a row here fails."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sympy

from app.engine.autodiff import backpropagate, central_differences
from app.engine.evaluate import evaluate
from app.engine.functions import FUNCTIONS
from app.engine.latex import to_latex
from app.engine.names import resolve
from app.engine.parse import parse
from app.engine.scope import Scope, Symbol
from app.engine.shapes import infer_shape
from app.engine.symbolic import to_sympy

SCOPE = Scope.of(
    Symbol("x", ("n", 1)),
    Symbol("y", ("n", 1)),
    Symbol("A", ("n", "n")),
    Symbol("M", ("n", "m")),
    Symbol("s"),
    Symbol("u", (6, 1)),
    Symbol("w", (3, 1)),
)
# One call per registered function: (expression, expected shape, the names to differentiate it by).
CALLS: dict[str, tuple[str, tuple[Any, ...], tuple[str, ...]]] = {
    "exp": ("exp(x)", ("n", 1), ("x",)),
    "log": ("log(s^2 + 1)", (), ("s",)),
    "ln": ("ln(s^2 + 1)", (), ("s",)),
    "sqrt": ("sqrt(s^2 + 1)", (), ("s",)),
    "abs": ("abs(x)", ("n", 1), ("x",)),
    "sign": ("sign(x)", ("n", 1), ("x",)),
    "tanh": ("tanh(M)", ("n", "m"), ("M",)),
    "sigma": ("sigma(x)", ("n", 1), ("x",)),
    "sigmoid": ("sigmoid(s)", (), ("s",)),
    "relu": ("relu(x)", ("n", 1), ("x",)),
    "heaviside": ("heaviside(x)", ("n", 1), ("x",)),
    "floor": ("floor(3 x)", ("n", 1), ("x",)),
    "ceil": ("ceil(3 x)", ("n", 1), ("x",)),
    "round": ("round(3 x)", ("n", 1), ("x",)),
    "mod": ("mod(x, 0.7)", ("n", 1), ("x",)),
    "max": ("max(x, y)", ("n", 1), ("x", "y")),
    "min": ("min(M)", (), ("M",)),
    "sum": ("sum(M)", (), ("M",)),
    "mean": ("mean(M)", (), ("M",)),
    "softmax": ("softmax(x)", ("n", 1), ("x",)),
    "log_softmax": ("log_softmax(M)", ("n", "m"), ("M",)),
    "logsumexp": ("logsumexp(x)", (), ("x",)),
    "norm": ("norm(M, inf) + norm(x, 1) + norm(x)", (), ("M", "x")),
    "outer": ("outer(x, y)", ("n", "n"), ("x", "y")),
    "inv": ("inv(A A.T + I)", ("n", "n"), ("A",)),
    "diag": ("diag(x) + diag(diag(A))", ("n", "n"), ("x", "A")),
    "trace": ("trace(A)", (), ("A",)),
    "conv1d": ("conv1d(u, w)", (4, 1), ("u", "w")),
    "flip": ("flip(w)", (3, 1), ("w",)),
    "pad": ("pad(w, 2)", (7, 1), ("w",)),
    "conv_out": ("conv_out(32, 3, 2, 1, 1)", (), ()),
    "rows": ("rows(M)", (), ()),
    "cols": ("cols(M)", (), ()),
}


def test_every_registered_function_has_a_row() -> None:
    assert set(FUNCTIONS) == set(CALLS)


def _env(rng: np.random.Generator) -> dict[str, Any]:
    n, m = 4, 3
    return {
        "x": rng.normal(size=(n, 1)), "y": rng.normal(size=(n, 1)), "A": rng.normal(size=(n, n)),
        "M": rng.normal(size=(n, m)), "s": float(rng.normal()), "u": rng.normal(size=(6, 1)),
        "w": rng.normal(size=(3, 1)), "I": np.eye(n),
    }  # fmt: skip


def _read(text: str) -> Any:
    scope = Scope({**SCOPE.symbols, "I": Symbol("I", ("n", "n"), "identity")})
    return resolve(parse(text, scope.symbols.keys()), scope), scope


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_function_through_every_stage(name: str) -> None:
    text, shape, wrt = CALLS[name]
    node, scope = _read(text)
    assert infer_shape(node, scope, text) == shape
    env = _env(np.random.default_rng(7))
    value = evaluate(node, env)
    assert np.all(np.isfinite(value))
    assert to_latex(node, scope)
    assert isinstance(to_sympy(node, scope), sympy.Basic)
    weights = np.random.default_rng(1).normal(size=np.shape(value)) if np.ndim(value) else 1.0
    grads = backpropagate(node, env, weights)
    for variable in wrt:
        numeric = _finite_differences(node, env, variable, weights)
        assert np.allclose(grads.get(variable, 0.0), numeric, rtol=1e-5, atol=1e-6), variable


def _finite_differences(node: Any, env: dict[str, Any], name: str, weights: Any) -> Any:
    """∂⟨weights, node⟩/∂name by central differences."""
    return central_differences(
        lambda v: float(np.sum(weights * np.asarray(evaluate(node, {**env, name: v})))), env[name]
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("conv_out(256, 3, 1, 1, 1)", 256.0),
        ("conv_out(96, 3, 3, 1, 1)", 32.0),
        ("conv_out(10, 3, 2, 0, 2)", 3.0),
        ("round(2.5) + round(-2.5)", 1.0),
        ("mod(7, 3) + floor(-0.5) + ceil(0.5)", 1.0),
        ("norm(diag(diag(I)), inf)", 1.0),
    ],
)
def test_values_students_know(text: str, value: float) -> None:
    node, _ = _read(text)
    assert evaluate(node, _env(np.random.default_rng(0))) == value

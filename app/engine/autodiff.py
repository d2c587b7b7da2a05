"""Reverse-mode differentiation of one syntax tree, in NumPy float64.

`backpropagate(node, env, grad_out)` returns, for every name the tree reads, the gradient of
⟨grad_out, value(node)⟩ with respect to that name's value: the vector-Jacobian product that reverse mode
chains from the loss back to the inputs. Each function's own derivative comes from the function registry
(`app.engine.functions`); the operators are differentiated here. Indicators (`z > 0`) and integer-valued
functions have zero derivative almost everywhere, as in every deep-learning framework.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from app.engine.evaluate import Value, _Evaluator, is_square
from app.engine.functions import FUNCTIONS, unbroadcast
from app.engine.syntax import Binary, Call, Compare, Index, Name, Neg, Node, Num, Sum, Transpose


class _Recorder(_Evaluator):
    """The evaluator, remembering the value of every node it computes (the forward pass of reverse mode)."""

    def __init__(self, env: Mapping[str, Any]) -> None:
        super().__init__(env)
        self.values: dict[int, Value] = {}

    def value(self, node: Node) -> Value:
        result = super().value(node)
        self.values[id(node)] = result
        return result


def backpropagate(node: Node, env: Mapping[str, Any], grad_out: Value) -> dict[str, Value]:
    """Gradients of ⟨grad_out, node⟩ with respect to every name the tree reads (summation indices excluded)."""
    grads: dict[str, Value] = defaultdict(float)
    with np.errstate(all="ignore"):
        tape = _Recorder(env)
        tape.value(node)
        _Backward(tape, grads).back(node, grad_out)
    return dict(grads)


def _reads_a_name(node: Node) -> bool:
    return any(isinstance(sub, Name | Index) for sub in node.walk())


class _Backward:
    def __init__(self, tape: _Recorder, grads: dict[str, Value]) -> None:
        self.tape, self.grads = tape, grads

    def val(self, node: Node) -> Value:
        return self.tape.values[id(node)]

    def back(self, node: Node, g: Value) -> None:
        if isinstance(node, Num | Compare | Index):
            return  # constants, indicators (zero derivative) and family members (never differentiated)
        if isinstance(node, Name):
            if node.name in self.tape.env and not isinstance(self.tape.env[node.name], float | np.ndarray):
                return
            self.grads[node.name] = self.grads[node.name] + g
        elif isinstance(node, Neg):
            self.back(node.operand, -g)
        elif isinstance(node, Transpose):
            self.back(node.operand, g.T if isinstance(g, np.ndarray) else g)
        elif isinstance(node, Binary):
            self.binary(node, g)
        elif isinstance(node, Call):
            self.call(node, g)
        elif isinstance(node, Sum):
            self.sum(node, g)
        else:  # pragma: no cover - the parser builds no other nodes
            raise TypeError(f"unknown node {node!r}")

    def to(self, node: Node, g: Value) -> None:
        """Send `g` to a child, summed down to the child's own shape (1×1 as a float)."""
        if _reads_a_name(node):
            value = self.val(node)
            g = unbroadcast(g, value)
            if not isinstance(value, np.ndarray) and isinstance(g, np.ndarray):
                g = float(np.sum(g))
            self.back(node, g)

    def binary(self, node: Binary, g: Value) -> None:
        a, b = self.val(node.left), self.val(node.right)
        op = node.op
        if op in ("juxt", "@") and isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.ndim == b.ndim == 2:
            g = np.reshape(g, (a.shape[0], b.shape[1]))  # a 1×1 product is a float
            self.to(node.left, g @ b.T)
            self.to(node.right, a.T @ g)
        elif op in ("juxt", "@", "*", "⊙"):
            self.to(node.left, g * b)
            self.to(node.right, g * a)
        elif op == "+":
            self.to(node.left, g)
            self.to(node.right, g)
        elif op == "-":
            self.to(node.left, g)
            self.to(node.right, -g)
        elif op == "/":  # np.divide: a zero divisor gives inf, not a ZeroDivisionError on Python floats
            self.to(node.left, np.divide(g, b))
            self.to(node.right, np.divide(-g * a, b * b))
        elif op == "^" and is_square(a):
            self.to(node.left, _matrix_power_vjp(np.asarray(g), a, round(float(b))))
        elif op == "^":
            out = self.val(node)
            self.to(node.left, g * b * np.power(a, b - 1.0))
            if _reads_a_name(node.right):
                self.to(node.right, g * out * np.log(a))
        else:  # pragma: no cover
            raise TypeError(f"unknown operator {op}")

    def call(self, node: Call, g: Value) -> None:
        args = [self.val(arg) for arg in node.args]
        grads = FUNCTIONS[node.func].vjp(g, args, self.val(node))
        for arg, grad in zip(node.args, grads, strict=True):
            if grad is not None:
                self.to(arg, grad)

    def sum(self, node: Sum, g: Value) -> None:
        """Each term of sum(body, k, lo, hi) is its own small forward and backward pass."""
        lo, hi = round(float(self.val(node.lo))), round(float(self.val(node.hi)))
        for k in range(lo, hi + 1):
            tape = _Recorder({**self.tape.env, node.index: float(k)})
            tape.value(node.body)
            inner = _Backward(tape, self.grads)
            inner.back(node.body, unbroadcast(g, tape.values[id(node.body)]))


def _matrix_power_vjp(g: np.ndarray, a: np.ndarray, n: int) -> np.ndarray:
    """∂⟨g, Aⁿ⟩/∂A: the product rule over the n factors; a negative power through the inverse."""
    if n == 0:
        return np.zeros_like(a)
    base = a if n > 0 else np.linalg.inv(a)
    m = abs(n)
    powers = [np.eye(a.shape[0])]
    for _ in range(m - 1):
        powers.append(powers[-1] @ base)
    grad: np.ndarray = sum((powers[i].T @ g @ powers[m - 1 - i].T for i in range(m)), np.zeros_like(a))
    return grad if n > 0 else -base.T @ grad @ base.T


def central_differences(loss: Callable[[Value], float], at: Value, step: float = 1e-6) -> Value:
    """∂loss/∂x at x = `at`, entry by entry by central differences: the yardstick reverse mode is checked against."""
    base = np.array(at, dtype=float, ndmin=2)
    grad = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        sides = []
        for delta in (step, -step):
            moved = base.copy()
            moved[index] += delta
            sides.append(loss(moved if isinstance(at, np.ndarray) else float(moved[0, 0])))
        grad[index] = (sides[0] - sides[1]) / (2 * step)
    return grad if isinstance(at, np.ndarray) else float(grad[0, 0])

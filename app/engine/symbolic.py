"""The parsed answer as a SymPy expression, built node by node from the whitelisted tree (never from text).

Matrices become non-commutative symbols, so products keep their order; nothing is evaluated while building
(`sympy.evaluate(False)`), so a tower like `(2^1000)^1000` costs nothing until someone asks SymPy to simplify.
"""

from __future__ import annotations

from typing import Any

import sympy

from app.engine.functions import FUNCTIONS
from app.engine.scope import Scope
from app.engine.syntax import Binary, Call, Compare, Index, Name, Neg, Node, Num, Sum, Transpose


def to_sympy(node: Node, scope: Scope | None = None) -> sympy.Expr:
    """SymPy form of a resolved tree; names the scope declares as matrices are non-commutative."""
    with sympy.evaluate(False):
        return _Builder(scope or Scope()).build(node)


class _Builder:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def symbol(self, name: str) -> sympy.Symbol:
        symbol = self.scope.symbols.get(name)
        return sympy.Symbol(name, commutative=not (symbol and symbol.shape))

    def build(self, node: Node) -> Any:
        if isinstance(node, Num):
            if node.text == "inf":
                return sympy.oo
            return sympy.Integer(node.text) if node.text.isdigit() else sympy.Rational(node.text)
        if isinstance(node, Name):
            return self.symbol(node.name)
        if isinstance(node, Index):
            return sympy.IndexedBase(node.family)[self.build(node.index)]
        if isinstance(node, Neg):
            return -self.build(node.operand)
        if isinstance(node, Transpose):
            return sympy.transpose(self.build(node.operand))
        if isinstance(node, Compare):
            return self.indicator(node)
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Call):
            return FUNCTIONS[node.func].sympy(*(self.build(a) for a in node.args))
        if isinstance(node, Sum):
            k = sympy.Symbol(node.index, integer=True)
            return sympy.Sum(self.build(node.body), (k, self.build(node.lo), self.build(node.hi)))
        raise TypeError(f"unknown node {node!r}")  # pragma: no cover

    def indicator(self, node: Compare) -> Any:
        left, right = self.build(node.left), self.build(node.right)
        if node.op in ("==", "!="):
            equal = sympy.KroneckerDelta(left, right)
            return equal if node.op == "==" else 1 - equal
        difference = left - right if node.op in (">", ">=") else right - left
        return sympy.Heaviside(difference, 1 if node.op in (">=", "<=") else 0)

    def binary(self, node: Binary) -> Any:
        a, b = self.build(node.left), self.build(node.right)
        if node.op == "+":
            return a + b
        if node.op == "-":
            return a - b
        if node.op == "/":
            return a / b
        if node.op == "^":
            return a**b
        if node.op in ("*", "⊙") and not (a.is_commutative or b.is_commutative):
            return sympy.Function("odot")(a, b)  # elementwise product of two matrices
        return a * b

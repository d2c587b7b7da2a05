"""Static shape inference over symbolic dimensions, so shape mistakes are explained in the question's terms.

Scalars are 1×1: `W2.T @ delta_b2` is a column, and `W2 @ a1` is a scalar. `*`, `/`, `⊙` and comparisons
broadcast like NumPy; `+`/`-` need equal shapes or a scalar; `@` needs matching inner dimensions;
juxtaposition is the matrix product between matrices and the ordinary product otherwise.
"""

from __future__ import annotations

from app.engine.errors import ShapeError, StudentError
from app.engine.evaluate import evaluate
from app.engine.functions import FUNCTIONS, ShapeRuleError
from app.engine.mathtext import dim_math, shape_math
from app.engine.scope import Scope, Shape, normalize_shape
from app.engine.syntax import Binary, Call, Compare, Index, Name, Neg, Node, Num, Sum, Transpose


def infer_shape(node: Node, scope: Scope, text: str = "", bound: frozenset[str] = frozenset()) -> Shape:
    """The shape of a resolved tree, or ShapeError naming the operands that do not fit."""
    return _Inference(scope, text).shape(node, bound)


class _Inference:
    def __init__(self, scope: Scope, text: str) -> None:
        self.scope, self.text = scope, text

    def quote(self, node: Node) -> str:
        snippet = self.text[node.start : node.end].strip()
        return f"`{snippet}`" if snippet and len(snippet) <= 40 else "this part"

    def operand(self, node: Node, shape: Shape) -> str:
        return f"{self.quote(node)} ({shape_math(shape)})"

    def shape(self, node: Node, bound: frozenset[str]) -> Shape:
        if isinstance(node, Num):
            return ()
        if isinstance(node, Name):
            return () if node.name in bound else self.scope[node.name].shape
        if isinstance(node, Index):
            self.scalar(node.index, bound, "an index")
            return self.scope[node.family].shape
        if isinstance(node, Neg):
            return self.shape(node.operand, bound)
        if isinstance(node, Transpose):
            s = self.shape(node.operand, bound)
            return normalize_shape(tuple(reversed(s)))
        if isinstance(node, Binary | Compare):
            return self.binary(node, bound)
        if isinstance(node, Call):
            return self.call(node, bound)
        if isinstance(node, Sum):
            self.scalar(node.lo, bound, "a sum's lower bound")
            self.scalar(node.hi, bound, "a sum's upper bound")
            return self.shape(node.body, bound | {node.index})
        raise TypeError(f"unknown node {node!r}")  # pragma: no cover - the parser builds no other nodes

    def scalar(self, node: Node, bound: frozenset[str], what: str) -> None:
        shape = self.shape(node, bound)
        if shape:
            raise ShapeError(f"{self.operand(node, shape)} is used as {what}, which must be a scalar.", node.start)

    def binary(self, node: Binary | Compare, bound: frozenset[str]) -> Shape:
        a, b = self.shape(node.left, bound), self.shape(node.right, bound)
        op = node.op
        if op == "juxt":
            op = "@" if a and b else "*"
        if op == "^":
            if b:
                raise ShapeError(f"The exponent {self.operand(node.right, b)} must be a scalar.", node.right.start)
            return a
        if not a or not b:
            return a or b
        if op == "@":
            return self.matmul(node, a, b)
        if op in ("+", "-"):
            if a != b:
                verb = "add" if op == "+" else "subtract"
                raise ShapeError(
                    f"Cannot {verb} {self.operand(node.left, a)} and {self.operand(node.right, b)}: "
                    "the shapes must be equal.",
                    node.start,
                )
            return a
        return self.broadcast(node, a, b)

    def matmul(self, node: Binary | Compare, a: Shape, b: Shape) -> Shape:
        if a[1] != b[0]:
            raise ShapeError(
                f"Cannot matrix-multiply {self.operand(node.left, a)} by {self.operand(node.right, b)}: "
                f"the inner dimensions {dim_math(a[1])} and {dim_math(b[0])} differ.",
                node.start,
            )
        return normalize_shape((a[0], b[1]))

    def broadcast(self, node: Binary | Compare, a: Shape, b: Shape) -> Shape:
        out = []
        for da, db in zip(a, b, strict=True):
            if da != db and 1 not in (da, db):
                raise ShapeError(
                    f"Cannot combine {self.operand(node.left, a)} and {self.operand(node.right, b)} elementwise "
                    f"with `{node.op}`: dimensions {dim_math(da)} and {dim_math(db)} differ.",
                    node.start,
                )
            out.append(db if da == 1 else da)
        return normalize_shape(tuple(out))

    def call(self, node: Call, bound: frozenset[str]) -> Shape:
        shapes = [self.shape(arg, bound) for arg in node.args]
        function = FUNCTIONS[node.func]
        consts = [_constant(arg) if i in function.constant_args else None
                  for i, arg in enumerate(node.args)]  # fmt: skip
        try:
            return function.shape(shapes, consts, lambda i: self.operand(node.args[i], shapes[i]))
        except ShapeRuleError as error:
            raise ShapeError(str(error).replace("{name}", node.func), node.start) from None


def _constant(node: Node) -> float | None:
    """The value of an argument written as a constant (a norm's order, a padding), else None."""
    if any(isinstance(sub, Name | Index | Sum) for sub in node.walk()):
        return None
    try:
        value = evaluate(node, {})
    except StudentError:
        return None
    return float(value) if isinstance(value, float) else None

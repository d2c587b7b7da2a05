"""LaTeX for a resolved syntax tree: the "interpreted as …" a student sees, with only necessary brackets."""

from __future__ import annotations

from app.engine.errors import StudentError
from app.engine.functions import FUNCTIONS
from app.engine.mathtext import name_latex
from app.engine.scope import Scope
from app.engine.shapes import infer_shape
from app.engine.syntax import Binary, Call, Compare, Index, Name, Neg, Node, Num, Sum, Transpose

_PREC = {
    ">": 10,
    "<": 10,
    ">=": 10,
    "<=": 10,
    "==": 10,
    "!=": 10,
    "+": 20,
    "-": 20,
    "*": 30,
    "/": 30,
    "@": 30,
    "⊙": 30,
    "juxt": 30,
}
_NEG, _POW, _ATOM = 40, 50, 70
_OPS = {"+": " + ", "-": " - ", "*": " \\cdot ", "⊙": " \\odot ", "@": " ", "juxt": " ", ">": " > ", "<": " < ",
        ">=": " \\geq ", "<=": " \\leq ", "==": " = ", "!=": " \\neq "}  # fmt: skip


def to_latex(node: Node, scope: Scope | None = None) -> str:
    return _Printer(scope or Scope()).latex(node)


class _Printer:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def name(self, name: str) -> str:
        symbol = self.scope.symbols.get(name)
        return symbol.latex if symbol and symbol.latex else name_latex(name)

    def prec(self, node: Node) -> int:
        if isinstance(node, Binary):
            return _POW if node.op == "^" else (_ATOM if node.op == "/" else _PREC[node.op])
        if isinstance(node, Neg):
            return _NEG
        if isinstance(node, Num) and ("e" in node.text.lower() or node.value < 0):
            return _PREC["*"]
        if isinstance(node, Sum):
            return _PREC["*"]
        return _ATOM

    def wrap(self, node: Node, minimum: int) -> str:
        text = self.latex(node)
        return f"\\left({text}\\right)" if self.prec(node) < minimum else text

    def latex(self, node: Node) -> str:
        if isinstance(node, Num):
            mantissa, _, exponent = node.text.lower().partition("e")
            return f"{mantissa} \\cdot 10^{{{int(exponent)}}}" if exponent else node.text
        if isinstance(node, Name):
            return self.name(node.name)
        if isinstance(node, Index):
            return f"{{{self.name(node.family)}}}_{{{self.latex(node.index)}}}"
        if isinstance(node, Neg):
            return "-" + self.wrap(node.operand, _NEG + 1)
        if isinstance(node, Transpose):
            return f"{{{self.wrap(node.operand, _ATOM)}}}^{{\\top}}"
        if isinstance(node, Compare):
            return f"\\mathbb{{1}}\\left[{self.latex(node.left)}{_OPS[node.op]}{self.latex(node.right)}\\right]"
        if isinstance(node, Binary):
            return self.binary(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, Sum):
            bounds = f"_{{{node.index}={self.latex(node.lo)}}}^{{{self.latex(node.hi)}}}"
            return f"\\sum{bounds} {self.wrap(node.body, _PREC['*'])}"
        raise TypeError(f"unknown node {node!r}")  # pragma: no cover

    def binary(self, node: Binary) -> str:
        if node.op == "/":
            return f"\\frac{{{self.latex(node.left)}}}{{{self.latex(node.right)}}}"
        if node.op == "^":
            base = self.latex(node.left)
            if self.prec(node.left) < _ATOM or (isinstance(node.left, Binary) and node.left.op == "/"):
                base = f"\\left({base}\\right)"  # a fraction is self-delimiting, but not as a base
            entrywise = "\\circ " if self.entrywise_power(node) else ""
            return f"{{{base}}}^{{{entrywise}{self.latex(node.right)}}}"
        p = _PREC[node.op]
        left = self.wrap(node.left, p)
        # A sum on the right extends to the end of the product, as in ε Σ_k g_k: no brackets needed.
        if isinstance(node.right, Sum):
            right = self.latex(node.right)
        elif isinstance(node.right, Neg):  # `2 (-3)` must not read as `2 -3`
            right = f"\\left({self.latex(node.right)}\\right)"
        else:
            right = self.wrap(node.right, p + 1)
        if node.op in ("juxt", "@") and isinstance(node.right, Num):
            return f"{left} \\cdot {right}"
        return f"{left}{_OPS[node.op]}{right}"

    def entrywise_power(self, node: Binary) -> bool:
        """`x^2` of a vector or a non-square matrix acts entry by entry: shown as x^{∘2} (a square matrix's is its
        matrix power)."""
        if not self.scope.symbols:
            return False
        try:
            shape = infer_shape(node.left, self.scope)
        except StudentError:
            return False
        return bool(shape) and shape[0] != shape[1]

    def call(self, node: Call) -> str:
        return FUNCTIONS[node.func].latex([self.latex(a) for a in node.args])

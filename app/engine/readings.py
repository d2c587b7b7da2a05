"""Notes on answers whose reading follows a convention students often misread.

`a/b c` is (a/b)·c, `alpha^2t` is α²·t, `x * z1 > 0` compares the whole product, `-x^2` is −(x²): each is graded
as read, and the verdict says how it was read and how to write the other meaning, whatever the verdict.
"""

from __future__ import annotations

from app.engine.syntax import Binary, Compare, Neg, Node, Num

PRODUCTS = frozenset({"*", "juxt", "⊙", "@"})


def reading_note(node: Node, text: str) -> str | None:
    """One line on the first convention-dependent reading in the answer, or None."""
    for sub in node.walk():
        note = _note(sub, text)
        if note:
            return note
    return None


def _source(node: Node, text: str) -> str:
    return text[node.start : node.end].strip()


def _bracketed(node: Node, text: str) -> bool:
    return text[node.start : node.start + 1] == "("


def _note(node: Node, text: str) -> str | None:
    if isinstance(node, Binary) and node.op == "juxt":
        left = node.left
        if isinstance(left, Binary) and left.op == "/" and not _bracketed(left, text):
            a, b, c = (_source(n, text) for n in (left.left, left.right, node.right))
            return f"Read as ({a}/{b})·{c}; add brackets if you meant {a}/({b} {c})."
        if (isinstance(left, Binary) and left.op == "^" and isinstance(left.right, Num)
                and not _bracketed(left.right, text) and left.right.end == node.right.start):  # fmt: skip
            base, power, rest = _source(left.left, text), _source(left.right, text), _source(node.right, text)
            return f"Read as {base}^{power}·{rest}; write {base}^({power}{rest}) if you meant the power {power}{rest}."
    if isinstance(node, Compare):
        for side in (node.left, node.right):
            if isinstance(side, Binary) and side.op in PRODUCTS and not _bracketed(side, text):
                whole = _source(node, text)
                first, last = _source(side.left, text), _source(side.right, text)
                other = _source(node.right if side is node.left else node.left, text)
                masked = f"({last} {node.op} {other})" if side is node.left else f"({other} {node.op} {first})"
                meant = f"{first} * {masked}" if side is node.left else f"{masked} * {last}"
                return f"Read as 1[{whole}]: the comparison takes the whole product; write {meant} for a mask."
    operand = node.operand if isinstance(node, Neg) else None
    if isinstance(operand, Binary) and operand.op == "^" and not _bracketed(operand, text):
        base, power = _source(operand.left, text), _source(operand.right, text)
        return f"Read as -({base}^{power}); write (-{base})^{power} if you meant the power of -{base}."
    return None

"""Programmatic rewrites (same meaning) and mutations (another meaning) of a reference answer, for the mutation test.

Both are generated from the answer's syntax tree and printed back as text a student could type, so the grader is
tested on forms nobody wrote by hand: any rewrite must be accepted and any mutation rejected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from app.engine.scope import Scope
from app.engine.shapes import infer_shape
from app.engine.syntax import Binary, Call, Compare, Index, Name, Neg, Node, Num, Sum, Transpose, child_fields
from app.engine.variables import VariableSpec

PRODUCTS = ("*", "juxt", "⊙", "@")


def to_text(node: Node) -> str:
    """The tree as answer text, every operation bracketed (so it reads back as the same tree)."""
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Index):
        return f"{node.family}[{to_text(node.index)}]"
    if isinstance(node, Neg):
        return f"(-{to_text(node.operand)})"
    if isinstance(node, Transpose):
        return f"({to_text(node.operand)}).T"
    if isinstance(node, Binary):
        op = " " if node.op == "juxt" else f" {node.op} "
        if node.op == "^":
            return f"({to_text(node.left)})^({to_text(node.right)})"
        return f"({to_text(node.left)}{op}{to_text(node.right)})"
    if isinstance(node, Compare):
        return f"({to_text(node.left)} {node.op} {to_text(node.right)})"
    if isinstance(node, Call):
        return f"{node.func}({', '.join(to_text(a) for a in node.args)})"
    if isinstance(node, Sum):
        return f"sum({to_text(node.body)}, {node.index}, {to_text(node.lo)}, {to_text(node.hi)})"
    raise TypeError(node)


def _replace_at(root: Node, target: Node, new: Node) -> Node:
    """`root` with the sub-tree `target` (by identity) replaced by `new`."""
    if root is target:
        return new
    changes = {}
    for key in child_fields(type(root)):
        value = getattr(root, key)
        if isinstance(value, Node):
            changed = _replace_at(value, target, new)
            if changed is not value:
                changes[key] = changed
        elif isinstance(value, tuple) and any(isinstance(v, Node) for v in value):
            items = tuple(_replace_at(v, target, new) if isinstance(v, Node) else v for v in value)
            if any(a is not b for a, b in zip(items, value, strict=True)):
                changes[key] = items
    return replace(root, **changes) if changes else root


def _n(value: str) -> Num:
    return Num(float(value), value)


def _scalar(node: Node, scope: Scope) -> bool:
    try:
        return infer_shape(node, scope) == ()
    except Exception:  # a summation index: scalar by construction
        return True


def rewrites(tree: Node, scope: Scope) -> list[str]:
    """Meaning-preserving forms of the answer."""
    whole = to_text(tree)
    forms = [
        whole, f"(1 * {whole})", f"({whole} * 1)", f"({whole} + 0)", f"(-(-{whole}))", f"({whole} / 1)",
        f"((2 * {whole}) / 2)", f"({whole} - {whole} + {whole})", f"(0.5 {whole} + 0.5 {whole})",
        f"({whole} * (1 + 0))", f"((3 {whole} - {whole}) / 2)", f"({whole} (2 - 1))", f"(({whole}) ⊙ 1)",
        f"(1^2 {whole})", f"(2^(-1) (2 {whole}))", f"(({whole} + {whole}) / 2)", f"((4 {whole}) / 4)",
        f"({whole} (3 / 3))", f"(0 + {whole})", f"({whole} - 0)", f"(exp(0) {whole})", f"(sqrt(1) {whole})",
        f"((-1) (-{whole}))", f"({whole} / (1 / 1))",
    ]  # fmt: skip
    forms.append(f"((({whole}).T).T)" if not _scalar(tree, scope) else f"(({whole}).T)")
    for node in tree.walk():
        if isinstance(node, Binary) and node.op == "+":
            forms.append(to_text(_replace_at(tree, node, replace(node, left=node.right, right=node.left))))
        if isinstance(node, Binary) and node.op == "-":
            flipped = Binary("+", node.left, Binary("juxt", Neg(_n("1")), node.right))
            forms.append(to_text(_replace_at(tree, node, flipped)))
        if (
            isinstance(node, Binary)
            and node.op in PRODUCTS
            and (_scalar(node.left, scope) or _scalar(node.right, scope))
        ):
            forms.append(to_text(_replace_at(tree, node, Binary("*", node.right, node.left))))
        if isinstance(node, Binary | Call | Sum) and node is not tree:
            forms.append(to_text(_replace_at(tree, node, Binary("/", Binary("*", _n("3"), node), _n("3")))))
    return list(dict.fromkeys(forms))


def mutations(tree: Node, scope: Scope, variables: dict[str, VariableSpec]) -> list[str]:
    """Answers that differ from the reference somewhere in the question's domain."""
    whole = to_text(tree)
    found = [f"(-{whole})", f"(2 {whole})", f"(0.5 {whole})", f"({whole} + 1)", f"(3 {whole})", f"({whole} - 1)",
             f"({whole} / 3)", f"({whole} + 0.01)", f"((1 + 1e-7) {whole})", f"({whole} + 1e-9)",
             f"((1 - 1e-7) {whole})", f"({whole} - 1e-9)", f"({whole} (1 + 1e-6))", f"exp({whole})",
             f"({whole} ⊙ {whole})", f"({whole} + 0.1)", f"({whole} - 0.5)", f"(1.01 {whole})", f"({whole} / 2)",
             f"(-2 {whole})", f"({whole} + 1e-6)", f"({whole} + 2)", f"({whole} - 2)", f"(4 {whole})", f"({whole} / 4)",
             f"(-0.5 {whole})", f"({whole} + 1e-4)", f"((1 + 1e-5) {whole})", f"({whole} - 0.1)",
             f"({whole} ⊙ {whole} ⊙ {whole})", f"({whole} + {whole} ⊙ {whole})", f"((1 - 1e-5) {whole})",
             f"({whole} - 1e-6)"]  # fmt: skip
    shape = infer_shape(tree, scope)
    if shape and shape[0] != shape[1]:  # a square answer may be symmetric: its transpose is no mutation
        found.append(f"({whole}).T")
    for make in (_sign_flips, _dropped_factors, _renamed, _off_by_one, _threshold_shifts, _scaled_parts,
                 _perturbed_names):  # fmt: skip
        found.extend(to_text(t) for t in make(tree, scope))
    found.extend(f"({whole} {factor})" for factor in _partial_factors(scope, variables))
    return [m for m in dict.fromkeys(found) if m != whole]


def _sign_flips(tree: Node, scope: Scope) -> Iterator[Node]:
    for node in tree.walk():
        if isinstance(node, Binary) and node.op in "+-":
            yield _replace_at(tree, node, replace(node, op="-" if node.op == "+" else "+"))
        if isinstance(node, Neg):
            yield _replace_at(tree, node, node.operand)


def _dropped_factors(tree: Node, scope: Scope) -> Iterator[Node]:
    for node in tree.walk():
        if isinstance(node, Binary) and node.op in (*PRODUCTS, "/"):
            yield _replace_at(tree, node, node.left)
            if node.op != "/":
                yield _replace_at(tree, node, node.right)


def _shielded(tree: Node) -> set[int]:
    """Nodes inside a comparison or a sign, where scaling or renaming may not change the value (a1 > 0 is z1 > 0)."""
    return {id(n) for c in tree.walk() if isinstance(c, Compare) or (isinstance(c, Call) and c.func in
            ("sign", "heaviside")) for n in c.walk()}  # fmt: skip


def _renamed(tree: Node, scope: Scope) -> Iterator[Node]:
    """Each name replaced by another of the same shape (a swap of same-shaped names, y ↔ 1 − y)."""
    shielded = _shielded(tree)
    for node in tree.walk():
        if not isinstance(node, Name) or node.name not in scope.symbols or id(node) in shielded:
            continue
        symbol = scope.symbols[node.name]
        for other in scope.symbols.values():
            if other.name != node.name and other.shape == symbol.shape and other.role == symbol.role == "value":
                yield _replace_at(tree, node, Name(other.name))
        if node.name == "y":
            yield _replace_at(tree, node, Binary("-", _n("1"), Name("y")))


def _off_by_one(tree: Node, scope: Scope) -> Iterator[Node]:
    for node in tree.walk():
        if isinstance(node, Sum):  # one term fewer (one more may add a term that is zero)
            yield _replace_at(tree, node, replace(node, lo=Binary("+", node.lo, _n("1"))))
            yield _replace_at(tree, node, replace(node, hi=Binary("-", node.hi, _n("1"))))
        if isinstance(node, Binary) and node.op == "^" and not _scalar_constant(node.right):
            for op in "+-":
                yield _replace_at(tree, node, replace(node, right=Binary(op, node.right, _n("1"))))
        if isinstance(node, Binary) and node.op == "^" and isinstance(node.right, Num):
            yield _replace_at(tree, node, replace(node, right=_n(str(node.right.value + 1))))


def _scaled_parts(tree: Node, scope: Scope) -> Iterator[Node]:
    """Each inner operation doubled, where doubling changes its value (not inside a comparison or a sign)."""
    shielded = _shielded(tree)
    for node in tree.walk():
        if isinstance(node, Binary | Call | Sum) and node is not tree and id(node) not in shielded:
            yield _replace_at(tree, node, Binary("juxt", _n("2"), node))


def _perturbed_names(tree: Node, scope: Scope) -> Iterator[Node]:
    """Each occurrence of a variable doubled, halved, shifted, or negated (unless it is a power's base)."""
    shielded = _shielded(tree)
    bases = {id(n.left) for n in tree.walk() if isinstance(n, Binary) and n.op == "^"}
    for node in tree.walk():
        if not isinstance(node, Name) or id(node) in shielded:
            continue
        if node.name in scope.symbols and scope.symbols[node.name].role == "value":
            yield _replace_at(tree, node, Binary("juxt", _n("2"), node))
            yield _replace_at(tree, node, Binary("/", node, _n("2")))
            yield _replace_at(tree, node, Binary("+", node, _n("1")))
            yield _replace_at(tree, node, Binary("-", node, _n("1")))
            if id(node) not in bases:
                yield _replace_at(tree, node, Neg(node))


def _scalar_constant(node: Node) -> bool:
    return isinstance(node, Num) or (isinstance(node, Neg) and isinstance(node.operand, Num))


def _threshold_shifts(tree: Node, scope: Scope) -> Iterator[Node]:
    for node in tree.walk():
        if isinstance(node, Compare):
            for shift in ("1e-3", "-1e-3"):
                yield _replace_at(tree, node, replace(node, right=Binary("+", node.right, _n(shift.lstrip("-")))
                                                        if not shift.startswith("-") else
                                                        Binary("-", node.right, _n(shift.lstrip("-")))))  # fmt: skip


def _partial_factors(scope: Scope, variables: dict[str, VariableSpec]) -> Iterator[str]:
    """Factors equal to 1 on part of a variable's domain only: clamps, steps, parity."""
    for name in scope.symbols:
        spec = variables.get(name)
        if spec is None or scope.symbols[name].shape != ():
            continue
        if spec.integer is not None:
            lo, hi = spec.integer
            middle = (lo + hi) // 2
            yield from (f"({name} > {lo})", f"({name} < {hi})", f"({name} != {middle})",
                        f"((1 - (-1)^{name}) / 2)", f"((1 + (-1)^{name}) / 2)")  # fmt: skip
        elif spec.choice:
            yield f"({name} > {min(spec.choice)})"
        elif spec.uniform is not None or spec.positive:
            lo, hi = spec.uniform or (0.01, 100.0)
            middle = f"{(lo * hi) ** 0.5 if lo > 0 else (lo + hi) / 2:.3g}"
            yield from (f"(min({name}, {middle}) / {name})", f"(max({name}, {middle}) / {name})")

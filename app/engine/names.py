"""Name resolution: map what the student typed onto the question's declared names, or explain why not.

Accepted spellings of a declared name: the name itself, Greek letters (`α`, `δ_yhat` — folded by the lexer),
short aliases (`eps`, `lam`), and underscores added or dropped (`W_1` for `W1`, `y_hat` for `yhat`). A family
member may be written `g[k]`, `g_k` or `g_1`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import Any

from app.engine.errors import ParseError, UnknownName
from app.engine.scope import Scope
from app.engine.syntax import Index, Name, Node, Num, Sum, child_fields

ALIASES = {"eps": "epsilon", "lam": "lambda", "lmbda": "lambda"}
_FAMILY_MEMBER = re.compile(r"^([A-Za-z]+?)_?(\d+|[a-z])$")


def resolve(node: Node, scope: Scope, bound: frozenset[str] = frozenset()) -> Node:
    """Return the tree with every name canonical; raise UnknownName for a name the question does not know."""
    if _canonical_already(node, scope, bound):
        return node  # the common case: every name is the question's own or a sum's index, none indexed
    return _resolve(node, scope, bound)


def _canonical_already(node: Node, scope: Scope, bound: frozenset[str] = frozenset()) -> bool:
    """Whether every name is the question's own (not a family) or a sum's index where it is bound, none indexed."""
    kinds = node.kinds()
    if Index in kinds:
        return False
    if Sum in kinds:
        if type(node) is Sum:
            inner = bound | {node.index}
            return all(_canonical_already(n, scope, b) for n, b in ((node.lo, bound), (node.hi, bound),
                                                                   (node.body, inner)))  # fmt: skip
        return all(_canonical_already(child, scope, bound) for child in node.children())
    symbols = scope.symbols
    for sub in node.walk():
        if type(sub) is Name and sub.name not in bound:
            symbol = symbols.get(sub.name)
            if symbol is None or symbol.role == "family":
                return False
    return True


def _resolve(node: Node, scope: Scope, bound: frozenset[str]) -> Node:
    if isinstance(node, Name):
        return _resolve_name(node, scope, bound)
    if isinstance(node, Index):
        family = _canonical(node.family, scope)
        if family is None:
            allowed = scope.allowed()
            raise UnknownName(node.family, node.start, allowed, None, "is not a name in this question")
        if scope[family].role != "family":
            families = scope.families()
            hint = f" Indexed names here: {', '.join(families)}." if families else ""
            raise ParseError(f"`{node.family}` cannot be indexed with [...].{hint}", node.start)
        return replace(node, family=family, index=_resolve(node.index, scope, bound))
    if isinstance(node, Sum):
        inner = bound | {node.index}
        return replace(
            node,
            body=_resolve(node.body, scope, inner),
            lo=_resolve(node.lo, scope, bound),
            hi=_resolve(node.hi, scope, bound),
        )
    changes: dict[str, Any] = {}
    for key in child_fields(type(node)):
        value = getattr(node, key)
        if isinstance(value, Node):
            new: object = _resolve(value, scope, bound)
        elif isinstance(value, tuple):
            new = tuple(_resolve(v, scope, bound) for v in value)
        else:
            continue
        if any(a is not b for a, b in zip(_as_tuple(new), _as_tuple(value), strict=True)):
            changes[key] = new
    return replace(node, **changes) if changes else node


def _as_tuple(value: object) -> tuple[object, ...]:
    return value if isinstance(value, tuple) else (value,)


def _resolve_name(node: Name, scope: Scope, bound: frozenset[str]) -> Node:
    if node.name in bound:
        return node
    canonical = _canonical(node.name, scope)
    if canonical is not None:
        if scope[canonical].role == "family":
            raise ParseError(f"`{node.name}` is an indexed family: write one member, e.g. {canonical}[k].", node.start)
        return node if canonical == node.name else replace(node, name=canonical)
    member = _family_member(node, scope, bound)
    if member is not None:
        return member
    allowed = scope.allowed()
    raise UnknownName(node.name, node.start, allowed, _split_suggestion(node.name, tuple(allowed)))


def _canonical(name: str, scope: Scope) -> str | None:
    if name in scope:
        return name
    name = ALIASES.get(name, name)
    if name in scope:
        return name
    squashed = [n for n in scope.symbols if n.replace("_", "") == name.replace("_", "")]
    return squashed[0] if len(squashed) == 1 else None


def _family_member(node: Name, scope: Scope, bound: frozenset[str]) -> Node | None:
    match = _FAMILY_MEMBER.match(node.name)
    if not match:
        return None
    family, index = match.groups()
    family = _canonical(family, scope)
    if family is None or scope[family].role != "family":
        return None
    if index.isdigit():
        index_node: Node = Num(float(index), index, start=node.start, end=node.end)
    elif index in bound or index in scope:
        index_node = Name(index, start=node.start, end=node.end)
    else:
        return None
    return Index(family, index_node, start=node.start, end=node.end)


@cache
def _split_suggestion(word: str, allowed: tuple[str, ...]) -> str | None:
    """`alphay` → `alpha y`: the fewest known names that spell the word, if any."""
    if len(word) > 40:
        return None
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for name in allowed:
            start = end - len(name)
            prefix = best[start] if start >= 0 else None
            if prefix is not None and word[start:end] == name:
                candidate = [*prefix, name]
                earlier = best[end]
                if earlier is None or len(candidate) < len(earlier):
                    best[end] = candidate
    found = best[-1]
    return " ".join(found) if found and len(found) > 1 else None

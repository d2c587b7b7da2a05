"""The syntax tree of an answer: what the whitelisting parser builds, and all the rest of the engine reads.

Every node records the span of source text it came from, so that errors can point at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields


@dataclass(frozen=True)
class Node:
    start: int = field(default=0, kw_only=True, compare=False)
    end: int = field(default=0, kw_only=True, compare=False)

    def children(self) -> tuple[Node, ...]:
        """The direct sub-trees, in field order (each kind of node says its own: asked on every visit of a pass)."""
        return ()

    def kinds(self) -> frozenset[type]:
        """The node types in this sub-tree, computed once per node: lets a pass skip trees with nothing for it."""
        found: frozenset[type] | None = self.__dict__.get("_kinds")
        if found is None:
            found = frozenset({type(n) for n in self.walk()})
            object.__setattr__(self, "_kinds", found)
        return found

    def walk(self) -> Iterator[Node]:
        """This node and every node below it, depth first. The order is computed once per node (trees are
        immutable): a check walks its answer's tree half a dozen times."""
        order: tuple[Node, ...] | None = self.__dict__.get("_order")
        if order is None:
            found: list[Node] = []
            stack: list[Node] = [self]
            while stack:
                node = stack.pop()
                found.append(node)
                stack.extend(reversed(node.children()))
            order = tuple(found)
            object.__setattr__(self, "_order", order)
        return iter(order)


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def child_fields(cls: type) -> tuple[str, ...]:
    """The fields that may hold sub-trees (dataclasses.fields is too slow to ask on every visit)."""
    found = _CHILD_FIELDS.get(cls)
    if found is None:
        found = _CHILD_FIELDS[cls] = tuple(f.name for f in fields(cls) if f.name not in ("start", "end"))
    return found


@dataclass(frozen=True)
class Num(Node):
    value: float
    text: str


@dataclass(frozen=True)
class Name(Node):
    """A variable, a bound summation index or the identity `I` (resolved later, against the question's names)."""

    name: str


@dataclass(frozen=True)
class Index(Node):
    """A member of an indexed family: `g[k]`, `g_k`."""

    family: str
    index: Node

    def children(self) -> tuple[Node, ...]:
        return (self.index,)


@dataclass(frozen=True)
class Neg(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Binary(Node):
    """`op` is one of + - * / @ ⊙ ^ or `juxt` (juxtaposition: scalar product, or matrix product of matrices)."""

    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Compare(Node):
    """An indicator: 1 where the comparison holds, 0 elsewhere (elementwise)."""

    op: str
    left: Node
    right: Node

    def children(self) -> tuple[Node, ...]:
        return (self.left, self.right)


@dataclass(frozen=True)
class Transpose(Node):
    operand: Node

    def children(self) -> tuple[Node, ...]:
        return (self.operand,)


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]

    def children(self) -> tuple[Node, ...]:
        return self.args


@dataclass(frozen=True)
class Sum(Node):
    """sum(body, index, lo, hi), bounds inclusive."""

    body: Node
    index: str
    lo: Node
    hi: Node

    def children(self) -> tuple[Node, ...]:
        return (self.body, self.lo, self.hi)

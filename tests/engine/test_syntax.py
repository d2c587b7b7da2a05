"""The syntax tree: every kind of node names its own sub-trees, and a walk visits each node once, parents first."""

from __future__ import annotations

import pytest

from app.engine.parse import parse
from app.engine.syntax import Node, child_fields

SAMPLE = "-a' + sum(g[k] ^ 2, k, 1, n) * max(x, 0) / (b > c) + odot(u, v).T"


def _all_nodes() -> list[Node]:
    return list(parse(SAMPLE).walk())


def _from_fields(node: Node) -> tuple[Node, ...]:
    found: list[Node] = []
    for name in child_fields(type(node)):
        value = getattr(node, name)
        found.extend(v for v in (value if isinstance(value, tuple) else (value,)) if isinstance(v, Node))
    return tuple(found)


def test_the_sample_has_every_kind_of_node() -> None:
    assert {type(n).__name__ for n in _all_nodes()} == {
        "Binary", "Call", "Compare", "Index", "Name", "Neg", "Num", "Sum", "Transpose"
    }  # fmt: skip


@pytest.mark.parametrize("node", _all_nodes(), ids=lambda n: f"{type(n).__name__}@{n.start}")
def test_children_are_the_node_fields_in_order(node: Node) -> None:
    assert node.children() == _from_fields(node)


def test_a_walk_visits_every_node_once_parents_first() -> None:
    root = parse(SAMPLE)
    order = list(root.walk())
    assert len({id(n) for n in order}) == len(order)
    position = {id(node): i for i, node in enumerate(order)}
    assert all(position[id(child)] > position[id(node)] for node in order for child in node.children())

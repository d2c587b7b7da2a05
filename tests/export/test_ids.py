"""Identifiers: NCNames, kept when they are ones already, mapped and de-duplicated deterministically otherwise."""

from __future__ import annotations

import pytest

from app.export._ids import assign_ncnames, is_ncname, ncname, unique_ncnames


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("A", "A"), ("small_batch", "small_batch"), ("c147-w23-1.initialization.s0", "c147-w23-1.initialization.s0"),
     ("1", "_1"), ("9-edge.x", "_9-edge.x"), (".a", "_.a"), ("-", "_-"), ("a b/c", "a_b_c"), ("é", "_")],
)  # fmt: skip
def test_ncname(raw: str, expected: str) -> None:
    assert ncname(raw) == expected
    assert is_ncname(expected)


def test_valid_ids_keep_their_spelling_and_mapped_ones_avoid_them() -> None:
    assert unique_ncnames(["1", "_1", "a b", "a_b"]) == {"1": "_1-2", "_1": "_1", "a b": "a_b-2", "a_b": "a_b"}


def test_taken_names_are_avoided() -> None:
    assert unique_ncnames(["a", "x"], taken=["a"]) == {"a": "a-2", "x": "x"}


def test_keys_that_want_the_same_spelling_get_distinct_names_in_order() -> None:
    wanted = [(("item", "a.b", "c"), "a.b.c.s0"), (("item", "a", "b.c"), "a.b.c.s0")]
    assert assign_ncnames(wanted) == {("item", "a.b", "c"): "a.b.c.s0", ("item", "a", "b.c"): "a.b.c.s0-2"}

"""Shape inference, as a specification: the shape of every construct in symbolic dimensions, and the messages
that explain a mismatch in the question's own terms.

Scalars are 1×1 (written `()`); `@` and juxtaposition of two matrices need matching inner dimensions; `+`/`-` need
equal shapes or a scalar; `*`, `/`, `⊙`, comparisons, `max`/`min` broadcast like NumPy.
"""

from __future__ import annotations

import pytest

from app.engine.errors import ShapeError
from app.engine.names import resolve
from app.engine.parse import parse
from app.engine.scope import Scope, Shape, Symbol, describe_shape, normalize_shape
from app.engine.shapes import infer_shape

# A (m×n), B (n×p), C (m×n), S (n×n), u (n×1), v (m×1), r (1×n), c scalar, k integer, g[·] (n×1), I (n×n)
SCOPE = Scope.of(
    Symbol("A", ("m", "n")),
    Symbol("B", ("n", "p")),
    Symbol("C", ("m", "n")),
    Symbol("S", ("n", "n")),
    Symbol("u", ("n", 1)),
    Symbol("v", ("m", 1)),
    Symbol("r", (1, "n")),
    Symbol("c"),
    Symbol("k", (), "integer"),
    Symbol("g", ("n", 1), "family"),
    Symbol("I", ("n", "n"), "identity"),
)


def shape_of(text: str) -> Shape:
    return infer_shape(resolve(parse(text, SCOPE.symbols.keys()), SCOPE), SCOPE, text)


SHAPES: list[tuple[str, Shape]] = [
    # names and numbers
    ("c", ()),
    ("2", ()),
    ("A", ("m", "n")),
    ("u", ("n", 1)),
    ("r", (1, "n")),
    ("I", ("n", "n")),
    ("g[1]", ("n", 1)),
    ("g[k]", ("n", 1)),
    # transposes
    ("A.T", ("n", "m")),
    ("u'", (1, "n")),
    ("(A B).T", ("p", "m")),
    ("c.T", ()),
    # matrix products
    ("A B", ("m", "p")),
    ("A @ B", ("m", "p")),
    ("A u", ("m", 1)),
    ("A.T v", ("n", 1)),
    ("u.T u", ()),  # an inner product is a scalar
    ("r u", ()),
    ("u u.T", ("n", "n")),  # an outer product
    ("u r", ("n", "n")),
    ("S I", ("n", "n")),
    ("A I", ("m", "n")),
    ("(u.T u) A", ("m", "n")),  # a 1×1 product scales a matrix
    # scalars with matrices
    ("c A", ("m", "n")),
    ("A c", ("m", "n")),
    ("2 A", ("m", "n")),
    ("A / c", ("m", "n")),
    ("A + c", ("m", "n")),
    ("c - A", ("m", "n")),
    ("-A", ("m", "n")),
    # sums and elementwise operations
    ("A + C", ("m", "n")),
    ("A - C", ("m", "n")),
    ("A * C", ("m", "n")),
    ("A ⊙ C", ("m", "n")),
    ("A * v", ("m", "n")),  # broadcasting a column
    ("A * r", ("m", "n")),  # broadcasting a row
    ("v * r", ("m", "n")),  # the outer product by broadcasting
    ("A / v", ("m", "n")),
    ("A u + v", ("m", 1)),
    ("(A u) * (v > 0)", ("m", 1)),
    # powers: elementwise, with a scalar exponent
    ("A^2", ("m", "n")),
    ("A^c", ("m", "n")),
    ("c^2", ()),
    # comparisons (indicators) broadcast like *
    ("A > 0", ("m", "n")),
    ("A > C", ("m", "n")),
    ("0 < v", ("m", 1)),
    # functions
    ("exp(A)", ("m", "n")),
    ("sigma(u)", ("n", 1)),
    ("relu(A) - A", ("m", "n")),
    ("heaviside(v)", ("m", 1)),
    ("sum(A)", ()),
    ("max(A)", ()),
    ("min(u)", ()),
    ("max(A, 0)", ("m", "n")),
    ("max(A, C)", ("m", "n")),
    ("min(A, v)", ("m", "n")),
    ("trace(S)", ()),
    ("trace(c)", ()),
    ("diag(u)", ("n", "n")),  # a vector becomes a diagonal matrix
    ("diag(r)", ("n", "n")),
    ("diag(S)", ("n", 1)),  # a square matrix gives its diagonal as a column
    ("diag(c)", ()),
    # sums over an index
    ("sum(g[j], j, 1, k)", ("n", 1)),
    ("sum(j A, j, 1, 3)", ("m", "n")),
    ("sum(j, j, 1, k)", ()),
]


@pytest.mark.parametrize(("text", "shape"), [pytest.param(t, s, id=t) for t, s in SHAPES])
def test_shapes(text: str, shape: Shape) -> None:
    assert shape_of(text) == shape


ERRORS: list[tuple[str, str, int]] = [
    (
        "B A",
        "Cannot matrix-multiply `B` ($n \\times p$) by `A` ($m \\times n$): the inner dimensions $p$ and $m$ differ.",
        0,
    ),
    (
        "u A",
        "Cannot matrix-multiply `u` ($n \\times 1$) by `A` ($m \\times n$): the inner dimensions $1$ and $m$ differ.",
        0,
    ),
    (
        "u @ u",
        "Cannot matrix-multiply `u` ($n \\times 1$) by `u` ($n \\times 1$): the inner dimensions $1$ and $n$ differ.",
        0,
    ),
    (
        "c + u A",
        "Cannot matrix-multiply `u` ($n \\times 1$) by `A` ($m \\times n$): the inner dimensions $1$ and $m$ differ.",
        4,
    ),
    ("A + B", "Cannot add `A` ($m \\times n$) and `B` ($n \\times p$): the shapes must be equal.", 0),
    ("A - B", "Cannot subtract `A` ($m \\times n$) and `B` ($n \\times p$): the shapes must be equal.", 0),
    ("A u + u", "Cannot add `A u` ($m \\times 1$) and `u` ($n \\times 1$): the shapes must be equal.", 0),
    ("A + A.T", "Cannot add `A` ($m \\times n$) and `A.T` ($n \\times m$): the shapes must be equal.", 0),
    (
        "A * B",
        "Cannot combine `A` ($m \\times n$) and `B` ($n \\times p$) elementwise with `*`: "
        "dimensions $m$ and $n$ differ.",
        0,
    ),
    (
        "A ⊙ A.T",
        "Cannot combine `A` ($m \\times n$) and `A.T` ($n \\times m$) elementwise with `⊙`: "
        "dimensions $m$ and $n$ differ.",
        0,
    ),
    (
        "A / u",
        "Cannot combine `A` ($m \\times n$) and `u` ($n \\times 1$) elementwise with `/`: "
        "dimensions $m$ and $n$ differ.",
        0,
    ),
    (
        "A > B",
        "Cannot combine `A` ($m \\times n$) and `B` ($n \\times p$) elementwise with `>`: "
        "dimensions $m$ and $n$ differ.",
        0,
    ),
    (
        "max(A, B)",
        "Cannot combine `A` ($m \\times n$) and `B` ($n \\times p$) elementwise with `max`: "
        "dimensions $m$ and $n$ differ.",
        0,
    ),
    ("2^A", "The exponent `A` ($m \\times n$) must be a scalar.", 2),
    ("c^u", "The exponent `u` ($n \\times 1$) must be a scalar.", 2),
    ("trace(A)", "`trace` needs a square matrix, but `A` ($m \\times n$) is not.", 0),
    ("diag(A)", "`diag` needs a square matrix, but `A` ($m \\times n$) is not.", 0),
    ("g[u]", "`u` ($n \\times 1$) is used as an index, which must be a scalar.", 2),
    ("sum(A, j, u, 3)", "`u` ($n \\times 1$) is used as a sum's lower bound, which must be a scalar.", 10),
    ("sum(A, j, 1, u)", "`u` ($n \\times 1$) is used as a sum's upper bound, which must be a scalar.", 13),
    (
        "sum(g[j], j, 1, k) + v",
        "Cannot add `sum(g[j], j, 1, k)` ($n \\times 1$) and `v` ($m \\times 1$): the shapes must be equal.",
        0,
    ),
]


@pytest.mark.parametrize(("text", "message", "position"), [pytest.param(*e, id=e[0]) for e in ERRORS])
def test_shape_errors_name_the_operands(text: str, message: str, position: int) -> None:
    with pytest.raises(ShapeError) as caught:
        shape_of(text)
    assert (caught.value.code, caught.value.message, caught.value.position) == ("shape", message, position)


def test_long_operands_are_called_this_part() -> None:
    text = "(A + A + A + A + A + A + A + A + A + A + A) + B"
    with pytest.raises(ShapeError) as caught:
        shape_of(text)
    assert caught.value.message == (
        "Cannot add this part ($m \\times n$) and `B` ($n \\times p$): the shapes must be equal."
    )


def test_the_innermost_mismatch_is_reported_first() -> None:
    with pytest.raises(ShapeError) as caught:
        shape_of("(u A) + B")
    assert caught.value.message.startswith("Cannot matrix-multiply `u` ($n \\times 1$) by `A` ($m \\times n$)")
    assert caught.value.position == 0  # a bracketed operand's span starts at its opening bracket


@pytest.mark.parametrize(
    ("shape", "normal"),
    [((), ()), ((1, 1), ()), ((1,), ()), (("n", 1), ("n", 1)), ((1, "n"), (1, "n")), (("m", "n"), ("m", "n"))],
)
def test_scalars_are_one_by_one(shape: Shape, normal: Shape) -> None:
    assert normalize_shape(shape) == normal


@pytest.mark.parametrize(
    ("shape", "words"), [((), "a scalar"), (("D_a1", "D_x"), "D_a1 × D_x"), (("D", 1), "D × 1"), ((1, "n"), "1 × n")]
)
def test_shapes_are_described_in_the_questions_terms(shape: Shape, words: str) -> None:
    assert describe_shape(shape) == words


def test_a_declared_one_by_one_is_a_scalar() -> None:
    scope = Scope.of(Symbol("b2", (1, 1)), Symbol("x", ("n", 1)))
    assert scope["b2"].shape == ()
    assert infer_shape(resolve(parse("b2 x"), scope), scope) == ("n", 1)

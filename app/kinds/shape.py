"""Shape answers: the size of a matrix in the problem's dimension names, e.g. b1 is `D_a1 × 1` (2b.i).

The reference is a list of dimension names and whole numbers (`[D_a1, 1]`) or `scalar`. Students type
`D_a1 x 1`, `D_a1 × 1`, `D_a1 by 1`, `(D_a1, 1)`, `D_a1,1`, `D_{a_1} \\times 1`, or send a list
`["D_a1", 1]`; `scalar`, `1` and `1x1` all mean a scalar. Names are matched as the engine matches them,
ignoring underscores (and here braces and backslashes too): `Da1` and `D_{a_1}` both mean `D_a1`.
A part asks for one shape: a question about b1 and b2 is two parts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field

from app.engine.errors import StudentError
from app.engine.mathtext import quantity
from app.engine.scope import Dim, Shape, normalize_shape
from app.engine.verdict import Verdict
from app.kinds._common import FormatError, invalid
from app.kinds.base import ANSWER_NAME_HELP, Answer, PartBase, Variant

MAX_TEXT = 200
MAX_SIZE = 10**6
USAGE = "Enter a shape as rows × columns, e.g. `3 × 2`, or `scalar`."
SWAPPED = "Rows and columns are swapped."

_SEPARATORS = re.compile(r"\\times|\\cdot|[×*,·;]|\s+by\s+|\s+[xX]\s+")
_WHOLE = re.compile(r"[0-9]+")
_IGNORED = re.compile(r"[\s_{}\\]")


class ShapePart(PartBase):
    """The shape of one quantity, in symbolic dimensions."""

    widget: ClassVar[tuple[str, ...]] = (
        "line",
        "rows x columns, or scalar",
    )

    not_exported: ClassVar[str | None] = (
        "a shape in symbolic dimensions: equivalent spellings (D_a1 x 1, (D_a1, 1)) need this platform's parser"
    )

    kind: Literal["shape"] = "shape"
    answer: list[str | int] | Literal["scalar"] = Field(description="e.g. [D_a1, 1], or scalar.")
    answer_name: str = Field(
        "the answer",
        description=ANSWER_NAME_HELP,
    )

    def expected(self) -> Shape:
        return () if self.answer == "scalar" else normalize_shape(tuple(self.answer))

    def dimension_names(self, variant: Variant) -> list[str]:
        """The dimensions the problem declares (and those of the answer, should the author have forgotten one)."""
        names = set(variant.dims) | {d for v in variant.variables.values() for d in v.dims if isinstance(d, str)}
        names |= {d for d in self.expected() if isinstance(d, str)}
        return sorted(names, key=lambda n: (n.lower(), n))

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        want = self.expected()
        try:
            got = read_shape(answer, self.dimension_names(variant))
        except StudentError as error:
            return invalid(error)
        if got == want:
            return Verdict.correct()
        if len(got) == 2 and got[::-1] == want:
            return Verdict.incorrect(SWAPPED, "transpose")
        return Verdict.incorrect(f"That is not the shape of {quantity(self.answer_name)}.", "wrong")

    def reference_answer(self, variant: Variant) -> Answer:
        want = self.expected()
        return " × ".join(str(d) for d in want) if want else "scalar"

    def author_problems(self, variant: Variant) -> list[str]:
        declared = set(variant.dims) | {d for v in variant.variables.values() for d in v.dims if isinstance(d, str)}
        want = self.expected()
        problems = [
            f"dimension {d!r} is declared neither in dims nor in a variable's shape"
            for d in want
            if isinstance(d, str) and d not in declared
        ]
        if len(want) == 1 or len(want) > 2:
            problems.append("the answer must be rows × columns, or scalar")
        if any(isinstance(d, int) and d < 1 for d in want):
            problems.append("a dimension must be at least 1")
        return problems

    def public_view(self, variant: Variant) -> dict[str, Any]:
        return {"dimensions": self.dimension_names(variant)}


def read_shape(raw: Any, names: Sequence[str]) -> Shape:
    """A student's shape, normalised (a scalar is `()`), or FormatError."""
    if isinstance(raw, list | tuple):
        if not 1 <= len(raw) <= 4:
            raise FormatError(USAGE)
        pieces: list[Any] = list(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        if len(text) > MAX_TEXT:
            raise FormatError(f"That is {len(text):,} characters long; a shape needs fewer than {MAX_TEXT}.", "limit")
        if text.lower() in ("scalar", "a scalar"):
            return ()
        if text[:1] in "([" and text[-1:] in ")]":
            text = text[1:-1].strip()
        pieces = _pieces(text, names)
    else:
        raise FormatError(USAGE)
    shape = normalize_shape(tuple(_dimension(p, names) for p in pieces))
    if len(shape) == 1:
        raise FormatError("Give both dimensions, rows × columns: a column vector is `n × 1`.")
    if len(shape) > 2:
        raise FormatError(USAGE)
    return shape


def _pieces(text: str, names: Sequence[str]) -> list[str]:
    pieces = _SEPARATORS.split(text)
    if len(pieces) == 1:
        pieces = text.split()
    if len(pieces) == 1 and not _resolves(text, names):  # `1x1`, `D_a1xD_x`: try each x as the separator
        for i, ch in enumerate(text):
            if ch in "xX" and _resolves(text[:i], names) and _resolves(text[i + 1 :], names):
                return [text[:i], text[i + 1 :]]
    return pieces or [text]


def _resolves(piece: str, names: Sequence[str]) -> bool:
    try:
        _dimension(piece, names)
    except FormatError:
        return False
    return True


def _dimension(piece: Any, names: Sequence[str]) -> Dim:
    if isinstance(piece, int) and not isinstance(piece, bool):
        size = piece
    elif isinstance(piece, str) and _WHOLE.fullmatch(piece.strip()) and len(piece.strip()) <= 7:
        size = int(piece.strip())
    elif isinstance(piece, str):
        return _name(piece.strip(), names)
    else:
        raise FormatError(USAGE)
    if not 1 <= size <= MAX_SIZE:
        raise FormatError("A dimension is a whole number from 1 up, or one of the problem's dimension names.")
    return size


def _name(piece: str, names: Sequence[str]) -> str:
    if not piece:
        raise FormatError(USAGE)
    if piece in names:
        return piece
    matches = [n for n in names if _IGNORED.sub("", n) == _IGNORED.sub("", piece)]
    if len(matches) == 1:
        return matches[0]
    shown = "".join(ch if ch.isprintable() else "?" for ch in piece[:30])
    if not names:
        raise FormatError(
            f"Unknown dimension `{shown}`: this problem names no dimensions; use whole numbers.", "unknown_dimension"
        )
    raise FormatError(
        f"Unknown dimension `{shown}`. This problem's dimensions: {', '.join(names)} "
        "(whole numbers such as 1 work too).",
        "unknown_dimension",
    )

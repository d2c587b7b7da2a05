"""Whole-number answers, such as a count of trainable parameters (1d).

The reference is a number or an arithmetic expression over the variant's parameters (`"(k*k*c + 1) * f"`).
Students type `140`, `-3` or `1,400` (digits grouped by three); a JSON integer, or a float with no
fractional part, is accepted too. Anything else — `1.5`, `1e3`, words — is unreadable and costs nothing.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from app.engine.errors import AuthorError
from app.export.model import NumericQuestion, Question, Stem
from app.kinds._common import read_integer
from app.kinds._numeric import NumericPart
from app.kinds.base import Answer, Variant


class IntegerPart(NumericPart):
    """A whole number, compared exactly."""

    widget: ClassVar[tuple[str, ...]] = (
        "line",
        "a whole number",
        "numeric",
    )

    WRONG: ClassVar[str] = "That is not the right number."
    kind: Literal["integer"] = "integer"
    answer: int | str | None = Field(
        None, description="A number, or an expression over the parameters, e.g. `(k*k*c + 1) * f`."
    )

    def read(self, raw: Answer) -> float:
        return read_integer(raw)

    def same(self, got: float, want: float) -> bool:
        return got == want

    def author_value(self, value: float, written: object) -> float:
        if value != round(value):
            raise AuthorError(f"{written!r} gives {value:g} in this variant, which is not a whole number")
        return round(value)

    not_exported: ClassVar[str | None] = None

    def export(self, stem: Stem, variant: Variant) -> Question:
        return NumericQuestion(stem, int(self.reference_answer(variant)), integer=True)

"""Real-number answers, compared with a tolerance.

The reference is a number or an arithmetic expression over the variant's parameters (`"n_neg / n_pos"`).
Students type `0.1`, `1e-3`, `-2.5`, `1,400.5`, or arithmetic on numbers only (`1/3`, `2^-4`, `sqrt(2)`),
read by the engine's whitelisting parser; a name in the answer makes it unreadable (costs nothing).
By default the value must be exact up to round-off (`1/3` or `0.333333333333`, not `0.333`); an author who asks
for decimals gives `sig_figs` (e.g. 3: `0.333` is right for 1/3, `0.33` is not).
"""

from __future__ import annotations

import math
from typing import ClassVar, Literal

from pydantic import Field

from app.engine.errors import AuthorError
from app.export.model import NumericQuestion, Question, Stem
from app.kinds._common import DEFAULT_ATOL, DEFAULT_RTOL, SIG_FIGS, close, read_number
from app.kinds._numeric import NumericPart
from app.kinds.base import Answer, Variant


class NumberPart(NumericPart):
    """A real number, right within `rtol` (relative) plus `atol` (absolute), or to `sig_figs` figures."""

    widget: ClassVar[tuple[str, ...]] = (
        "line",
        "e.g. 0.25",
        "decimal",
    )

    kind: Literal["number"] = "number"
    answer: float | str | None = Field(
        None, description="A number, or an expression over the parameters, e.g. `n_neg / n_pos`."
    )
    rtol: float = Field(DEFAULT_RTOL, ge=0, description="Relative tolerance (by default, round-off only).")
    atol: float = Field(DEFAULT_ATOL, ge=0, description="Absolute tolerance, for answers near zero.")
    sig_figs: int | None = Field(None, ge=1, le=15, description=SIG_FIGS)

    def read(self, raw: Answer) -> float:
        return read_number(raw)

    def same(self, got: float, want: float) -> bool:
        return close(got, want, self.rtol, self.atol, self.sig_figs)

    def author_value(self, value: float, written: object) -> float:
        if not math.isfinite(value):
            raise AuthorError(f"{written!r} is not a finite number in this variant")
        return float(value)

    @property
    def within(self) -> str:
        return " within the tolerance"

    not_exported: ClassVar[str | None] = None

    def export(self, stem: Stem, variant: Variant) -> Question:
        value = float(self.reference_answer(variant))
        if self.sig_figs is not None and value:  # rounding to n figures: half a unit of the last, absolute
            half_unit = 0.5 * 10 ** (math.floor(math.log10(abs(value))) - self.sig_figs + 1)
            return NumericQuestion(stem, value, integer=False, atol=half_unit)
        return NumericQuestion(stem, value, integer=False, rtol=self.rtol, atol=self.atol)

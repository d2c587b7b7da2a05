"""Real-number answers, compared with a tolerance.

The reference is a number or an arithmetic expression over the variant's parameters (`"n_neg / n_pos"`).
Students type `0.1`, `1e-3`, `-2.5`, `1,400.5`, or arithmetic on numbers only (`1/3`, `2^-4`, `sqrt(2)`),
read by the engine's whitelisting parser; a name in the answer makes it unreadable (costs nothing).
By default the value must be exact up to round-off (`1/3` or `0.333333333333`, not `0.333`); an author who asks
for decimals gives `sig_figs` (e.g. 3: `0.333` is right for 1/3, `0.33` is not).
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.engine.errors import AuthorError, StudentError
from app.engine.verdict import Verdict
from app.kinds._common import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    SIG_FIGS,
    calculate,
    close,
    invalid,
    read_number,
    render,
    rendering_problems,
    target_value,
)
from app.kinds.base import Answer, PartBase, Variant

WRONG = "That is not the right value."
SIGN = "Check the sign."


class NumberMistake(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: float | str = Field(description="A wrong answer: a number or an expression over the parameters.")
    message: str = Field(description="Feedback for a student who gives it (without the fix).")


class NumberPart(PartBase):
    """A real number, right within `rtol` (relative) plus `atol` (absolute)."""

    kind: Literal["number"] = "number"
    answer: float | str | None = Field(
        None, description="A number, or an expression over the parameters, e.g. `n_neg / n_pos`."
    )
    target: str | None = Field(None, description="A scalar variable computed from the parameters (the engine's truth).")
    mistakes: list[NumberMistake] = Field(default_factory=list)
    rtol: float = Field(DEFAULT_RTOL, ge=0, description="Relative tolerance (by default, round-off only).")
    atol: float = Field(DEFAULT_ATOL, ge=0, description="Absolute tolerance, for answers near zero.")
    sig_figs: int | None = Field(None, ge=1, le=15, description=SIG_FIGS)

    @model_validator(mode="after")
    def _truth_given(self) -> NumberPart:
        if self.answer is None and self.target is None:
            raise ValueError("give the `answer`, the `target` variable, or both")
        return self

    def truth(self, variant: Variant) -> float:
        """The engine's value of `target` when there is one, else the author's answer."""
        if self.target is None:
            return self.value(self.answer, variant)
        return self.value(float(target_value(variant, self.target)), variant)

    def value(self, spec: float | str | None, variant: Variant) -> float:
        if spec is None:
            raise AuthorError("no answer given")
        value = float(spec if isinstance(spec, float | int) else calculate(spec, variant))
        if not math.isfinite(value):
            raise AuthorError(f"{spec!r} is not a finite number in this variant")
        return value

    def _close(self, got: float, want: float) -> bool:
        return close(got, want, self.rtol, self.atol, self.sig_figs)

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        want = self.truth(variant)
        try:
            got = read_number(answer)
        except StudentError as error:
            return invalid(error)
        if self._close(got, want):
            return Verdict.correct()
        for mistake in self.mistakes:
            if self._close(got, self.value(mistake.answer, variant)):
                return Verdict.incorrect(render(mistake.message, variant), "mistake")
        if self._close(-got, want):
            return Verdict.incorrect(SIGN, "sign")
        return Verdict.incorrect(WRONG, "wrong")

    def reference_answer(self, variant: Variant) -> Answer:
        return self.truth(variant) if self.answer is None else self.value(self.answer, variant)

    def author_problems(self, variant: Variant) -> list[str]:
        problems = rendering_problems([m.message for m in self.mistakes], variant)
        try:
            want = self.truth(variant)
        except AuthorError as error:
            return [*problems, f"the answer: {error}"]
        for mistake in self.mistakes:
            try:
                value = self.value(mistake.answer, variant)
            except AuthorError as error:
                problems.append(f"mistake {mistake.answer!r}: {error}")
                continue
            if self._close(value, want):
                problems.append(f"mistake {mistake.answer!r} equals the answer within the tolerance")
        return problems

    def public_view(self, variant: Variant) -> dict[str, Any]:
        return {"input": "number"}

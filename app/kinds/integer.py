"""Whole-number answers, such as a count of trainable parameters (1d).

The reference is a number or an arithmetic expression over the variant's parameters (`"(k*k*c + 1) * f"`).
Students type `140`, `-3` or `1,400` (digits grouped by three); a JSON integer, or a float with no
fractional part, is accepted too. Anything else — `1.5`, `1e3`, words — is unreadable and costs nothing.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.engine.errors import AuthorError, StudentError
from app.engine.verdict import Verdict
from app.kinds._common import calculate, invalid, read_integer, render, rendering_problems, target_value
from app.kinds.base import Answer, PartBase, Variant

WRONG = "That is not the right number."
SIGN = "Check the sign."


class IntegerMistake(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: int | str = Field(description="A wrong answer: a number or an expression over the parameters.")
    message: str = Field(description="Feedback for a student who gives it (without the fix).")


class IntegerPart(PartBase):
    """A whole number, compared exactly."""

    kind: Literal["integer"] = "integer"
    answer: int | str | None = Field(
        None, description="A number, or an expression over the parameters, e.g. `(k*k*c + 1) * f`."
    )
    target: str | None = Field(
        None, description="A scalar variable computed from the parameters (the engine's truth), e.g. `n_out`."
    )
    mistakes: list[IntegerMistake] = Field(default_factory=list)

    @model_validator(mode="after")
    def _truth_given(self) -> IntegerPart:
        if self.answer is None and self.target is None:
            raise ValueError("give the `answer`, the `target` variable, or both")
        return self

    def truth(self, variant: Variant) -> int:
        """The engine's value of `target` when there is one, else the author's answer."""
        if self.target is None:
            return self.value(self.answer, variant)
        value = float(target_value(variant, self.target))
        if value != round(value):
            raise AuthorError(f"target {self.target} is {value:g} in this variant, which is not a whole number")
        return round(value)

    def value(self, spec: int | str | None, variant: Variant) -> int:
        if spec is None:
            raise AuthorError("no answer given")
        value = spec if isinstance(spec, int) else calculate(spec, variant)
        if not isinstance(value, int):
            raise AuthorError(f"{spec!r} gives {value:g} in this variant, which is not a whole number")
        return value

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        want = self.truth(variant)
        try:
            got = read_integer(answer)
        except StudentError as error:
            return invalid(error)
        if got == want:
            return Verdict.correct()
        for mistake in self.mistakes:
            if got == self.value(mistake.answer, variant):
                return Verdict.incorrect(render(mistake.message, variant), "mistake")
        if got == -want:
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
        seen: set[int] = set()
        for mistake in self.mistakes:
            try:
                value = self.value(mistake.answer, variant)
            except AuthorError as error:
                problems.append(f"mistake {mistake.answer!r}: {error}")
                continue
            if value == want:
                problems.append(f"mistake {mistake.answer!r} equals the answer")
            elif value in seen:
                problems.append(f"mistake {mistake.answer!r} equals an earlier mistake ({value})")
            seen.add(value)
        return problems

    def public_view(self, variant: Variant) -> dict[str, Any]:
        return {"input": "integer"}

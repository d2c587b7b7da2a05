"""The pipeline the numeric kinds share (`integer`, `number`): the truth, reading, comparing, anticipated
mistakes, the sign, and the author's checks. Each kind supplies how it reads a student's answer, how it compares
two values and how an author's value must look; everything else is written once, here."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.engine.errors import AuthorError, StudentError
from app.engine.verdict import Verdict
from app.kinds._common import calculate, invalid, render, rendering_problems, target_value
from app.kinds.base import Answer, PartBase, Variant

SIGN = "Check the sign."


class NumericMistake(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: int | float | str = Field(description="A wrong answer: a number or an expression over the parameters.")
    message: str = Field(description="Feedback for a student who gives it (without the fix).")


class NumericPart(PartBase):
    """A number checked against the truth: the engine's value of `target`, else the author's `answer`.

    Subclasses declare `answer` (its type differs) and implement `read`, `same` and `author_value`."""

    WRONG: ClassVar[str] = "That is not the right value."
    answer: Any
    target: str | None = Field(
        None, description="A scalar variable computed from the parameters (the engine's truth), e.g. `n_out`."
    )
    mistakes: list[NumericMistake] = Field(default_factory=list)

    @model_validator(mode="after")
    def _truth_given(self) -> NumericPart:
        if self.answer is None and self.target is None:
            raise ValueError("give the `answer`, the `target` variable, or both")
        return self

    # -- what a kind supplies ------------------------------------------------------------------------------------
    def read(self, raw: Answer) -> float:  # pragma: no cover - abstract
        """The student's number, or a StudentError (unreadable: costs no attempt)."""
        raise NotImplementedError

    def same(self, got: float, want: float) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def author_value(self, value: float, written: object) -> float:
        """An author's value as the kind wants it (e.g. whole), or an AuthorError naming what was `written`."""
        return value

    # -- the pipeline --------------------------------------------------------------------------------------------
    def value(self, spec: float | str | None, variant: Variant) -> float:
        """An author's number or expression over the parameters, in this variant."""
        if spec is None:
            raise AuthorError("no answer given")
        return self.author_value(spec if isinstance(spec, int | float) else calculate(spec, variant), spec)

    def truth(self, variant: Variant) -> float:
        """The engine's value of `target` when there is one, else the author's answer."""
        if self.target is None:
            return self.value(self.answer, variant)
        return self.author_value(float(target_value(variant, self.target)), f"target {self.target}")

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        want = self.truth(variant)
        try:
            got = self.read(answer)
        except StudentError as error:
            return invalid(error)
        if self.same(got, want):
            return Verdict.correct()
        for mistake in self.mistakes:
            if self.same(got, self.value(mistake.answer, variant)):
                return Verdict.incorrect(render(mistake.message, variant), "mistake")
        if self.same(-got, want):
            return Verdict.incorrect(SIGN, "sign")
        return Verdict.incorrect(self.WRONG, "wrong")

    def reference_answer(self, variant: Variant) -> Answer:
        return self.truth(variant) if self.answer is None else self.value(self.answer, variant)

    def author_problems(self, variant: Variant) -> list[str]:
        problems = rendering_problems([m.message for m in self.mistakes], variant)
        try:
            want = self.truth(variant)
        except AuthorError as error:
            return [*problems, f"the answer: {error}"]
        seen: list[float] = []
        for mistake in self.mistakes:
            try:
                value = self.value(mistake.answer, variant)
            except AuthorError as error:
                problems.append(f"mistake {mistake.answer!r}: {error}")
                continue
            if self.same(value, want):
                problems.append(f"mistake {mistake.answer!r} equals the answer{self.within}")
            elif any(self.same(value, earlier) for earlier in seen):
                problems.append(f"mistake {mistake.answer!r} equals an earlier mistake ({value:g})")
            seen.append(value)
        return problems

    @property
    def within(self) -> str:
        """How equality is meant, for authors' messages."""
        return ""

    def public_view(self, variant: Variant) -> dict[str, Any]:
        return {"input": self.kind}  # type: ignore[attr-defined]  # every concrete kind declares its `kind`

"""Select all that apply, with partial credit.

Scoring ("every decision counts", PrairieLearn's EDC rule): each option is a true/false judgement — a
true option should be selected, a false one left out — and the score is the share of options judged
right. The status is correct only when every option is. Feedback says how many options are misjudged,
never which, except that the `feedback` of a selected false option is shown.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from app.engine.errors import StudentError
from app.engine.verdict import Verdict
from app.export.model import Question, Stem
from app.kinds._common import Choice, FormatError, be, choice_question, invalid, render, rendering_problems, unique_ids
from app.kinds.base import Answer, PartBase, Variant

MAX_SELECTED = 100


class CheckboxOption(Choice):
    correct: bool = Field(False, description="Whether the statement is true (should be selected).")
    feedback: str | None = Field(None, description="Shown to a student who selects this option while it is false.")


class CheckboxPart(PartBase):
    """Select every true option; the answer is the list of selected option ids (empty: none of them)."""

    widget: ClassVar[tuple[str, ...]] = ("checkbox",)

    kind: Literal["checkbox"] = "checkbox"
    options: list[CheckboxOption] = Field(min_length=1, max_length=26)

    @model_validator(mode="after")
    def _unique(self) -> CheckboxPart:
        unique_ids(self.options, "option")
        return self

    def _read(self, answer: Answer) -> set[str]:
        if isinstance(answer, str) or not isinstance(answer, list | tuple):
            raise FormatError("Select the options as a list of option ids.")
        if len(answer) > MAX_SELECTED:
            raise FormatError("Too many selections.", "limit")
        ids = [o.id for o in self.options]
        if not all(isinstance(a, str) and a.strip() in ids for a in answer):
            raise FormatError(f"Select among the options: {', '.join(ids)}.", "unknown_id")
        return {a.strip() for a in answer}

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        try:
            selected = self._read(answer)
        except StudentError as error:
            return invalid(error)
        misjudged = [o for o in self.options if (o.id in selected) != o.correct]
        if not misjudged:
            return Verdict.correct()
        n, k = len(self.options), len(misjudged)
        lines = [f"{k} of the {n} options {be(k)} misjudged: a true statement left out or a false one selected."]
        lines += [render(o.feedback, variant) for o in misjudged if o.feedback and o.id in selected]
        score = (n - k) / n
        return Verdict.incorrect("\n".join(lines), "partial" if score > 0 else "wrong", score=score)

    def reference_answer(self, variant: Variant) -> Answer:
        return [o.id for o in self.options if o.correct]

    def author_problems(self, variant: Variant) -> list[str]:
        problems = rendering_problems(
            [o.text for o in self.options] + [o.feedback or "" for o in self.options], variant
        )
        if not any(o.correct for o in self.options):
            problems.append("no option is correct: mark at least one with `correct: true`")
        problems += [
            f"option {o.id!r} is correct, so its feedback is never shown"
            for o in self.options
            if o.correct and o.feedback
        ]
        return problems

    def public_view(self, variant: Variant) -> dict[str, Any]:
        return {"options": [{"id": o.id, "text": render(o.text, variant)} for o in self.options]}

    not_exported: ClassVar[str | None] = None

    def export(self, stem: Stem, variant: Variant) -> Question:
        return choice_question(stem, self.options, set(self.reference_answer(variant)), variant, multiple=True)

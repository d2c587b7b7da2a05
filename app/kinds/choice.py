"""Multiple choice with one right option: fixed (`answer`) or computed per variant (`answer_param`).

The student's answer is the chosen option's id, e.g. `"B"`. `answer_param` names a parameter whose value
is the right option's id, for questions whose figure (and so whose answer) changes with the seed.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from app.engine.errors import StudentError
from app.engine.verdict import Verdict
from app.export.model import Question, Stem
from app.kinds._common import (
    Choice,
    choice_question,
    exactly_one,
    invalid,
    param,
    read_id,
    render,
    rendering_problems,
    unique_ids,
)
from app.kinds.base import Answer, PartBase, Variant

WRONG = "That is not the right option."


class Option(Choice):
    feedback: str | None = Field(None, description="Shown to a student who picks this option.")


class ChoicePart(PartBase):
    """Pick one option among `options`."""

    widget: ClassVar[tuple[str, ...]] = ("choice",)

    kind: Literal["choice"] = "choice"
    options: list[Option] = Field(min_length=2, max_length=26)
    answer: str | None = Field(None, description="Id of the right option.")
    answer_param: str | None = Field(None, description="Parameter whose value is the right option's id.")

    @model_validator(mode="after")
    def _consistent(self) -> ChoicePart:
        exactly_one("answer, answer_param", self.answer, self.answer_param)
        unique_ids(self.options, "option")
        return self

    def right_id(self, variant: Variant) -> str:
        if self.answer is not None:
            return self.answer
        return str(param(variant, str(self.answer_param)))

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        right = self.right_id(variant)
        try:
            chosen = read_id(answer, [o.id for o in self.options], "option")
        except StudentError as error:
            return invalid(error)
        option = next(o for o in self.options if o.id == chosen)
        feedback = render(option.feedback, variant) if option.feedback else None
        if chosen == right:
            return Verdict.correct(feedback or "Correct.")
        return Verdict.incorrect(feedback or WRONG, "wrong")

    def reference_answer(self, variant: Variant) -> Answer:
        return self.right_id(variant)

    def author_problems(self, variant: Variant) -> list[str]:
        problems = rendering_problems(
            [o.text for o in self.options] + [o.feedback or "" for o in self.options], variant
        )
        ids = [o.id for o in self.options]
        if self.answer_param is not None and self.answer_param not in variant.params:
            return [*problems, f"answer_param {self.answer_param!r} is not a parameter"]
        if self.right_id(variant) not in ids:
            problems.append(f"the answer {self.right_id(variant)!r} is not an option id ({', '.join(ids)})")
        return problems

    def public_view(self, variant: Variant) -> dict[str, Any]:
        return {"options": [{"id": o.id, "text": render(o.text, variant)} for o in self.options]}

    not_exported: ClassVar[str | None] = None

    def export(self, stem: Stem, variant: Variant) -> Question:
        return choice_question(stem, self.options, {self.reference_answer(variant)}, variant, multiple=False)

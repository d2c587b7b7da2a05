"""Free-text answers ("justify in no more than three sentences"): never auto-graded.

Contract: `check` accepts any non-empty text of at most 5,000 characters and returns
`Verdict(status="saved", score=0.0, reason="self_assessment")`: the answer is kept, not graded. Its points count
once a person grades it: the student's self-assessment against the rubric (after seeing the model answer), or an
instructor (`app.storage.grading`). Prose is never marked right or wrong by the machine.

`keywords` is an optional keyword rubric: for each group whose words (`any`) all are missing from the answer,
its `suggestion` is added to the feedback, clearly labelled as a suggestion and not a grade.
Storage of the text is elsewhere; `check` keeps nothing.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.engine.verdict import Verdict
from app.kinds._common import render, rendering_problems
from app.kinds.base import Answer, PartBase, Variant

MAX_LENGTH = 5000
SAVED = "Saved, not graded: compare your answer with the model answer and tick what it covers in the rubric."
SUGGESTIONS = "Suggestions from a keyword check (not a grade):"


class Keywords(BaseModel):
    model_config = ConfigDict(extra="forbid")
    any: list[str] = Field(min_length=1, description="Words or phrases; the group is covered when one occurs.")
    suggestion: str = Field(description="Shown when none occurs, e.g. `Did you consider the learning rate?`")


class TextPart(PartBase):
    """A short written answer, compared by the student with `model_answer` and `rubric`."""

    widget: ClassVar[tuple[str, ...]] = ("text",)

    not_exported: ClassVar[str | None] = "free text for self-assessment: never auto-graded"

    solution_once_answered: ClassVar[bool] = True  # the model answer, against which the student grades themself

    kind: Literal["text"] = "text"
    model_answer: str = Field(description="Markdown; shown after the student submits.")
    rubric: list[str] = Field(
        default_factory=list, description="Points a good answer makes (self-assessment checklist)."
    )
    keywords: list[Keywords] = Field(default_factory=list)

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        if not isinstance(answer, str):
            return Verdict.invalid("Write your answer as text.", "format")
        if not answer.strip():
            return Verdict.invalid("Write something first.", "empty")
        if len(answer) > MAX_LENGTH:
            return Verdict.invalid(
                f"Your answer is {len(answer):,} characters long; the limit is {MAX_LENGTH:,}.", "limit"
            )
        missing = [render(k.suggestion, variant) for k in self.keywords if not _mentions(answer, k.any)]
        feedback = "\n".join([SAVED, SUGGESTIONS, *(f"- {s}" for s in missing)] if missing else [SAVED])
        return Verdict(status="saved", score=0.0, reason="self_assessment", feedback=feedback)

    def self_assessment(self, variant: Variant) -> dict[str, Any]:
        """What to show after a submission: the model answer and the rubric."""
        return {"model_answer": render(self.model_answer, variant), "rubric": [render(r, variant) for r in self.rubric]}

    def has_solution(self) -> bool:
        return True  # the model answer

    def reference_answer(self, variant: Variant) -> Answer:
        return render(self.model_answer, variant)

    def author_problems(self, variant: Variant) -> list[str]:
        texts = [self.model_answer, *self.rubric, *(k.suggestion for k in self.keywords)]
        problems = rendering_problems(texts, variant)
        if not problems:
            model = self.reference_answer(variant)
            problems += [
                f"the model answer misses the keywords {k.any}" for k in self.keywords if not _mentions(model, k.any)
            ]
            if len(model) > MAX_LENGTH:
                problems.append(f"the model answer is longer than the {MAX_LENGTH:,} characters students may write")
        return problems

    def public_view(self, variant: Variant) -> dict[str, Any]:
        return {"max_length": MAX_LENGTH}


def _mentions(text: str, words: list[str]) -> bool:
    """Whether a word or phrase occurs, case-insensitively, at a word start (`dropout` matches `Dropout,`)."""
    lowered = " ".join(text.lower().split())
    return any(re.search(r"(?<!\w)" + re.escape(" ".join(w.lower().split())), lowered) for w in words)

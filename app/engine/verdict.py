"""The engine's answer about one answer: the contract between the engine, the API and the pages."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

# saved: accepted but not graded by the engine (free text; a self-assessment or an instructor grades it).
Status = Literal["correct", "incorrect", "invalid", "saved"]


class Verdict(BaseModel):
    """Correct, incorrect (costs an attempt) or invalid (could not be read; costs nothing), and why."""

    status: Status
    score: float = Field(0.0, ge=0.0, le=1.0, description="Share of the part's points earned, 0 to 1.")
    feedback: str = Field(
        "",
        description="What to tell the student; never the answer itself. Plain text in which `$…$` is inline LaTeX "
        "(shapes, names: `$D_{x} \\times 1$`), `` `…` `` quotes a name or the answer, `\\$` is a dollar sign; after "
        "an answer that cannot be read, its last two lines are the answer and a caret under the offending character.",
    )
    reason: str = Field("", description="Machine-readable cause: correct, shape, sign, transpose, factor, ...")
    latex: str | None = Field(None, description="How the answer was read, as LaTeX.")
    position: int | None = Field(None, description="0-based offset of the offending character, if any.")
    note: str | None = Field(
        None, description="How an answer following an easily misread convention was read, e.g. `a/b c` as (a/b)·c."
    )

    @classmethod
    def correct(cls, feedback: str = "Correct.", latex: str | None = None, score: float = 1.0) -> Verdict:
        return cls(status="correct", score=score, feedback=feedback, reason="correct", latex=latex)

    @classmethod
    def incorrect(cls, feedback: str, reason: str = "wrong", latex: str | None = None, score: float = 0.0) -> Verdict:
        return cls(status="incorrect", score=score, feedback=feedback, reason=reason, latex=latex)

    @classmethod
    def invalid(cls, feedback: str, reason: str = "invalid", position: int | None = None) -> Verdict:
        return cls(status="invalid", feedback=feedback, reason=reason, position=position)

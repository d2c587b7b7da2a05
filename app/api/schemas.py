"""Bodies of the REST API v1: the contract integrators code against."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from app.engine.verdict import Verdict


class PartListing(BaseModel):
    """A part as the problem list shows it (not the learner's progress on it: that is storage's PartSummary)."""

    id: str
    label: str = Field(description="The exam's numbering, e.g. 2b.viii.")
    kind: str
    points: float


class ProblemSummary(BaseModel):
    id: str
    title: str
    set: str
    parts: list[PartListing]


class CheckRequest(BaseModel):
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Variant; 0 is the exam as printed.")
    answers: dict[str, Any] = Field(description="Part id → answer (a string for expressions, see each kind).")


class PreviewRequest(BaseModel):
    problem_id: str
    part_id: str
    seed: int = Field(0, ge=0, le=2**31 - 1)
    text: str = Field(max_length=10_000, description="The expression as typed so far.")


class PreviewResponse(BaseModel):
    status: str = Field(description="`ok` when the expression can be read, else `invalid`.")
    latex: str | None = Field(None, description="How the expression is read, as LaTeX.")
    shape: str | None = Field(None, description="Its shape in the question's dimensions, e.g. `D_a1 × D_x`.")
    shape_latex: str | None = Field(
        None, description="The same shape as LaTeX, e.g. `D_{a_{1}} \\times D_{x}`; null for a scalar."
    )
    feedback: str = Field(
        "", description="Why it cannot be read (text with `$…$` math, as a verdict's feedback), with a caret line."
    )
    position: int | None = None
    note: str | None = Field(None, description="How an easily misread convention was read, e.g. `a/b c` as (a/b)·c.")


class CheckResponse(BaseModel):
    problem: str
    seed: int
    parts: dict[str, Verdict]
    score: float = Field(description="Points earned by the answered parts.")
    max_score: float = Field(description="Points of the answered parts.")

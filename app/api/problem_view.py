"""GET /api/v1/problems/{id}?seed=N: a problem's variant as a student sees it, never with its answers.

The statement and prompts are Markdown (with $…$ math) with the variant's parameters filled in; generated figures
come as SVG. Each part carries what its kind's `public_view` shows before answering (the names an expression may
use and their shapes, the options of a choice, …) and when its solution shows; the problem carries its set's due
date. Solutions, reference and model answers, listed mistakes, `correct` flags, rubrics and hints' texts stay on
the server.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.api.auth import OPEN, OPTIONAL_KEY, allow_anonymous, problem_doc
from app.bank.figures import render_figure
from app.bank.models import Figure
from app.bank.variants import make_variant
from app.deps import BankDep, ProblemDep
from app.engine.parameters import render_text
from app.solution_policy import PartPolicy, part_policy
from app.storage.repository import MAX_SEED

router = APIRouter(prefix="/api/v1", tags=["problems"], responses=OPEN, dependencies=[Depends(allow_anonymous())])


class FigureOut(BaseModel):
    id: str
    caption: str = Field(description="Markdown.")
    alt: str = Field(description="Text alternative for screen readers.")
    svg: str | None = Field(None, description="The figure drawn for this variant (generated figures).")
    src: str | None = Field(None, description="A static image's path (other figures).")


class SolutionsOut(BaseModel):
    """When a part's solution shows on the pages: the part's own rules over its set's (`app.solution_policy`)."""

    after_attempts: int | None = Field(
        description="Counted attempts at a variant after which its solution shows (0: from the start); null: not "
        "by attempts (using up `max_attempts` shows it too)."
    )
    on_request: bool = Field(description="A student may ask for it before the due date, forfeiting the part's points.")
    after_due: bool = Field(description="It shows once the set's due date has passed.")
    words: str = Field(description="The rule as the pages say it, e.g. `Solutions: after the due date.`")

    @classmethod
    def of(cls, policy: PartPolicy) -> SolutionsOut:
        return cls(
            after_attempts=policy.after_attempts,
            on_request=policy.on_request,
            after_due=policy.after_due,
            words=policy.words(),
        )


class PartOut(BaseModel):
    id: str
    label: str = Field(description="The exam's numbering, e.g. 2b.viii.")
    kind: str
    points: float
    prompt: str = Field(description="Markdown with the variant's parameters filled in.")
    max_attempts: int | None = Field(description="Counted attempts allowed, over every variant; null: unlimited.")
    hints: int = Field(description="How many hints the part has (the pages reveal them one at a time).")
    solutions: SolutionsOut
    public_view: dict[str, Any] = Field(
        description="What the input needs, by kind: `names` (with shapes) an expression may use, `options`, "
        "`items` and `choices`, `fields`, `dimensions`, `rows`/`cols`, …"
    )


class ProblemVariant(BaseModel):
    id: str
    title: str
    set: str
    seed: int = Field(description="The variant; 0 is the exam as printed.")
    due: datetime | None = Field(
        description="The set's due date, ISO 8601 with the author's UTC offset; afterwards answers are still "
        "checked, for practice, and count nothing. null: no due date."
    )
    statement: str = Field(description="Markdown with the variant's parameters filled in.")
    figures: list[FigureOut]
    parts: list[PartOut]


def _figure(figure: Figure, seed: int) -> FigureOut:
    svg = render_figure(figure.generator, seed).svg if figure.generator else None
    return FigureOut(id=figure.id, caption=figure.caption, alt=figure.alt, svg=svg, src=figure.src)


@router.get(
    "/problems/{problem_id}",
    response_model=ProblemVariant,
    responses={404: problem_doc("No problem with this id.")},
    openapi_extra=OPTIONAL_KEY,
)
def problem_variant(
    spec: ProblemDep,
    bank: BankDep,
    seed: Annotated[int, Query(ge=0, le=MAX_SEED, description="Variant; 0 is the exam as printed.")] = 0,
) -> ProblemVariant:
    """A variant of the problem without its answers: statement, figures, and each part's prompt and input."""
    variant = make_variant(spec, seed)
    params = dict(variant.params)
    set_spec = bank.set_spec(spec.set)
    parts = [
        PartOut(
            id=part.id,
            label=part.label,
            kind=part.kind,
            points=part.points,
            prompt=render_text(part.prompt, params),
            max_attempts=part.max_attempts,
            hints=len(part.hints),
            solutions=SolutionsOut.of(part_policy(part, set_spec)),
            public_view=part.public_view(variant),
        )
        for part in spec.parts
    ]
    return ProblemVariant(
        id=spec.id,
        title=spec.title,
        set=spec.set,
        seed=seed,
        due=set_spec.due,
        statement=render_text(spec.statement, params),
        figures=[_figure(f, seed) for f in spec.figures],
        parts=parts,
    )

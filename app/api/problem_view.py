"""GET /api/v1/problems/{id}?seed=N: a problem's variant as a student sees it, never with its answers.

The statement and prompts are Markdown (with $…$ math) with the variant's parameters filled in; generated figures
come as SVG. Each part carries what its kind's `public_view` shows before answering (the names an expression may
use and their shapes, the options of a choice, …). Solutions, reference and model answers, listed mistakes,
`correct` flags, rubrics and hints' texts stay on the server.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.api.auth import OPEN, OPTIONAL_KEY, allow_anonymous, problem_doc
from app.api.deps import ProblemDep
from app.bank.figures import render_figure
from app.bank.models import Figure
from app.bank.variants import make_variant
from app.engine.parameters import render_text
from app.storage.repository import MAX_SEED

router = APIRouter(prefix="/api/v1", tags=["problems"], responses=OPEN, dependencies=[Depends(allow_anonymous())])


class FigureOut(BaseModel):
    id: str
    caption: str = Field(description="Markdown.")
    alt: str = Field(description="Text alternative for screen readers.")
    svg: str | None = Field(None, description="The figure drawn for this variant (generated figures).")
    src: str | None = Field(None, description="A static image's path (other figures).")


class PartOut(BaseModel):
    id: str
    label: str = Field(description="The exam's numbering, e.g. 2b.viii.")
    kind: str
    points: float
    prompt: str = Field(description="Markdown with the variant's parameters filled in.")
    max_attempts: int | None = Field(description="Counted attempts allowed, over every variant; null: unlimited.")
    hints: int = Field(description="How many hints the part has (the pages reveal them one at a time).")
    public_view: dict[str, Any] = Field(
        description="What the input needs, by kind: `names` (with shapes) an expression may use, `options`, "
        "`items` and `choices`, `fields`, `dimensions`, `rows`/`cols`, …"
    )


class ProblemVariant(BaseModel):
    id: str
    title: str
    set: str
    seed: int = Field(description="The variant; 0 is the exam as printed.")
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
    seed: Annotated[int, Query(ge=0, le=MAX_SEED, description="Variant; 0 is the exam as printed.")] = 0,
) -> ProblemVariant:
    """A variant of the problem without its answers: statement, figures, and each part's prompt and input."""
    variant = make_variant(spec, seed)
    params = dict(variant.params)
    parts = [
        PartOut(
            id=part.id,
            label=part.label,
            kind=part.kind,
            points=part.points,
            prompt=render_text(part.prompt, params),
            max_attempts=part.max_attempts,
            hints=len(part.hints),
            public_view=part.public_view(variant),
        )
        for part in spec.parts
    ]
    return ProblemVariant(
        id=spec.id,
        title=spec.title,
        set=spec.set,
        seed=seed,
        statement=render_text(spec.statement, params),
        figures=[_figure(f, seed) for f in spec.figures],
        parts=parts,
    )

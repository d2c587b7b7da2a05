"""What the pages show: problems, parts and progress prepared for the templates (no answers before release)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from app.bank.figures import render_figure
from app.bank.models import ProblemSpec
from app.bank.variants import make_variant
from app.engine.parameters import render_text
from app.kinds import PartSpec, Variant
from app.practice import attempts_left
from app.storage.repository import PartSummary
from app.web.markdown import to_html, to_inline_html


@dataclass
class FigureView:
    id: str
    caption: Markup
    alt: str
    svg: Markup | None = None
    src: str | None = None


@dataclass
class PartView:
    part: PartSpec
    prompt: Markup
    widget: dict[str, Any]
    summary: PartSummary | None
    attempts_left: int | None
    hints: list[Markup] = field(default_factory=list)
    more_hints: bool = False
    solution: Markup | None = None
    released: bool = False

    @property
    def status(self) -> str:
        """not-started | correct | incorrect | invalid | recorded (free text, self-assessed)."""
        if self.summary is None or self.summary.last_status is None:
            return "not-started"
        if self.part.kind == "text" and self.summary.last_status == "correct":
            return "recorded"
        return self.summary.last_status


@dataclass
class ProblemView:
    problem: ProblemSpec
    variant: Variant
    statement: Markup
    figures: list[FigureView]
    parts: list[PartView]

    @property
    def score(self) -> float:
        return sum(p.part.points * (p.summary.best_score if p.summary else 0.0) for p in self.parts)

    @property
    def max_score(self) -> float:
        return sum(p.part.points for p in self.parts)


def markdown(text: str, variant: Variant) -> Markup:
    return to_html(render_text(text, dict(variant.params)))


def inline(text: str, variant: Variant) -> Markup:
    return to_inline_html(render_text(text, dict(variant.params)))


def released(part: PartSpec, summary: PartSummary | None, reveal_all: bool) -> bool:
    """Whether the solution (model answer, rubric) may be shown: the part's rule, or an instructor."""
    if reveal_all:
        return True
    if summary is None:
        return False
    if summary.solved or (part.kind == "text" and summary.attempts_used > 0):
        return True
    if part.solution_after is not None and summary.attempts_used >= part.solution_after:
        return True
    return part.max_attempts is not None and summary.attempts_used >= part.max_attempts


def problem_view(
    problem: ProblemSpec,
    seed: int,
    summaries: dict[str, PartSummary] | None = None,
    hints_revealed: dict[str, int] | None = None,
    reveal_all: bool = False,
    budgets: dict[str, PartSummary] | None = None,
) -> ProblemView:
    """`summaries` are the learner's at this variant; `budgets` count attempts over every variant."""
    variant = make_variant(problem, seed)
    summaries, hints_revealed, budgets = summaries or {}, hints_revealed or {}, budgets or {}
    parts = []
    for part in problem.parts:
        summary = summaries.get(part.id)
        shown = len(part.hints) if reveal_all else min(hints_revealed.get(part.id, 0), len(part.hints))
        is_released = released(part, summary, reveal_all)
        parts.append(
            PartView(
                part=part,
                prompt=markdown(part.prompt, variant),
                widget=_widget(part, variant),
                summary=summary,
                attempts_left=attempts_left(part, budgets.get(part.id)),
                hints=[inline(h, variant) for h in part.hints[:shown]],
                more_hints=shown < len(part.hints),
                solution=markdown(part.solution, variant) if is_released and part.solution else None,
                released=is_released,
            )
        )
    figures = [_figure(f, seed) for f in problem.figures]
    return ProblemView(problem, variant, markdown(problem.statement, variant), figures, parts)


def _widget(part: PartSpec, variant: Variant) -> dict[str, Any]:
    view = dict(part.public_view(variant))
    for key in ("options", "items", "choices"):
        if key in view:
            view[key] = [{**o, "html": to_inline_html(o["text"])} for o in view[key]]
    if "fields" in view:
        view["fields"] = [{**f, "html": to_inline_html(f["label"])} for f in view["fields"]]
    return view


def _figure(figure: Any, seed: int) -> FigureView:
    caption = to_inline_html(figure.caption)
    if figure.generator:
        svg = Markup(render_figure(figure.generator, seed).svg)  # drawn by our own generator, no student text
        return FigureView(figure.id, caption, figure.alt, svg=svg)
    return FigureView(figure.id, caption, figure.alt, src=figure.src)

"""What the pages show: problems, parts and progress prepared for the templates (no answers before release)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from app.bank.figures import render_figure
from app.bank.models import ProblemSpec
from app.bank.variants import make_variant
from app.engine.parameters import render_text, tex
from app.grading import rubric_items
from app.kinds import PartSpec, Variant
from app.practice import attempts_left
from app.scoring import Key, PartScore
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
    attempts_used: int = 0  # counted attempts over every variant
    hints: list[Markup] = field(default_factory=list)
    more_hints: bool = False
    solution: Markup | None = None
    released: bool = False
    draft: Any = None
    counted: PartScore | None = None  # the score that counts for this part, over every variant (`app.scoring`)

    @property
    def forfeited(self) -> bool:
        return self.counted is not None and self.counted.forfeited

    @property
    def can_give_up(self) -> bool:
        """The part offers its solution on request, and it is not shown yet."""
        has_solution = bool(self.part.solution) or self.part.kind == "text"
        return self.part.solution_on_request and has_solution and not self.released

    @property
    def shown_answer(self) -> Any:
        """What the widget shows: the unchecked draft, else the last submitted answer."""
        if self.draft is not None:
            return self.draft
        return self.summary.last_answer if self.summary else None

    rubric: list[Markup] = field(default_factory=list)

    @property
    def status(self) -> str:
        """not-started | correct | incorrect | invalid | saved (free text, not graded) | graded (free text)."""
        if self.summary is None or self.summary.last_status is None:
            return "not-started"
        if self.summary.last_status == "saved" and self.summary.last_graded_by:
            return "graded"
        return self.summary.last_status

    @property
    def can_self_assess(self) -> bool:
        """A saved answer, the model answer shown, and no instructor's grade yet (which would stand)."""
        s = self.summary
        return bool(self.released and s and s.last_status == "saved" and s.last_graded_by != "instructor")


@dataclass
class ProblemView:
    problem: ProblemSpec
    variant: Variant
    statement: Markup
    figures: list[FigureView]
    parts: list[PartView]

    @property
    def score(self) -> float:
        """Points that count on the problem, over every variant (what the set page shows too)."""
        return sum(p.part.points * (p.counted.score if p.counted else 0.0) for p in self.parts)

    @property
    def max_score(self) -> float:
        return sum(p.part.points for p in self.parts)


def markdown(text: str, variant: Variant) -> Markup:
    return to_html(render_text(text, dict(variant.params)))


def inline(text: str, variant: Variant) -> Markup:
    return to_inline_html(render_text(text, dict(variant.params)))


def released(part: PartSpec, summary: PartSummary | None, reveal_all: bool, forfeited: bool = False) -> bool:
    """Whether the solution (model answer, rubric) may be shown: the part's rule, a give-up, or an instructor."""
    if reveal_all or forfeited:
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
    drafts: dict[str, Any] | None = None,
    scores: Mapping[Key, PartScore] | None = None,
) -> ProblemView:
    """`summaries` are the learner's at this variant; `budgets` count attempts over every variant."""
    variant = make_variant(problem, seed)
    summaries, hints_revealed, budgets = summaries or {}, hints_revealed or {}, budgets or {}
    drafts = drafts or {}
    parts = []
    for part in problem.parts:
        summary = summaries.get(part.id)
        shown = len(part.hints) if reveal_all else min(hints_revealed.get(part.id, 0), len(part.hints))
        counted = (scores or {}).get((problem.id, part.id))
        budget = budgets.get(part.id)
        used = budget.attempts_used if budget else 0  # over every variant
        is_released = released(part, summary, reveal_all, counted is not None and counted.forfeited)
        parts.append(
            PartView(
                part=part,
                prompt=markdown(part.prompt, variant),
                widget=_widget(part, variant),
                summary=summary,
                attempts_used=used,
                attempts_left=attempts_left(part, budget),
                hints=[inline(h, variant) for h in part.hints[:shown]],
                more_hints=shown < len(part.hints),
                solution=markdown(part.solution, variant) if is_released and part.solution else None,
                released=is_released,
                draft=drafts.get(part.id),
                counted=counted,
                rubric=[inline(r, variant) for r in rubric_items(part)] if part.kind == "text" else [],
            )
        )
    figures = [_figure(f, seed) for f in problem.figures]
    return ProblemView(problem, variant, markdown(problem.statement, variant), figures, parts)


def _widget(part: PartSpec, variant: Variant) -> dict[str, Any]:
    view = dict(part.public_view(variant))
    for key in ("options", "items", "choices"):
        if key in view:
            view[key] = [{**o, "html": to_inline_html(o["text"])} for o in view[key]]
    if view.get("given"):  # a matrix the part shows, as TeX (typeset by KaTeX, or as MathML without JavaScript)
        view["given_tex"] = f"{view['given']['name']} = {tex(view['given']['value'])}"
    if "fields" in view:
        view["fields"] = [{**f, "html": to_inline_html(f["label"])} for f in view["fields"]]
    return view


def _figure(figure: Any, seed: int) -> FigureView:
    caption = to_inline_html(figure.caption)
    if figure.generator:
        svg = Markup(render_figure(figure.generator, seed).svg)  # drawn by our own generator, no student text
        return FigureView(figure.id, caption, figure.alt, svg=svg)
    return FigureView(figure.id, caption, figure.alt, src=figure.src)

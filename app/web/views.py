"""What the pages show: problems, parts and progress prepared for the templates (no answers before release)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup

from app.bank.figures import render_figure
from app.bank.models import ProblemSpec, SetSpec
from app.bank.variants import make_variant
from app.engine.parameters import render_text, tex
from app.grading import rubric_items
from app.kinds import PartSpec, Variant
from app.scoring import Key, PartScore
from app.solution_policy import PartPolicy, Record, Standing, part_policy, set_policy, standing
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
    standing: Standing  # what the solution policy allows now (`app.solution_policy`)
    attempts_used: int = 0  # counted attempts over every variant
    hints: list[Markup] = field(default_factory=list)
    more_hints: bool = False
    solution: Markup | None = None
    draft: Any = None
    counted: PartScore | None = None  # the score that counts for this part, over every variant (`app.scoring`)
    policy_words: str | None = None  # the part's solution policy, when it is not its set's

    @property
    def forfeited(self) -> bool:
        return self.counted is not None and self.counted.forfeited

    @property
    def released(self) -> bool:
        """The solution (model answer, rubric) may be shown."""
        return self.standing.solution_shown

    @property
    def can_give_up(self) -> bool:
        """'Show solution' is offered (its points forfeited)."""
        return self.standing.offers_solution

    @property
    def attempts_left(self) -> int | None:
        return self.standing.attempts_left

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


@dataclass(frozen=True)
class Deadline:
    """A set's due date as the pages show it."""

    when: datetime
    passed: bool

    @property
    def text(self) -> str:
        return due_text(self.when)


def due_text(when: datetime) -> str:
    """`Friday 6 March 2026, 23:59 (UTC-08:00)`: in the author's time zone, which is named by its offset."""
    offset = f"{when:%z}"
    zone = "UTC" if not when.utcoffset() else f"UTC{offset[:-2]}:{offset[-2:]}"
    return f"{when:%A} {when.day} {when:%B %Y, %H:%M} ({zone})"


def deadline(set_spec: SetSpec, now: datetime) -> Deadline | None:
    return None if set_spec.due is None else Deadline(set_spec.due, set_policy(set_spec).past_due(now))


@dataclass
class ProblemView:
    problem: ProblemSpec
    variant: Variant
    statement: Markup
    figures: list[FigureView]
    parts: list[PartView]
    deadline: Deadline | None = None
    policy_words: str = ""  # the set's solution policy

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


# Where no set has a due date the time decides nothing (the instructor's preview): any instant will do.
_ANY_TIME = datetime(2000, 1, 1, tzinfo=UTC)


def problem_view(
    problem: ProblemSpec,
    seed: int,
    summaries: dict[str, PartSummary] | None = None,
    hints_revealed: dict[str, int] | None = None,
    reveal_all: bool = False,
    budgets: dict[str, PartSummary] | None = None,
    drafts: dict[str, Any] | None = None,
    scores: Mapping[Key, PartScore] | None = None,
    *,
    set_spec: SetSpec | None = None,
    now: datetime | None = None,
) -> ProblemView:
    """`summaries` are the learner's at this variant; `budgets` count attempts over every variant. `set_spec` gives
    the due date and solution policy (by default none), `now` the time (needed with a due date)."""
    variant = make_variant(problem, seed)
    summaries, hints_revealed, budgets = summaries or {}, hints_revealed or {}, budgets or {}
    drafts = drafts or {}
    set_spec = set_spec or SetSpec(id=problem.set, title=problem.set)
    if now is None and set_spec.due is not None:
        raise ValueError("a set with a due date needs the time to show its problems")
    now = now or _ANY_TIME
    set_words = set_policy(set_spec).words()
    parts = []
    for part in problem.parts:
        summary = summaries.get(part.id)
        shown = len(part.hints) if reveal_all else min(hints_revealed.get(part.id, 0), len(part.hints))
        counted = (scores or {}).get((problem.id, part.id))
        policy = part_policy(part, set_spec)
        record = Record.of(budgets.get(part.id), summary, gave_up=counted is not None and counted.forfeited)
        now_standing = standing(part, policy, record, now, instructor=reveal_all)
        parts.append(
            PartView(
                part=part,
                prompt=markdown(part.prompt, variant),
                widget=_widget(part, variant),
                summary=summary,
                standing=now_standing,
                attempts_used=record.attempts,  # over every variant
                hints=[inline(h, variant) for h in part.hints[:shown]],
                more_hints=shown < len(part.hints),
                solution=markdown(part.solution, variant) if now_standing.solution_shown and part.solution else None,
                draft=drafts.get(part.id),
                counted=counted,
                rubric=[inline(r, variant) for r in rubric_items(part)] if part.kind == "text" else [],
                policy_words=_own_words(policy, set_words),
            )
        )
    figures = [_figure(f, seed) for f in problem.figures]
    statement = markdown(problem.statement, variant)
    return ProblemView(problem, variant, statement, figures, parts, deadline(set_spec, now), set_words)


def _own_words(policy: PartPolicy, set_words: str) -> str | None:
    words = policy.words()
    return None if words == set_words else words


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

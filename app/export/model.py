"""What an export holds, independent of the format: a problem set at one seed, its auto-checkable parts as
questions (texts rendered for the variant, answers computed by the kinds), and a report line per part.

The writers (`qti`, `moodle`) only read these objects; they never see a `ProblemSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Moodle accepts only these grade fractions (percent) on import; see `moodle_fraction`.
MOODLE_FRACTIONS = (100.0, 90.0, 83.33333, 80.0, 75.0, 70.0, 66.66667, 60.0, 50.0, 40.0, 33.33333, 30.0, 25.0,
                    20.0, 16.66667, 14.28571, 12.5, 11.11111, 10.0, 5.0)  # fmt: skip


@dataclass(frozen=True)
class ReportLine:
    """One part of the set: exported (and as what) or skipped (and why)."""

    position: tuple[int, int]  # (problem index, part index), for printing in exam order
    label: str
    kind: str
    exported: bool
    detail: str

    def __str__(self) -> str:
        verb = "exported" if self.exported else "skipped "
        return f"{verb} {self.label:<10} {self.kind:<10} {self.detail}"


@dataclass(frozen=True)
class Media:
    """A figure shipped with the questions (an SVG drawn for the variant, or a static file)."""

    identifier: str  # NCName
    filename: str  # file name inside the package, unique within the export
    data: bytes
    media_type: str
    alt: str
    caption: str  # Markdown, one line


@dataclass(frozen=True)
class Stem:
    """What every question has: ids, titles, points and texts (Markdown with the parameters filled in)."""

    identifier: str  # NCName, `<problem>.<part>.s<seed>`: stable across exports of the same seed
    position: tuple[int, int]
    label: str
    kind: str
    title: str
    points: float
    statement: str
    prompt: str
    figures: tuple[Media, ...] = ()
    solution: str | None = None


@dataclass(frozen=True)
class Option:
    """A choice, an item or a match target; `identifier` is an NCName mapped from the part's own id."""

    identifier: str
    source_id: str
    text: str
    correct: bool = False
    feedback: str | None = None


@dataclass(frozen=True)
class ChoiceQuestion:
    """`choice` (one right option) or `checkbox` (`multiple`: select every true option)."""

    stem: Stem
    options: tuple[Option, ...]
    multiple: bool

    @property
    def correct(self) -> tuple[str, ...]:
        return tuple(o.identifier for o in self.options if o.correct)


@dataclass(frozen=True)
class NumericQuestion:
    """`integer` (exact) or `number` (right within `rtol` relative plus `atol` absolute)."""

    stem: Stem
    value: int | float
    integer: bool
    rtol: float = 0.0
    atol: float = 0.0

    @property
    def tolerance(self) -> float:
        """The half-width of the accepted interval around `value`, as the platform's check computes it."""
        return 0.0 if self.integer else self.atol + self.rtol * abs(self.value)


@dataclass(frozen=True)
class MatchingQuestion:
    """`matching`: every item gets one choice; a choice may serve several items."""

    stem: Stem
    items: tuple[Option, ...]
    choices: tuple[Option, ...]
    key: tuple[tuple[str, str], ...]  # (item identifier, choice identifier), in item order


Question = ChoiceQuestion | NumericQuestion | MatchingQuestion


@dataclass(frozen=True)
class ProblemGroup:
    """The exported questions of one problem (a QTI section, a Moodle category)."""

    identifier: str
    problem_id: str
    title: str
    questions: tuple[Question, ...]


@dataclass
class ExportSet:
    """A problem set at one seed, ready to be written in any format."""

    set_id: str
    seed: int
    identifier: str  # NCName of the whole export, `<set>.s<seed>`
    groups: list[ProblemGroup] = field(default_factory=list)
    report: list[ReportLine] = field(default_factory=list)  # the parts left out, whatever the format

    @property
    def questions(self) -> list[Question]:
        return [q for g in self.groups for q in g.questions]


def checkbox_weights(n_true: int, n_false: int) -> tuple[float, float]:
    """Credit for selecting a true option and for selecting a false one, as shares of the question's points.

    The rule both formats use: the true options share the full credit (1/n_true each) and each false option
    takes back 1/n_false, floored at 0 — selecting everything scores 0, selecting nothing scores 0.
    """
    return (1.0 / n_true if n_true else 0.0), (-1.0 / n_false if n_false else 0.0)


def moodle_fraction(share: float) -> float | None:
    """`share` (−1…1) as one of the percentages Moodle accepts, or None when it is none of them.

    A positive share must be exact (Moodle requires the right answers to add up to 100 %). A penalty may be
    rounded: to the listed value of the smallest magnitude at least as large, so that selecting every option
    still scores 0.
    """
    percent = abs(share) * 100
    if share >= 0:
        return next((f for f in MOODLE_FRACTIONS if abs(f - percent) < 1e-4), 0.0 if share == 0 else None)
    return -min(f for f in MOODLE_FRACTIONS if f >= percent - 1e-4)  # 100 % is listed: never empty

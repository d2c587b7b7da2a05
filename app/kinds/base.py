"""The protocol every answer kind implements: a pydantic part spec that can check an answer.

A kind is one module defining one subclass of `PartBase` with a `kind` literal, `check` (parse the raw
answer → compare → feedback) and `reference_answer` (the model answer in the form a student submits, used
by `quizzes validate` and the tests). Registration is one line in `app.kinds.__init__`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from app.engine.errors import AuthorError
from app.engine.variables import VariableSpec
from app.engine.verdict import Verdict
from app.export.model import Question, Stem

Answer = Any  # what a student submits for one part: str, number, list of str, dict, list of lists ...

# `answer_name` of the kinds whose feedback names the quantity (app.engine.mathtext.quantity).
ANSWER_NAME_HELP = (
    "How feedback names the quantity: a symbol (`δ_W1`, `delta_W1`, `∂L/∂b`) is typeset as math, words stay "
    "text, and `$…$` marks the math in a mix (`$W$ after the L1 step`)."
)


@dataclass(frozen=True)
class Variant:
    """A problem at one seed: the values of its random parameters, and the names its parts share."""

    problem_id: str
    seed: int
    params: Mapping[str, Any] = field(default_factory=dict)
    variables: Mapping[str, VariableSpec] = field(default_factory=dict)
    dims: Mapping[str, tuple[int, int]] = field(default_factory=dict)

    @cached_property
    def key(self) -> str:
        """Identifies the variant's values, for caches (computed once per Variant object)."""
        return repr((self.problem_id, self.seed, sorted(self.params.items())))


class Hint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str


class PartBase(BaseModel):
    """Fields every part has, whatever its kind."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", description="Stable id, unique within the problem.")
    label: str = Field(description="The exam's own numbering: 1a, 2b.viii, 4c.ii, 5.")
    prompt: str = Field("", description="Markdown with $…$ math; {{ name }} inserts a parameter.")
    points: float = Field(1.0, ge=0)
    hints: list[str] = Field(default_factory=list, description="Revealed one at a time, on request.")
    solution: str | None = Field(None, description="Markdown; shown when the solution policy allows it.")
    # The next two override the set's `solutions:` (app.bank.models.SolutionPolicy) when written on the part, even as
    # null or false; left out, the set's rule applies (app.solution_policy reads `model_fields_set`).
    solution_after: int | None = Field(
        None,
        ge=0,
        description="Show the solution after this many counted attempts (null: only after a right answer); "
        "overrides the set's `solutions.after_attempts`.",
    )
    max_attempts: int | None = Field(None, ge=1, description="None: unlimited practice.")
    # exclude=True: not part of the dump that keys checking (expression trials hash it); it never affects a check.
    solution_on_request: bool = Field(
        False,
        exclude=True,
        description="Offer a 'Show solution' button; using it forfeits the part's points (instructors see it). "
        "Overrides the set's `solutions.on_request`.",
    )

    # A kind whose model answer is shown once an answer is saved (free text, graded against it by the student).
    solution_once_answered: ClassVar[bool] = False

    @field_validator("max_attempts")
    @classmethod
    def _solution_before_the_limit(cls, limit: int | None, info: ValidationInfo) -> int | None:
        after = info.data.get("solution_after")
        if limit is not None and after is not None and after > limit:
            raise ValueError(
                f"solution_after ({after}) is more than max_attempts ({limit}): the attempts run out first "
                f"(and release the solution); give solution_after {limit} or less"
            )
        return limit

    def has_solution(self) -> bool:
        """Whether there is anything to show as the solution."""
        return bool(self.solution)

    def check(self, answer: Answer, variant: Variant) -> Verdict:  # pragma: no cover - abstract
        raise NotImplementedError

    def reference_answer(self, variant: Variant) -> Answer:  # pragma: no cover - abstract
        raise NotImplementedError

    def author_problems(self, variant: Variant) -> list[str]:
        """Inconsistencies an author must fix (beyond the schema); checked by `quizzes validate`."""
        return []

    def public_view(self, variant: Variant) -> dict[str, Any]:
        """What a student may see of the part before answering (never the answer)."""
        return {}

    # The page's input for this kind: a macro of templates/_widgets.html and its extra arguments.
    widget: ClassVar[tuple[str, ...]]

    # Why an LMS quiz cannot hold this kind (QTI / Moodle export skips it with this reason); None: `export` makes it.
    not_exported: ClassVar[str | None] = "no LMS question type for it"

    def export(self, stem: Stem, variant: Variant) -> Question:
        """The part as an LMS quiz question (`app.export`), for kinds whose `not_exported` is None."""
        raise AuthorError(f"the kind cannot be exported: {self.not_exported}")

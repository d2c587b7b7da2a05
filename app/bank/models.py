"""The problem format: YAML files in `problems/` validate into these models (and the authors' JSON Schema
is generated from them)."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from app.engine.variables import VariableSpec
from app.kinds import PartSpec


class Parameter(BaseModel):
    """A number that changes between variants. Seed 0 always uses `exam`, the value printed in the exam."""

    model_config = ConfigDict(extra="forbid")
    exam: Any = Field(None, description="The value at seed 0 (not needed with `expr`).")
    integer: tuple[int, int] | None = Field(None, description="Inclusive range for other seeds.")
    uniform: tuple[float, float] | None = None
    decimals: int | None = Field(None, ge=0, le=6, description="Round uniform draws to this many decimals.")
    choice: list[Any] | None = None
    expr: str | None = Field(None, description="Computed from earlier parameters, e.g. `n_neg / n_pos`.")

    @model_validator(mode="after")
    def _one_rule(self) -> Parameter:
        if sum(r is not None for r in (self.integer, self.uniform, self.choice, self.expr)) > 1:
            raise ValueError("give at most one of integer, uniform, choice, expr")
        if self.exam is None and self.expr is None:
            raise ValueError("give `exam`, the value printed in the exam (used at seed 0)")
        return self


class Figure(BaseModel):
    """A figure drawn for each variant by a named generator (SVG), or a static file under static/."""

    model_config = ConfigDict(extra="forbid")
    id: str
    caption: str = ""
    alt: str = Field(description="Text alternative for screen readers.")
    generator: str | None = Field(None, description="Name of a figure generator in app.bank.figures.")
    src: str | None = Field(None, description="Static file path, when no generator.")

    @model_validator(mode="after")
    def _one_source(self) -> Figure:
        if (self.generator is None) == (self.src is None):
            raise ValueError("give exactly one of `generator` and `src`")
        return self


class SolutionPolicy(BaseModel):
    """When the students of a set see its parts' solutions (`solutions:` in `_set.yaml`). A part overrides a rule by
    writing its own field: `solution_after` for `after_attempts`, `solution_on_request` for `on_request`. The rule
    itself is `app.solution_policy`."""

    model_config = ConfigDict(extra="forbid")
    after_attempts: int | None = Field(
        None,
        ge=0,
        description="Show a part's solution after this many counted attempts at the variant (null: only after a "
        "right answer); from then on answers are checked for practice and no longer count. A part's "
        "`solution_after` overrides it.",
    )
    on_request: bool = Field(
        False,
        description="Offer a 'Show solution' button before the due date; using it forfeits the part's points. "
        "A part's `solution_on_request` overrides it.",
    )
    after_due: bool = Field(True, description="Show every part's solution once the set's `due` has passed.")


class SetSpec(BaseModel):
    """A problem set's title, description, due date and solution policy, from `_set.yaml` beside its problems (the
    id is the default title)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", description="The `set` its problems name.")
    title: str = Field(description="Shown on the pages instead of the id.")
    description: str = Field("", description="Markdown, shown on the set's page.")
    due: AwareDatetime | None = Field(
        None,
        description="ISO 8601 with its UTC offset, e.g. 2026-03-06T23:59:00-08:00. Afterwards answers are still "
        "checked, for practice: recorded as late, they never count (nor change the grade sent to an LMS).",
    )
    solutions: SolutionPolicy = Field(
        default_factory=SolutionPolicy, description="When students see the solutions of the set's parts."
    )


class ProblemSpec(BaseModel):
    """One exam problem: statement, random parameters, the names its formulas use, and its parts."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    set: str = Field(description="Problem set id, e.g. dl-practice.")
    order: int = Field(0, description="Position within the set.")
    statement: str = Field("", description="Markdown with $…$ / $$…$$ math; {{ name }} inserts a parameter.")
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    constraints: list[str] = Field(default_factory=list, description="Relations between parameters, e.g. `a < b`.")
    dims: dict[str, tuple[int, int]] = Field(default_factory=dict, description="Size ranges of dimensions.")
    variables: dict[str, VariableSpec] = Field(default_factory=dict)
    figures: list[Figure] = Field(default_factory=list)
    parts: list[PartSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_parts(self) -> ProblemSpec:
        for attr in ("id", "label"):
            seen: set[str] = set()
            for part in self.parts:
                value = getattr(part, attr)
                if value in seen:
                    raise ValueError(f"two parts have the {attr} {value!r}")
                seen.add(value)
        return self

    def part(self, part_id: str) -> PartSpec:
        for part in self.parts:
            if part.id == part_id:
                return part
        raise KeyError(part_id)

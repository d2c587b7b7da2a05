"""Answers that are right when they satisfy relations, e.g. any α, β with α/β = n_neg/n_pos (2b.iii).

Relations are written in the engine's answer language over the fields and the numeric parameters. An
equation `lhs = rhs` holds when both sides agree within the tolerance; a comparison such as `alpha > 0`
holds when it is true. Every relation must hold, checked in order (`relation`, then each entry of
`relations`); an entry may carry the `message` a student sees when it fails — the default message does not give
the relation away. Values that make a relation undefined (a division by zero) are incorrect.
`example` is one satisfying answer, its values numbers or expressions over the parameters; it is the
reference answer. Students send a mapping field name → number or number text (`{"alpha": "1/1000"}`).
"""

from __future__ import annotations

import math
import re
from numbers import Real
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.engine.errors import AuthorError, StudentError
from app.engine.evaluate import evaluate
from app.engine.parse import parse
from app.engine.syntax import Compare, Node
from app.engine.verdict import Verdict
from app.kinds._common import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    NAME_PATTERN,
    FormatError,
    be,
    calculate,
    close,
    invalid,
    read_number,
    render,
    rendering_problems,
)
from app.kinds.base import Answer, PartBase, Variant

UNSATISFIED = "Your values do not meet the condition the question asks for."
UNDEFINED = "With your values the condition is undefined (a division by zero?)."
_EQUALS = re.compile(r"(?<![<>=!])=(?!=)")


class ConditionField(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=NAME_PATTERN, description="The name relations use, e.g. alpha.")
    label: str = Field("", description="Markdown shown next to the input; the name by default.")


class Relation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    relation: str = Field(description="`lhs = rhs`, or a comparison such as `alpha > 0`.")
    message: str | None = Field(None, description="Feedback when it fails; without it, a generic message.")


class ConditionPart(PartBase):
    """Values for `fields` that satisfy every relation."""

    widget: ClassVar[tuple[str, ...]] = ("condition",)

    not_exported: ClassVar[str | None] = (
        "any values satisfying a relation are right: LMS questions compare with fixed answers"
    )

    kind: Literal["condition"] = "condition"
    fields: list[ConditionField] = Field(min_length=1, max_length=20)
    relation: str | None = Field(None, description="e.g. `alpha / beta = n_neg / n_pos`.")
    relations: list[str | Relation] = Field(default_factory=list)
    example: dict[str, float | str] = Field(
        description="One satisfying answer: field → number or parameter expression."
    )
    rtol: float = Field(DEFAULT_RTOL, ge=0)
    atol: float = Field(DEFAULT_ATOL, ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> ConditionPart:
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("two fields have the same name")
        if self.relation is None and not self.relations:
            raise ValueError("give relation or relations")
        if set(self.example) != set(names):
            raise ValueError(f"example must give a value for each field: {', '.join(names)}")
        return self

    def all_relations(self) -> list[Relation]:
        texts = [self.relation] if self.relation is not None else []
        return [Relation(relation=r) if isinstance(r, str) else r for r in [*texts, *self.relations]]

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        env: dict[str, Any] = {
            k: float(v) for k, v in variant.params.items() if isinstance(v, Real) and not isinstance(v, bool)
        }
        trees = [(r, self._parse(r, [*env, *(f.name for f in self.fields)])) for r in self.all_relations()]
        try:
            env.update(self._read(answer))
        except StudentError as error:
            return invalid(error)
        for relation, (lhs, rhs) in trees:
            holds = self._holds(relation, lhs, rhs, env)
            if holds is None:
                return Verdict.incorrect(UNDEFINED, "undefined")
            if not holds:
                message = render(relation.message, variant) if relation.message else UNSATISFIED
                return Verdict.incorrect(message, "wrong")
        return Verdict.correct()

    def _read(self, answer: Answer) -> dict[str, float]:
        names = [f.name for f in self.fields]
        if not isinstance(answer, dict):
            raise FormatError(f"Enter a value for each of {', '.join(names)}.")
        if len(answer) > len(names) or any(key not in names for key in answer):
            raise FormatError(f"Enter values for {', '.join(names)} only.", "unknown_id")
        missing = [n for n in names if answer.get(n) in (None, "")]
        if missing:
            raise FormatError(
                f"Enter a value for every field: {', '.join(missing)} {be(len(missing))} empty.", "incomplete"
            )
        values = {}
        for name in names:
            try:
                values[name] = read_number(answer[name])
            except StudentError as error:
                raise FormatError(f"{name}: {error.message}", error.code) from None
        return values

    def _parse(self, relation: Relation, names: list[str]) -> tuple[Node, Node | None]:
        sides = _EQUALS.split(relation.relation)
        try:
            trees = [parse(side, names) for side in sides]
        except StudentError as error:
            raise AuthorError(f"relation {relation.relation!r}: {error.message}") from None
        if len(trees) == 2:
            return trees[0], trees[1]
        if len(trees) == 1 and isinstance(trees[0], Compare):
            return trees[0], None
        raise AuthorError(f"relation {relation.relation!r} must be an equation `a = b` or a comparison `a > b`")

    def _holds(self, relation: Relation, lhs: Node, rhs: Node | None, env: dict[str, Any]) -> bool | None:
        """Whether the relation holds for these values; None when it is undefined for them."""
        try:
            values = [float(evaluate(tree, env)) for tree in (lhs, rhs) if tree is not None]
        except KeyError as missing:
            raise AuthorError(
                f"relation {relation.relation!r} uses {missing}, neither a field nor a number parameter"
            ) from None
        except (StudentError, TypeError, ValueError):
            return None  # the student's values overflow the evaluator's guards
        if not all(math.isfinite(v) for v in values):
            return None
        return values[0] == 1.0 if rhs is None else close(values[0], values[1], self.rtol, self.atol)

    def reference_answer(self, variant: Variant) -> Answer:
        return {k: v if isinstance(v, float | int) else calculate(v, variant) for k, v in self.example.items()}

    def author_problems(self, variant: Variant) -> list[str]:
        problems = rendering_problems(
            [f.label for f in self.fields] + [r.message or "" for r in self.all_relations()], variant
        )
        problems += [
            f"field {f.name!r} hides the parameter of that name" for f in self.fields if f.name in variant.params
        ]
        try:
            verdict = self.check(self.reference_answer(variant), variant)
        except AuthorError as error:
            return [*problems, str(error)]
        if verdict.status != "correct":
            problems.append(f"the example does not satisfy the relations: {verdict.feedback}")
        return problems

    def public_view(self, variant: Variant) -> dict[str, Any]:
        return {"fields": [{"name": f.name, "label": render(f.label or f.name, variant)} for f in self.fields]}

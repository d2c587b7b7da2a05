"""Expression answers (`delta_b1 @ x.T`), checked by the engine against the reference engine's true quantity."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from app.engine.errors import AuthorError
from app.engine.expression_check import ExpressionTask, Interpretation, Mistake, check_expression, preview
from app.engine.mathtext import quantity
from app.engine.memo import BoundedCache
from app.engine.scope import describe_shape
from app.engine.verdict import Verdict
from app.kinds._common import question_variables
from app.kinds.base import ANSWER_NAME_HELP, Answer, PartBase, Variant


class MistakeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: str = Field(description="A wrong answer, in the answer language; matched numerically.")
    message: str = Field(description="Feedback for a student whose answer equals it (without the fix).")


class ExpressionPart(PartBase):
    """A formula in the question's names, e.g. δ_W1 in terms of δ_b1 and x."""

    widget: ClassVar[tuple[str, ...]] = ("expression",)

    not_exported: ClassVar[str | None] = (
        "a formula: graded by evaluating it on random values, which needs this platform's checker"
    )

    kind: Literal["expression"] = "expression"
    answer: str | None = Field(
        None, description="The model answer, in the answer language (checked against `target` when both are given)."
    )
    target: str | None = Field(
        None, description="Derived variable holding the true quantity (computed by the engine, e.g. a `grad`)."
    )
    answer_name: str = Field(
        "the answer",
        description=ANSWER_NAME_HELP,
    )
    names: list[str] = Field(description="The names a student may use (variables, parameters).")
    mistakes: list[MistakeSpec] = Field(default_factory=list)
    trials: int = Field(12, ge=3, le=50, description="Random trials per check (at least 12 by default).")

    _tasks: BoundedCache[str, ExpressionTask] = PrivateAttr(default_factory=lambda: BoundedCache(64))

    @model_validator(mode="after")
    def _truth_given(self) -> ExpressionPart:
        if self.answer is None and self.target is None:
            raise ValueError("give the `answer`, the `target` variable, or both")
        return self

    def task(self, variant: Variant) -> ExpressionTask:
        """The engine's task for this part in `variant` (memoised: building it hashes the whole spec)."""
        return self._tasks.get(variant.key, lambda: self._build_task(variant))

    def _build_task(self, variant: Variant) -> ExpressionTask:
        variables = question_variables(variant)
        unknown = [n for n in self.names if n not in variables]
        if unknown:
            raise AuthorError(f"part {self.id}: names {unknown} are neither variables nor parameters")
        if self.target is not None and self.target not in variables:
            raise AuthorError(f"part {self.id}: target {self.target!r} is not a variable")
        digest = hashlib.blake2b(
            repr((self.model_dump(), sorted((k, v.model_dump_json()) for k, v in variables.items()),
                  sorted(variant.dims.items()))).encode(), digest_size=8,
        ).hexdigest()  # fmt: skip
        return ExpressionTask(
            key=f"{variant.problem_id}/{self.id}/{digest}",
            variables=variables,
            allowed=tuple(self.names),
            answer=self.answer,
            target=self.target,
            answer_name=quantity(self.answer_name),
            mistakes=tuple(Mistake(m.answer, m.message) for m in self.mistakes),
            dims=dict(variant.dims),
            trials=self.trials,
        )

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        if not isinstance(answer, str):
            return Verdict.invalid("Type your answer as a formula in the question's names.", "format")
        return check_expression(self.task(variant), answer, variant.seed)

    def reference_answer(self, variant: Variant) -> Answer:
        return self.answer  # None when only the target is given: the truth then needs no answer to check

    def preview(self, text: str, variant: Variant) -> Interpretation:
        return preview(self.task(variant), text)

    def public_view(self, variant: Variant) -> dict[str, Any]:
        scope = self.task(variant).scope()
        return {
            "names": [
                {"name": name, "shape": describe_shape(symbol.shape), "role": symbol.role}
                for name, symbol in scope.symbols.items()
            ]
        }

    def author_problems(self, variant: Variant) -> list[str]:
        task = self.task(variant)
        problems = []
        for mistake in self.mistakes:
            verdict = check_expression(task, mistake.answer, variant.seed)
            if verdict.status == "correct":
                problems.append(f"mistake {mistake.answer!r} equals the answer")
            elif verdict.status == "invalid":
                problems.append(f"mistake {mistake.answer!r} cannot be read: {verdict.feedback}")
            elif verdict.feedback != mistake.message:
                problems.append(f"mistake {mistake.answer!r} triggers another message: {verdict.feedback!r}")
        return problems

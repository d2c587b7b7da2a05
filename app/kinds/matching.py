"""Match each item with a choice, e.g. points a, b, c of a figure with the optimizers that lead there (4b).

The answer maps item ids to choice ids; a choice may serve several items. It is fixed (`answer`) or
computed per variant (`answer_param`: a parameter whose value is such a mapping, e.g. from a figure
generator). Partial credit: the score is the share of items matched right; feedback says how many are
wrong, never which. An answer that leaves an item unmatched is unreadable (costs nothing).
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from app.engine.errors import AuthorError, StudentError
from app.engine.parameters import render_text
from app.engine.verdict import Verdict
from app.export._ids import unique_ncnames
from app.export.model import MatchingQuestion, Option, Question, Stem
from app.kinds._common import (
    Choice,
    FormatError,
    be,
    exactly_one,
    invalid,
    param,
    render,
    rendering_problems,
    unique_ids,
)
from app.kinds.base import Answer, PartBase, Variant

MAX_ENTRIES = 50


class MatchingPart(PartBase):
    """Pair every item with one of the choices."""

    widget: ClassVar[tuple[str, ...]] = ("matching",)

    kind: Literal["matching"] = "matching"
    items: list[Choice] = Field(min_length=1, max_length=MAX_ENTRIES, description="What to match, e.g. points a, b, c.")
    choices: list[Choice] = Field(min_length=2, max_length=MAX_ENTRIES, description="What to match them with.")
    answer: dict[str, str] | None = Field(None, description="Item id → choice id.")
    answer_param: str | None = Field(None, description="Parameter whose value is the item id → choice id mapping.")

    @model_validator(mode="after")
    def _consistent(self) -> MatchingPart:
        exactly_one("answer, answer_param", self.answer, self.answer_param)
        unique_ids(self.items, "item")
        unique_ids(self.choices, "choice")
        return self

    def key(self, variant: Variant) -> dict[str, str]:
        key = self.answer if self.answer is not None else param(variant, str(self.answer_param))
        if not isinstance(key, dict):
            raise AuthorError(f"answer_param {self.answer_param!r} must hold a mapping of item ids to choice ids")
        return {str(k): str(v) for k, v in key.items()}

    def _read(self, answer: Answer) -> dict[str, str]:
        if not isinstance(answer, dict):
            raise FormatError("Match each item with a choice.")
        if len(answer) > len(self.items):
            raise FormatError(f"There are only {len(self.items)} items to match.")
        items, choices = [i.id for i in self.items], [c.id for c in self.choices]
        for item, choice in answer.items():
            if item not in items:
                raise FormatError(f"Match the items {', '.join(items)}; there is no other.", "unknown_id")
            if choice not in (None, "") and choice not in choices:
                raise FormatError(f"Match each item with one of {', '.join(choices)}.", "unknown_id")
        missing = [i for i in items if answer.get(i) in (None, "")]
        if missing:
            raise FormatError(
                f"Match every item: {', '.join(missing)} {be(len(missing))} not matched yet.", "incomplete"
            )
        return dict(answer)

    def check(self, answer: Answer, variant: Variant) -> Verdict:
        key = self.key(variant)
        try:
            matched = self._read(answer)
        except StudentError as error:
            return invalid(error)
        n = len(self.items)
        wrong = sum(matched[i.id] != key.get(i.id) for i in self.items)
        if not wrong:
            return Verdict.correct()
        score = (n - wrong) / n
        return Verdict.incorrect(
            f"{wrong} of the {n} items {be(wrong)} matched wrongly.", "partial" if score > 0 else "wrong", score=score
        )

    def reference_answer(self, variant: Variant) -> Answer:
        return self.key(variant)

    def author_problems(self, variant: Variant) -> list[str]:
        problems = rendering_problems([e.text for e in [*self.items, *self.choices]], variant)
        try:
            key = self.key(variant)
        except AuthorError as error:
            return [*problems, str(error)]
        items, choices = {i.id for i in self.items}, {c.id for c in self.choices}
        problems += [f"the answer matches the unknown item {i!r}" for i in key if i not in items]
        problems += [f"the answer leaves item {i!r} unmatched" for i in sorted(items - set(key))]
        problems += [f"the answer uses the unknown choice {c!r}" for c in key.values() if c not in choices]
        return problems

    def public_view(self, variant: Variant) -> dict[str, Any]:
        return {
            "items": [{"id": i.id, "text": render(i.text, variant)} for i in self.items],
            "choices": [{"id": c.id, "text": render(c.text, variant)} for c in self.choices],
        }

    not_exported: ClassVar[str | None] = None

    def export(self, stem: Stem, variant: Variant) -> Question:
        params, key = dict(variant.params), self.reference_answer(variant)
        if set(key) != {i.id for i in self.items} or not set(key.values()) <= {c.id for c in self.choices}:
            raise AuthorError("the answer must match every item with one of the choices")
        item_ids = unique_ncnames(i.id for i in self.items)
        choice_ids = unique_ncnames((c.id for c in self.choices), taken=item_ids.values())
        items = tuple(Option(item_ids[i.id], i.id, render_text(i.text, params)) for i in self.items)
        choices = tuple(Option(choice_ids[c.id], c.id, render_text(c.text, params)) for c in self.choices)
        pairs = tuple((item_ids[i.id], choice_ids[key[i.id]]) for i in self.items)
        return MatchingQuestion(stem, items, choices, pairs)

"""Answer kinds. Adding a kind: write its module (a `PartBase` subclass) and register it in `PART_KINDS`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.kinds.base import Answer, PartBase, Variant
from app.kinds.checkbox import CheckboxPart
from app.kinds.choice import ChoicePart
from app.kinds.condition import ConditionPart
from app.kinds.expression import ExpressionPart
from app.kinds.integer import IntegerPart
from app.kinds.matching import MatchingPart
from app.kinds.matrix import MatrixPart
from app.kinds.number import NumberPart
from app.kinds.shape import ShapePart
from app.kinds.text import TextPart

PART_KINDS: tuple[type[PartBase], ...] = (
    ExpressionPart,
    ChoicePart,
    CheckboxPart,
    IntegerPart,
    NumberPart,
    ShapePart,
    MatrixPart,
    MatchingPart,
    ConditionPart,
    TextPart,
)

PartSpec = Annotated[
    ExpressionPart
    | ChoicePart
    | CheckboxPart
    | IntegerPart
    | NumberPart
    | ShapePart
    | MatrixPart
    | MatchingPart
    | ConditionPart
    | TextPart,
    Field(discriminator="kind"),
]

__all__ = [
    "PART_KINDS",
    "Answer",
    "CheckboxPart",
    "ChoicePart",
    "ConditionPart",
    "ExpressionPart",
    "IntegerPart",
    "MatchingPart",
    "MatrixPart",
    "NumberPart",
    "PartBase",
    "PartSpec",
    "ShapePart",
    "TextPart",
    "Variant",
]

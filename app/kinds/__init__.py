"""Answer kinds. Adding a kind: write its module (a `PartBase` subclass) and register it in `PART_KINDS`."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from app.kinds.base import Answer, PartBase, Variant
from app.kinds.expression import ExpressionPart

PART_KINDS: tuple[type[PartBase], ...] = (ExpressionPart,)

PartSpec = Annotated[ExpressionPart, Field(discriminator="kind")]

__all__ = ["PART_KINDS", "Answer", "ExpressionPart", "PartBase", "PartSpec", "Variant"]

"""What a question lets a student write: its names, their shapes and roles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Dim = str | int
Shape = tuple[Dim, ...]  # () is a scalar; matrices and column vectors are (rows, cols)
Role = Literal["value", "integer", "family", "identity"]


def normalize_shape(shape: Shape) -> Shape:
    """Scalars are 1×1 and 1×1 is a scalar: one representation for both."""
    return () if tuple(shape) in ((), (1, 1), (1,)) else tuple(shape)


def describe_shape(shape: Shape) -> str:
    return "a scalar" if not shape else " × ".join(str(d) for d in shape)


@dataclass(frozen=True)
class Symbol:
    """A declared name. `family` is an indexed family (`g[k]`) whose members have `shape`."""

    name: str
    shape: Shape = ()
    role: Role = "value"
    latex: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "shape", normalize_shape(self.shape))


@dataclass(frozen=True)
class Scope:
    symbols: Mapping[str, Symbol] = field(default_factory=dict)

    @classmethod
    def of(cls, *symbols: Symbol) -> Scope:
        return cls({s.name: s for s in symbols})

    def __contains__(self, name: object) -> bool:
        return name in self.symbols

    def __getitem__(self, name: str) -> Symbol:
        return self.symbols[name]

    def allowed(self) -> list[str]:
        """The names a student may type, in a stable order for messages."""
        return sorted(self.symbols, key=lambda n: (n.lower(), n))

    def families(self) -> list[str]:
        return [n for n, s in self.symbols.items() if s.role == "family"]

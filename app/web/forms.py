"""Form posts → answers. One generic rule covers every widget, so adding a kind needs no code here:

`a.<part>` → a string (or a list when repeated, as checkboxes are); `a.<part>.<key>` → a dict of keys
(matching selects, condition fields); `a.<part>.<row>.<col>` → a list of rows (the matrix grid).

Every index is checked before anything is built: a grid is read only for matrix parts, and only within the
largest matrix a student may enter (`MAX_SIDE` × `MAX_SIDE`), so a 40-byte post cannot ask for a huge grid.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from starlette.datastructures import FormData

from app.kinds.base import PartBase
from app.kinds.matrix import MAX_SIDE

_CELL = re.compile(r"^(\d{1,3})\.(\d{1,3})$")
_GRID_SHAPED = re.compile(r"^\d+\.\d+$")
MATRIX_KIND = "matrix"


class FormError(ValueError):
    """A form field the page never sends: refused before anything is checked or stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def answers_from_form(form: FormData, parts: Sequence[PartBase]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for part in parts:
        prefix = f"a.{part.id}"
        values = form.getlist(prefix)
        subkeys = {key[len(prefix) + 1 :] for key in form if key.startswith(prefix + ".")}
        if subkeys:
            if part.kind == MATRIX_KIND:
                answers[part.id] = _grid(form, prefix, subkeys)
            elif any(_GRID_SHAPED.match(k) for k in subkeys):
                raise FormError(f"Part {part.label} is not a matrix: it takes no grid cells.")
            else:
                answers[part.id] = {k: form[f"{prefix}.{k}"] for k in sorted(subkeys)}
        elif len(values) > 1:
            answers[part.id] = [str(v) for v in values]
        elif values:
            answers[part.id] = str(values[0])
        elif f"{prefix}.present" in form or f"present.{part.id}" in form:
            answers[part.id] = []  # a checkbox group submitted with nothing ticked
    return answers


def _grid(form: FormData, prefix: str, subkeys: set[str]) -> list[list[str]]:
    """The grid of a matrix part; any field other than `<row>.<col>` within MAX_SIDE × MAX_SIDE is refused."""
    cells = [_CELL.match(k) for k in subkeys]
    indices = [(int(m.group(1)), int(m.group(2))) for m in cells if m]
    if len(indices) != len(cells) or any(r >= MAX_SIDE or c >= MAX_SIDE for r, c in indices):
        raise FormError(f"A matrix here has at most {MAX_SIDE} rows and {MAX_SIDE} columns.")
    rows = 1 + max(r for r, _ in indices)
    cols = 1 + max(c for _, c in indices)
    return [[str(form.get(f"{prefix}.{r}.{c}", "")) for c in range(cols)] for r in range(rows)]

"""Form posts → answers. One generic rule covers every widget, so adding a kind needs no code here:

`a.<part>` → a string (or a list when repeated); `present.<part>` marks a group of checkboxes, whose answer is
always a list (one ticked box is `["b"]`, none ticked is `[]`: "none of these"); `a.<part>.<key>` → a dict of keys
(matching selects, condition fields); `a.<part>.<row>.<col>` → a list of rows (the matrix grid).

Every index is checked before anything is built: a grid is read only for matrix parts, and only within the
largest matrix a student may enter (`MAX_SIDE` × `MAX_SIDE`), so a 40-byte post cannot ask for a huge grid.

The page is one form, so every post carries every part's fields: the part a post checks is decided here, and
the other parts' fields become drafts (kept on the server, so a reload without JavaScript drops nothing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from starlette.datastructures import FormData

from app.kinds.base import PartBase
from app.kinds.matrix import MAX_SIDE

_CELL = re.compile(r"^(\d{1,3})\.(\d{1,3})$")
_GRID_SHAPED = re.compile(r"^\d+\.\d+$")
MATRIX_KIND = "matrix"
EVERY_PART = "*"
# The page's first (hidden) submit button: what the browser presses on Enter without JavaScript.
EDITED_PART = "edited"


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
            if part.kind == MATRIX_KIND:  # type: ignore[attr-defined]  # every concrete kind declares its `kind`
                answers[part.id] = _grid(form, prefix, subkeys)
            elif any(_GRID_SHAPED.match(k) for k in subkeys):
                raise FormError(f"Part {part.label} is not a matrix: it takes no grid cells.")
            else:
                answers[part.id] = {k: form[f"{prefix}.{k}"] for k in sorted(subkeys)}
        elif f"present.{part.id}" in form:
            answers[part.id] = [str(v) for v in values]  # a checkbox group, however many are ticked
        elif len(values) > 1:
            answers[part.id] = [str(v) for v in values]
        elif values:
            answers[part.id] = str(values[0])
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


def entered(answer: Any) -> Any:
    """The answer with blanks as None, for comparing what was posted with what is stored (an untouched checkbox
    group posts `[]`, an untouched grid posts empty cells: neither is a change)."""
    if answer is None:
        return None
    if isinstance(answer, str):
        return answer.strip() or None
    if isinstance(answer, list | tuple):
        items = [entered(a) for a in answer]
        return items if any(i is not None for i in items) else None
    if isinstance(answer, dict):
        items_ = {k: entered(v) for k, v in answer.items()}
        return items_ if any(v is not None for v in items_.values()) else None
    return answer


def edited_parts(posted: Mapping[str, Any], stored: Mapping[str, Any]) -> list[str]:
    """The parts whose posted fields differ from what the page showed (the draft, else the last answer)."""
    return [part_id for part_id, answer in posted.items() if entered(answer) != entered(stored.get(part_id))]


def parts_to_check(target: str, posted: Mapping[str, Any], stored: Mapping[str, Any]) -> list[str]:
    """Which parts a post checks: its button's part; on Enter without JavaScript the one part that was edited
    (none when several were: which box Enter was pressed in is unknown, and no attempt is spent by guessing);
    every answered part for `*`."""
    if target == EDITED_PART:
        edited = edited_parts(posted, stored)
        return edited if len(edited) == 1 else []
    if target == EVERY_PART:
        return [part_id for part_id, answer in posted.items() if entered(answer) is not None]
    return [target] if target in posted else []


def drafts_to_keep(posted: Mapping[str, Any], last_answers: Mapping[str, Any], checked: list[str]) -> dict[str, Any]:
    """The unchecked parts whose fields differ from their last checked answer: kept as drafts."""
    return {
        part_id: answer
        for part_id, answer in posted.items()
        if part_id not in checked and entered(answer) != entered(last_answers.get(part_id))
    }

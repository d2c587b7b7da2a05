"""Form posts → answers. One generic rule covers every widget, so adding a kind needs no code here:

`a.<part>` → a string (or a list when repeated, as checkboxes are); `a.<part>.<key>` → a dict of keys
(matching selects, condition fields); `a.<part>.<row>.<col>` → a list of rows (the matrix grid).
"""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import FormData

_CELL = re.compile(r"^(\d+)\.(\d+)$")
MAX_CELLS = 400


def answers_from_form(form: FormData, part_ids: list[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for part_id in part_ids:
        prefix = f"a.{part_id}"
        values = form.getlist(prefix)
        subkeys = {key[len(prefix) + 1 :] for key in form if key.startswith(prefix + ".")}
        if subkeys:
            answers[part_id] = _grid(form, prefix, subkeys) or {k: form[f"{prefix}.{k}"] for k in sorted(subkeys)}
        elif len(values) > 1:
            answers[part_id] = [str(v) for v in values]
        elif values:
            answers[part_id] = str(values[0])
        elif f"{prefix}.present" in form or f"present.{part_id}" in form:
            answers[part_id] = []  # a checkbox group submitted with nothing ticked
    return answers


def _grid(form: FormData, prefix: str, subkeys: set[str]) -> list[list[str]] | None:
    cells = [_CELL.match(k) for k in subkeys]
    if not all(cells) or len(cells) > MAX_CELLS:
        return None
    rows = 1 + max(int(m.group(1)) for m in cells if m)
    cols = 1 + max(int(m.group(2)) for m in cells if m)
    return [[str(form.get(f"{prefix}.{r}.{c}", "")) for c in range(cols)] for r in range(rows)]

"""Parameters in author text: `{{ name }}` placeholders and arithmetic over a variant's values (`n_neg / n_pos`).

Below both the problem bank and the answer kinds, which use them; the arithmetic goes through the same whitelisting
parser as students' answers.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import numpy as np

from app.engine.errors import AuthorError, StudentError
from app.engine.evaluate import evaluate
from app.engine.parse import parse

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*)\s*(?::([^}]*))?\}\}")


def calculate(expr: str, params: dict[str, Any]) -> float | int:
    """Evaluate a parameter expression (author text, parsed by the same safe parser as answers)."""
    try:
        value = evaluate(parse(expr), params)
    except StudentError as error:
        raise AuthorError(f"expression {expr!r}: {error.message}") from None
    except KeyError as missing:
        raise AuthorError(f"expression {expr!r} uses unknown parameter {missing}") from None
    if isinstance(value, np.ndarray):
        raise AuthorError(f"expression {expr!r} must give a number")
    if not np.isfinite(value):
        raise AuthorError(f"expression {expr!r} is not a finite number in this variant")
    return round(value) if abs(value - round(value)) < 1e-9 and abs(value) < 2**53 else value


def render_text(text: str, params: dict[str, Any]) -> str:
    """Replace `{{ name }}` (or `{{ name:, }}` with a format spec) by the parameter's value."""

    def substitute(match: re.Match[str]) -> str:
        name, spec = match.group(1), match.group(2)
        if name not in params:
            guess = difflib.get_close_matches(name, [str(p) for p in params], n=1)
            hint = f"; did you mean `{guess[0]}`?" if guess else ""
            raise AuthorError(f"text uses unknown parameter {name!r}{hint}")
        return format(params[name], spec.strip()) if spec else str(params[name])

    return _PLACEHOLDER.sub(substitute, text)

"""Parameters in author text: `{{ name }}` placeholders and arithmetic over a variant's values (`n_neg / n_pos`).

A placeholder may name a figure's answer (`{{ fig1.w_star:.3g }}`), and `{{ W:tex }}` writes a number or a matrix
(a list of rows) as TeX with its exact value: integers as integers, simple fractions as `\frac`.

Below both the problem bank and the answer kinds, which use them; the arithmetic goes through the same whitelisting
parser as students' answers.
"""

from __future__ import annotations

import difflib
import re
from fractions import Fraction
from typing import Any

import numpy as np

from app.engine.errors import AuthorError, StudentError
from app.engine.evaluate import evaluate
from app.engine.parse import parse

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_]\w*(?:\.\w+)*)\s*(?::([^}]*))?\}\}")
MAX_DENOMINATOR = 100  # larger denominators read better as decimals


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


def tex(value: Any) -> str:
    """A number, or a matrix given as a list of rows, as TeX with exact entries (`\\frac{1}{2}`, `-3`)."""
    if isinstance(value, list | tuple):
        rows = [row if isinstance(row, list | tuple) else [row] for row in value]
        return "\\begin{bmatrix}" + " \\\\ ".join(" & ".join(tex(v) for v in row) for row in rows) + "\\end{bmatrix}"
    number = float(value)
    exact = Fraction(number).limit_denominator(MAX_DENOMINATOR)
    if abs(float(exact) - number) > 1e-12 * max(1.0, abs(number)):
        return f"{number:.6g}"
    if exact.denominator == 1:
        return str(exact.numerator)
    sign = "-" if exact < 0 else ""
    return f"{sign}\\frac{{{abs(exact.numerator)}}}{{{exact.denominator}}}"


def render_text(text: str, params: dict[str, Any]) -> str:
    """Replace `{{ name }}` (or `{{ name:, }}` with a format spec, or `{{ name:tex }}`) by the parameter's value."""

    def substitute(match: re.Match[str]) -> str:
        name, spec = match.group(1), match.group(2)
        if name not in params:
            guess = difflib.get_close_matches(name, [str(p) for p in params], n=1)
            hint = f"; did you mean `{guess[0]}`?" if guess else ""
            raise AuthorError(f"text uses unknown parameter {name!r}{hint}")
        value, spec = params[name], (spec or "").strip()
        try:
            return tex(value) if spec == "tex" else format(value, spec) if spec else str(value)
        except (TypeError, ValueError) as error:
            raise AuthorError(f"text formats parameter {name!r} with {spec!r}: {error}") from None

    return _PLACEHOLDER.sub(substitute, text)

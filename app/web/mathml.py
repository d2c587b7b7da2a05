"""TeX → MathML on the server, so pages without JavaScript show formulas, never raw TeX (browsers render MathML
natively). With JavaScript, KaTeX typesets the same elements, reading the TeX from the MathML's annotation."""

from __future__ import annotations

import logging
from functools import lru_cache
from html import escape

from latex2mathml.converter import convert
from markupsafe import Markup

log = logging.getLogger(__name__)
_OPEN_END = ">"
_CLOSE = "</math>"


@lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool = False) -> Markup:
    """MathML for `tex`, carrying the TeX as its annotation; the escaped TeX itself if it cannot be converted."""
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception:  # the converter raises many kinds; the TeX stays readable and KaTeX still runs
        log.info("latex2mathml could not convert %r", tex)
        return Markup(escape(tex))
    start = mathml.index(_OPEN_END) + 1
    end = mathml.rindex(_CLOSE)
    annotation = f'<annotation encoding="application/x-tex">{escape(tex)}</annotation>'
    body = f"<semantics><mrow>{mathml[start:end]}</mrow>{annotation}</semantics>"
    return Markup(f"{mathml[:start]}{body}{_CLOSE}")  # safe: the converter escapes TeX, the annotation is escaped

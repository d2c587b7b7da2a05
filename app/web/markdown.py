"""Problem text (Markdown with $…$ and $$…$$ math) → HTML. Math becomes server-rendered MathML (with its TeX as
the annotation) in marked elements: KaTeX typesets it in the browser, and without JavaScript the browser shows
the MathML, never raw TeX."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin

from app.web.mathml import to_mathml


def _math(content: str, options: dict[str, object]) -> str:
    """The plugin wraps this in <span class="math inline"> or <div class="math block">."""
    return str(to_mathml(content, display=bool(options.get("display_mode"))))


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # html=False: author text cannot inject markup; links and tables are allowed.
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    dollarmath_plugin(md, allow_space=True, double_inline=True, renderer=_math)
    return md


@lru_cache(maxsize=2048)
def to_html(text: str) -> Markup:
    return Markup(_parser().render(text))  # safe: markdown-it escapes text and raw HTML is disabled


@lru_cache(maxsize=2048)
def to_inline_html(text: str) -> Markup:
    """For one-line texts (options, labels): no surrounding <p>."""
    return Markup(_parser().renderInline(text))

"""Problem text (Markdown with $…$ and $$…$$ math) → HTML. Math is left as TeX in marked elements: KaTeX
typesets it in the browser, and without JavaScript the TeX itself stays readable."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from markdown_it import MarkdownIt
from markupsafe import Markup
from mdit_py_plugins.dollarmath import dollarmath_plugin


def _math(content: str, options: dict[str, object]) -> str:
    """The plugin wraps this in <span class="math inline"> or <div class="math block">."""
    return escape(content)


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

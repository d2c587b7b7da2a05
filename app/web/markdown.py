"""Problem text (Markdown with $…$ and $$…$$ math) and verdict messages (plain text with $…$ math) → HTML. Math
becomes server-rendered MathML (with its TeX as the annotation) in marked elements: KaTeX typesets it in the
browser, and without JavaScript the browser shows the MathML, never raw TeX."""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

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


# A verdict's message (app.engine.verdict.Verdict.feedback) is plain text, not Markdown, since it may quote what the
# student typed: `$…$` is inline TeX, `` `…` `` is code (a name or a piece of the answer), `\$` a dollar sign,
# and a line with only a caret under the line before it points at a character of the student's answer.
_SPAN = re.compile(r"\\\$|`(?P<code>[^`\n]+)`|\$(?P<math>[^$\n]+)\$")
_CARET = re.compile(r" *\^")


@lru_cache(maxsize=2048)
def message_html(message: str) -> Markup:
    """A verdict's message as HTML: a paragraph per line, math as MathML, the caret block as preformatted text."""
    lines, blocks, i = message.split("\n"), [], 0
    while i < len(lines):
        if i + 1 < len(lines) and _CARET.fullmatch(lines[i + 1]):  # the answer, and a caret under a character
            blocks.append(f'<pre class="pointer">{escape(lines[i])}\n{escape(lines[i + 1])}</pre>')
            i += 2
            continue
        if lines[i].strip():
            blocks.append(f"<p>{_message_line(lines[i])}</p>")
        i += 1
    return Markup("".join(blocks))  # safe: every piece of text is escaped, MathML comes from to_mathml


def _message_line(line: str) -> str:
    out, end = [], 0
    for span in _SPAN.finditer(line):
        out.append(escape(line[end : span.start()]))
        if span["code"] is not None:
            out.append(f"<code>{escape(span['code'])}</code>")
        elif span["math"] is not None:
            out.append(f'<span class="math inline">{to_mathml(span["math"])}</span>')
        else:
            out.append("$")
        end = span.end()
    out.append(escape(line[end:]))
    return "".join(out)

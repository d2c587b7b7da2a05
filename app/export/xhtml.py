"""Problem Markdown → well-formed XHTML elements for QTI item bodies and Moodle question texts.

The parser is configured as the web pages' (`app.web.markdown`: CommonMark, raw HTML off, tables, `$…$` and
`$$…$$` math) with XHTML output. Math stays TeX, wrapped in the delimiters MathJax (Moodle, Canvas, most LMSs)
typesets by default: `\\(…\\)` inline and `\\[…\\]` for display. The HTML is parsed with `xml.etree`, so what
comes out is well-formed by construction, and sanitized to the XHTML subset QTI 2.1 allows in an itemBody:
attributes QTI does not define (`style`, `title`, `start`) are dropped, and a `$$…$$` inside a paragraph
becomes a `span`, since a `p` may not hold a `div`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.dollarmath import dollarmath_plugin

INLINE_TAGS = frozenset({"a", "br", "code", "em", "img", "span", "strong", "sub", "sup"})
BLOCK_TAGS = frozenset(
    {"blockquote", "div", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "ul"}
    | {"table", "thead", "tbody", "tr", "th", "td"}
)
XHTML_TAGS = INLINE_TAGS | BLOCK_TAGS
_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "th": frozenset({"rowspan", "colspan"}),
    "td": frozenset({"rowspan", "colspan"}),
}
_EVERYWHERE = frozenset({"class"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def _tex(content: str, options: dict[str, Any]) -> str:
    left, right = (r"\[", r"\]") if options.get("display_mode") else (r"\(", r"\)")
    return escapeHtml(f"{left}{content}{right}")


def _display_in_paragraph(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    return f'<span class="math display">{_tex(str(tokens[idx].content).strip(), {"display_mode": True})}</span>'


def _display_block(self: Any, tokens: Sequence[Any], idx: int, options: Any, env: Any) -> str:
    return f'<div class="math display">{_tex(str(tokens[idx].content).strip(), {"display_mode": True})}</div>\n'


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "xhtmlOut": True}).enable("table")
    dollarmath_plugin(md, allow_space=True, double_inline=True, renderer=_tex)
    md.add_render_rule("math_inline_double", _display_in_paragraph)
    md.add_render_rule("math_block", _display_block)
    md.add_render_rule("math_block_label", _display_block)  # labels would need document-wide unique ids
    return md


def _sanitize(element: ET.Element) -> None:
    for child in element.iter():
        if child is element:
            continue
        if child.tag not in XHTML_TAGS:
            child.tag = "span"
        allowed = _ATTRIBUTES.get(child.tag, frozenset()) | _EVERYWHERE
        for name in [n for n in child.attrib if n not in allowed]:
            del child.attrib[name]
        if child.tag == "img":
            child.attrib.setdefault("alt", "")


def _parse(html: str, text: str) -> ET.Element:
    try:
        root = ET.fromstring(f"<div>{html}</div>")
    except ET.ParseError:  # pragma: no cover - markdown-it escapes everything; keep the text if it ever does not
        root = ET.Element("div")
        ET.SubElement(root, "p").text = text
    _sanitize(root)
    return root


def clean(text: str) -> str:
    """`text` without the control characters XML 1.0 forbids."""
    return _CONTROL.sub("", text)


def block(text: str, css_class: str) -> ET.Element:
    """Markdown (block level) as a `<div class="css_class">` holding XHTML paragraphs, lists, tables …"""
    text = clean(text)
    root = _parse(_parser().render(text), text)
    root.set("class", css_class)
    return root


def inline_into(parent: ET.Element, text: str) -> ET.Element:
    """Append one-line Markdown (an option, a caption) to `parent` as inline XHTML; return `parent`."""
    text = clean(text)
    fragment = _parse(_parser().renderInline(text), text)
    if fragment.text:
        if len(parent):
            parent[-1].tail = (parent[-1].tail or "") + fragment.text
        else:
            parent.text = (parent.text or "") + fragment.text
    parent.extend(list(fragment))
    return parent


def plain(text: str) -> str:
    """One-line Markdown as plain text (math kept as `\\(…\\)`), for places that take no markup."""
    fragment = inline_into(ET.Element("span"), text)
    return " ".join("".join(fragment.itertext()).split())


def inline_html(text: str) -> str:
    """One-line Markdown as an XHTML string without a wrapping element (Moodle answers and subquestions)."""
    fragment = inline_into(ET.Element("span"), text)
    return escapeHtml(fragment.text or "") + "".join(to_string(child) for child in fragment)


def to_string(element: ET.Element) -> str:
    """Serialize an element (and its children) as XHTML text."""
    return ET.tostring(element, encoding="unicode", short_empty_elements=True)


def append_stem(body: ET.Element, statement: str, figures: Sequence[Any], prompt: str, media_prefix: str) -> None:
    """What every exported question shows before its interaction: the statement, the figures (images at
    `media_prefix` + file name) and the prompt. Shared by the QTI items and the Moodle questions."""
    if statement.strip():
        body.append(block(statement, "statement"))
    for media in figures:
        figure = ET.SubElement(body, "div", {"class": "figure"})
        ET.SubElement(figure, "img", {"src": f"{media_prefix}{media.filename}", "alt": media.alt})
        if media.caption:
            inline_into(ET.SubElement(figure, "p", {"class": "caption"}), media.caption)
    if prompt.strip():
        body.append(block(prompt, "prompt"))

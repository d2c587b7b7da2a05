"""Verdict messages on the pages: plain text (never Markdown: it may quote the answer), with `$…$` typeset as
MathML, `` `…` `` as code and the caret under an unreadable answer kept in place."""

from __future__ import annotations

from app.web.markdown import message_html


def test_math_spans_become_mathml_with_their_tex() -> None:
    html = message_html("Your answer is $D_{x} \\times 1$ but $y$ is a scalar.")
    assert html.startswith('<p>Your answer is <span class="math inline"><math ')
    assert '<annotation encoding="application/x-tex">D_{x} \\times 1</annotation>' in html
    assert html.endswith("</math></span> is a scalar.</p>")


def test_the_answer_is_quoted_as_text_never_as_markup() -> None:
    html = message_html("Unknown name `<b>*x*</b>`. Names you can use here: x.\n<b>*x*</b> + 1\n^")
    assert html == (
        "<p>Unknown name <code>&lt;b&gt;*x*&lt;/b&gt;</code>. Names you can use here: x.</p>"
        '<pre class="pointer">&lt;b&gt;*x*&lt;/b&gt; + 1\n^</pre>'
    )


def test_an_escaped_dollar_is_a_dollar_and_a_lone_one_stays() -> None:
    assert message_html("It costs \\$5, or $ 6.") == "<p>It costs $5, or $ 6.</p>"


def test_each_line_is_a_paragraph() -> None:
    assert message_html("Saved.\n- one\n\n- two") == "<p>Saved.</p><p>- one</p><p>- two</p>"

"""Placeholders in author text: figure answers by their dotted names, format specs, and exact TeX matrices."""

from __future__ import annotations

import pytest

from app.engine.errors import AuthorError
from app.engine.parameters import render_text, tex


def test_a_figure_answer_is_named_with_its_dot_and_formatted_to_three_figures() -> None:
    params = {"fig1.w_nesterov": 0.4959474, "fig1.kick_momentum": 0.59581, "n": 4}
    text = "Nesterov stops at {{ fig1.w_nesterov:.3g }} after a kick of {{fig1.kick_momentum:+.3g}}; n = {{ n }}."
    assert render_text(text, params) == "Nesterov stops at 0.496 after a kick of +0.596; n = 4."


def test_a_misspelled_figure_answer_names_the_close_one() -> None:
    with pytest.raises(AuthorError, match=r"did you mean `fig1\.w_star`"):
        render_text("{{ fig1.w_sta }}", {"fig1.w_star": 0.5})


def test_a_format_that_does_not_fit_the_value_is_the_authors_error() -> None:
    with pytest.raises(AuthorError, match=r"formats parameter 'fig2\.a' with '\.3g'"):
        render_text("{{ fig2.a:.3g }}", {"fig2.a": "momentum"})


def test_a_matrix_is_typeset_once_with_exact_entries() -> None:
    W = [[1, -2, 0], [3, 1, -1], [0, 2, 2]]
    assert render_text("$W = {{ W:tex }}$", {"W": W}) == (
        "$W = \\begin{bmatrix}1 & -2 & 0 \\\\ 3 & 1 & -1 \\\\ 0 & 2 & 2\\end{bmatrix}$"
    )
    halves = "\\begin{bmatrix}\\frac{1}{2} & -\\frac{3}{2} \\\\ 2 & \\frac{1}{3}\\end{bmatrix}"
    assert tex([[0.5, -1.5], [2.0, 1 / 3]]) == halves
    assert tex(0.123456789) == "0.123457"  # no simple fraction: a decimal

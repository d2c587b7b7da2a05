"""LaTeX of a parsed answer, as a specification: the "interpreted as …" a student sees, with only the brackets
the reading needs, and names typeset from their spelling (or from the question's own `latex`).
"""

from __future__ import annotations

import re

import pytest

from app.engine.errors import StudentError
from app.engine.expression_check import read
from app.engine.latex import name_latex, to_latex
from app.engine.names import resolve
from app.engine.parse import parse
from app.engine.scope import Scope, Symbol
from tests.engine.conftest import EXPRESSION_PARTS, Midterm
from tests.engine.test_answer_table import TABLE

LATEX = [
    # operators
    ("a + b", "a + b"),
    ("a - b", "a - b"),
    ("a * b", "a \\cdot b"),
    ("a b", "a b"),
    ("a @ b", "a b"),
    ("a ⊙ b", "a \\odot b"),
    ("odot(a, b)", "a \\odot b"),
    ("a / b", "\\frac{a}{b}"),
    ("(a + b) / (c + d)", "\\frac{a + b}{c + d}"),
    ("a / b / c", "\\frac{\\frac{a}{b}}{c}"),
    ("a / (b c)", "\\frac{a}{b c}"),
    ("a / b c", "\\frac{a}{b} c"),
    ("a^b", "{a}^{b}"),
    ("a^b^c", "{a}^{{b}^{c}}"),
    ("(a^b)^c", "{\\left({a}^{b}\\right)}^{c}"),
    ("a^(b + c)", "{a}^{b + c}"),
    ("a^-b", "{a}^{-b}"),
    ("a^2 b", "{a}^{2} b"),
    # brackets only where the reading needs them
    ("a - (b - c)", "a - \\left(b - c\\right)"),
    ("a - (b + c)", "a - \\left(b + c\\right)"),
    ("(a - b) - c", "a - b - c"),
    ("(a + b) + c", "a + b + c"),
    ("a + (b + c)", "a + \\left(b + c\\right)"),
    ("a (b + c)", "a \\left(b + c\\right)"),
    ("(a + b) c", "\\left(a + b\\right) c"),
    ("(a b) c", "a b c"),
    ("{a + b} c", "\\left(a + b\\right) c"),
    ("((a))", "a"),
    ("-a", "-a"),
    ("-(a + b)", "-\\left(a + b\\right)"),
    ("-(a b)", "-\\left(a b\\right)"),
    ("-a^2", "-{a}^{2}"),
    ("(-a)^2", "{\\left(-a\\right)}^{2}"),
    ("-a b", "-a b"),
    ("a - -b", "a - \\left(-b\\right)"),
    # numbers
    ("2", "2"),
    ("0.5", "0.5"),
    ("-2", "-2"),
    ("1e-3", "1 \\cdot 10^{-3}"),
    ("2.5E+4", "2.5 \\cdot 10^{4}"),
    ("1e-3 a", "1 \\cdot 10^{-3} a"),
    ("a 1e-3", "a \\cdot \\left(1 \\cdot 10^{-3}\\right)"),
    ("-1e-3", "-\\left(1 \\cdot 10^{-3}\\right)"),
    ("2 a", "2 a"),
    ("a 2", "a \\cdot 2"),  # a number after a factor gets a dot, so it does not read as a subscript
    ("2 (3)", "2 \\cdot 3"),
    # transposes
    ("x.T", "{x}^{\\top}"),
    ("x'", "{x}^{\\top}"),
    ("x^T", "{x}^{\\top}"),
    ("xᵀ", "{x}^{\\top}"),
    ("(a b).T", "{\\left(a b\\right)}^{\\top}"),
    ("(a + b)'", "{\\left(a + b\\right)}^{\\top}"),
    ("-a'", "-{a}^{\\top}"),
    ("a.T^2", "{{a}^{\\top}}^{2}"),
    ("x.T.T", "{{x}^{\\top}}^{\\top}"),
    # indicators
    ("(a > 0)", "\\mathbb{1}\\left[a > 0\\right]"),
    ("a < b", "\\mathbb{1}\\left[a < b\\right]"),
    ("a >= b", "\\mathbb{1}\\left[a \\geq b\\right]"),
    ("a <= b", "\\mathbb{1}\\left[a \\leq b\\right]"),
    ("(a > 0)(b < 1)", "\\mathbb{1}\\left[a > 0\\right] \\mathbb{1}\\left[b < 1\\right]"),
    # functions
    ("exp(a)", "\\exp\\left(a\\right)"),
    ("exp(-x)", "\\exp\\left(-x\\right)"),
    ("log(a)", "\\log\\left(a\\right)"),
    ("ln(a)", "\\ln\\left(a\\right)"),
    ("tanh(a)", "\\tanh\\left(a\\right)"),
    ("sqrt(a)", "\\sqrt{a}"),
    ("abs(a)", "\\left|a\\right|"),
    ("sigma(a)", "\\sigma\\left(a\\right)"),
    ("sigmoid(a)", "\\sigma\\left(a\\right)"),
    ("relu(a)", "\\operatorname{ReLU}\\left(a\\right)"),
    ("heaviside(a)", "H\\left(a\\right)"),
    ("sign(a)", "\\operatorname{sign}\\left(a\\right)"),
    ("diag(a)", "\\operatorname{diag}\\left(a\\right)"),
    ("trace(a)", "\\operatorname{tr}\\left(a\\right)"),
    ("max(a, b)", "\\max\\left(a, b\\right)"),
    ("min(a)", "\\min\\left(a\\right)"),
    ("sum(a)", "\\operatorname{sum}\\left(a\\right)"),
    ("exp(a)^2", "{\\exp\\left(a\\right)}^{2}"),
    ("1/(1 + exp(-z))", "\\frac{1}{1 + \\exp\\left(-z\\right)}"),
    # sums and families
    ("g[k]", "{g}_{k}"),
    ("g[k].T", "{{g}_{k}}^{\\top}"),
    ("sum(g[k], k, 1, t)", "\\sum_{k=1}^{t} {g}_{k}"),
    ("sum(a + b, k, 1, t)", "\\sum_{k=1}^{t} \\left(a + b\\right)"),
    ("sum(alpha^(t - k) g[k], k, 1, t)", "\\sum_{k=1}^{t} {\\alpha}^{t - k} {g}_{k}"),
    ("epsilon sum(g[k], k, 1, t)", "\\epsilon \\sum_{k=1}^{t} {g}_{k}"),
    ("sum(g[k], k, 1, t) / 2", "\\frac{\\sum_{k=1}^{t} {g}_{k}}{2}"),
    ("-sum(g[k], k, 1, t)", "-\\left(\\sum_{k=1}^{t} {g}_{k}\\right)"),
    ("sum(a, k, 1, t)^2", "{\\left(\\sum_{k=1}^{t} a\\right)}^{2}"),
    ("sum(sum(a, j, 1, k), k, 1, t)", "\\sum_{k=1}^{t} \\sum_{j=1}^{k} a"),
    ("sum(a, k, t - 1, 2 t)", "\\sum_{k=t - 1}^{2 t} a"),
    # names
    ("alpha y / yhat", "\\frac{\\alpha y}{\\hat{y}}"),
    ("δ_b1 x^T", "\\delta_{b_{1}} {x}^{\\top}"),
    ("θ0 - ε g[t]", "\\theta_{0} - \\epsilon {g}_{t}"),
]


@pytest.mark.parametrize(("text", "latex"), [pytest.param(t, x, id=t) for t, x in LATEX])
def test_latex(text: str, latex: str) -> None:
    assert to_latex(parse(text)) == latex


NAMES = [
    ("x", "x"),
    ("W1", "W_{1}"),
    ("a1", "a_{1}"),
    ("z2", "z_{2}"),
    ("alpha", "\\alpha"),
    ("epsilon", "\\epsilon"),
    ("sigma", "\\sigma"),
    ("Delta", "\\Delta"),
    ("theta0", "\\theta_{0}"),
    ("yhat", "\\hat{y}"),
    ("delta_yhat", "\\delta_{\\hat{y}}"),
    ("delta_b1", "\\delta_{b_{1}}"),
    ("delta_W2", "\\delta_{W_{2}}"),
    ("W2_next", "W_{2,\\mathrm{next}}"),
    ("dJ_dW2", "\\mathrm{dJ}_{\\mathrm{dW}_{2}}"),
    ("x_hat", "x_{\\mathrm{hat}}"),
    ("mu", "\\mu"),
    ("I", "I"),
    ("_x", "\\mathrm{\\_x}"),
]


@pytest.mark.parametrize(("name", "latex"), [pytest.param(n, x, id=n) for n, x in NAMES])
def test_name_latex(name: str, latex: str) -> None:
    assert name_latex(name) == latex


def test_a_declared_latex_replaces_the_spelling() -> None:
    scope = Scope.of(
        Symbol("dJ_dW2", (1, "n"), latex="\\frac{\\partial J}{\\partial \\mathbf{W}_2}"),
        Symbol("W2", (1, "n")),
        Symbol("g", ("n", 1), "family", latex="\\mathbf{g}"),
        Symbol("k", (), "integer"),
    )
    node = resolve(parse("W2 - dJdW2 + g_k.T", scope.symbols.keys()), scope)
    assert to_latex(node, scope) == (
        "W_{2} - \\frac{\\partial J}{\\partial \\mathbf{W}_2} + {{\\mathbf{g}}_{k}}^{\\top}"
    )


def test_latex_shows_canonical_names_whatever_was_typed() -> None:
    scope = Scope.of(Symbol("delta_yhat"), Symbol("yhat"), Symbol("epsilon"))
    for typed in ("delta_yhat yhat eps", "δ_ŷ ŷ ε", "deltayhat y_hat epsilon"):
        assert to_latex(resolve(parse(typed), scope), scope) == "\\delta_{\\hat{y}} \\hat{y} \\epsilon"


def _balanced(latex: str) -> bool:
    depth = 0
    for ch in latex.replace("\\{", "").replace("\\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0 and len(re.findall(r"\\left\b", latex)) == len(re.findall(r"\\right\b", latex))


def test_every_readable_answer_of_the_table_has_balanced_latex(midterm: Midterm) -> None:
    checked = 0
    for part_id, _, answer, _ in TABLE:
        scope = midterm.part(part_id).task(midterm.variant(part_id)).scope()
        try:
            _, _, latex = read(answer, scope)
        except StudentError:
            continue
        assert latex and _balanced(latex), (answer, latex)
        checked += 1
    assert checked > 150


@pytest.mark.parametrize("part_id", list(EXPRESSION_PARTS))
def test_model_answers_typeset(midterm: Midterm, part_id: str) -> None:
    part = midterm.part(part_id)
    latex = read(part.answer, part.task(midterm.variant(part_id)).scope())[2]
    assert _balanced(latex)
    assert "\\mathrm{" not in latex  # every name of the exam has a proper typeset form


# -- known bugs -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        pytest.param("2 (-3)", "2 \\left(-3\\right)", id="reads-as-2-minus-3"),
        pytest.param("a (-b)", "a \\left(-b\\right)", id="reads-as-a-minus-b"),
        pytest.param("a @ (-b)", "a \\left(-b\\right)", id="matmul-reads-as-a-minus-b"),
    ],
)
def test_a_negative_right_factor_keeps_its_brackets(text: str, latex: str) -> None:
    assert to_latex(parse(text)) == latex


def test_a_power_of_a_fraction_keeps_its_brackets() -> None:
    assert to_latex(parse("(a/b)^2")) == "{\\left(\\frac{a}{b}\\right)}^{2}"

"""Name resolution, as a specification: which spellings of a question's names a student may type.

Accepted: the declared name; Greek letters (`α`, `δ_b1`, folded by the lexer); short aliases (`eps`, `lam`);
underscores added or dropped (`W_1` = `W1`, `y_hat` = `yhat`); family members `g[k]`, `g_k`, `g_1`, `g1`.
Names are case-sensitive. Anything else is an unknown name, with a suggestion when known names spell it.
"""

from __future__ import annotations

import pytest

from app.engine.errors import ParseError, UnknownName
from app.engine.names import ALIASES, _split_suggestion, resolve
from app.engine.parse import parse
from app.engine.scope import Scope, Symbol
from tests.engine.conftest import sx

SCOPE = Scope.of(
    Symbol("x", ("D_x", 1)),
    Symbol("W1", ("D_a1", "D_x")),
    Symbol("W2", (1, "D_a1")),
    Symbol("z1", ("D_a1", 1)),
    Symbol("a1", ("D_a1", 1)),
    Symbol("yhat"),
    Symbol("y"),
    Symbol("alpha"),
    Symbol("epsilon"),
    Symbol("lambda"),
    Symbol("delta_yhat"),
    Symbol("delta_b1", ("D_a1", 1)),
    Symbol("dJ_dW2", (1, "D_a1")),
    Symbol("theta0", ("D", 1)),
    Symbol("t", (), "integer"),
    Symbol("g", ("D", 1), "family"),
)
LISTING = "a1, alpha, delta_b1, delta_yhat, dJ_dW2, epsilon, g, lambda, t, theta0, W1, W2, x, y, yhat, z1"


def read(text: str, scope: Scope = SCOPE) -> str:
    return sx(resolve(parse(text, scope.symbols.keys()), scope))


RESOLVES = [
    # (typed, resolved)
    ("W1", "W1"),
    ("W_1", "W1"),
    ("z_1", "z1"),
    ("a_1", "a1"),
    ("theta_0", "theta0"),
    ("yhat", "yhat"),
    ("y_hat", "yhat"),
    ("y_h_a_t", "yhat"),
    ("ŷ", "yhat"),
    ("delta_yhat", "delta_yhat"),
    ("delta_y_hat", "delta_yhat"),
    ("deltayhat", "delta_yhat"),
    ("δ_yhat", "delta_yhat"),
    ("δ_ŷ", "delta_yhat"),
    ("δŷ", "delta_yhat"),
    ("delta_b_1", "delta_b1"),
    ("deltab1", "delta_b1"),
    ("δ_b1", "delta_b1"),
    ("dJdW2", "dJ_dW2"),
    ("dJ_dW_2", "dJ_dW2"),
    ("α", "alpha"),
    ("ε", "epsilon"),
    ("ϵ", "epsilon"),
    ("eps", "epsilon"),
    ("λ", "lambda"),
    ("lam", "lambda"),
    ("lmbda", "lambda"),
    ("θ0", "theta0"),
    ("θ_0", "theta0"),
    ("sum(g[k - 1], k, 2, t)", "(sum g[(- k 1)] k 2 t)"),
    ("g[1]", "g[1]"),
    ("g_1", "g[1]"),
    ("g1", "g[1]"),
    ("g_10", "g[10]"),
    ("g_t", "g[t]"),
    ("gt", "g[t]"),
    ("g[t - 1]", "g[(- t 1)]"),
    ("sum(g_k, k, 1, t)", "(sum g[k] k 1 t)"),
    ("sum(gk, k, 1, t)", "(sum g[k] k 1 t)"),
    ("sum(g[k], k, 1, t)", "(sum g[k] k 1 t)"),
    ("sum(alpha^j, j, 0, t)", "(sum (^ alpha j) j 0 t)"),
    ("sum(sum(g[i], i, 1, j), j, 1, t)", "(sum (sum g[i] i 1 j) j 1 t)"),
    ("sum(x, x, 1, 3)", "(sum x x 1 3)"),  # a sum's index shadows a declared name inside the sum
    ("W_2.T δ_b1.T", "(juxt (T W2) (T delta_b1))"),
]


@pytest.mark.parametrize(("typed", "resolved"), [pytest.param(*row, id=row[0]) for row in RESOLVES])
def test_accepted_spellings(typed: str, resolved: str) -> None:
    assert read(typed) == resolved


def test_the_canonical_name_keeps_the_students_span() -> None:
    node = resolve(parse("2 δ_ŷ"), SCOPE)
    assert sx(node) == "(juxt 2 delta_yhat)"
    assert (node.right.start, node.right.end) == (2, 5)  # type: ignore[attr-defined]


UNKNOWN = [
    # (typed, unknown name reported, position, suggestion)
    ("w1", "w1", 0, None),  # names are case-sensitive
    ("Alpha", "Alpha", 0, None),
    ("ALPHA", "ALPHA", 0, None),
    ("alphay", "alphay", 0, "alpha y"),
    ("yalpha", "yalpha", 0, "y alpha"),
    ("W1x", "W1x", 0, "W1 x"),
    ("W2a1", "W2a1", 0, "W2 a1"),
    ("xx", "xx", 0, "x x"),
    ("W1W1x", "W1W1x", 0, "W1 W1 x"),
    ("yhatyhat", "yhatyhat", 0, "yhat yhat"),
    ("2 alphaepsilon", "alphaepsilon", 2, "alpha epsilon"),
    ("betaa", "betaa", 0, None),
    ("y hat", "hat", 2, None),
    ("delta yhat", "delta", 0, None),
    ("gamma", "gamma", 0, None),
    ("γ", "gamma", 0, None),
    ("T", "T", 0, None),
    ("g_k", "g_k", 0, None),  # k is not bound here
    ("g_kk", "g_kk", 0, None),
    ("g[k]", "k", 2, None),
    ("sum(g_j, k, 1, t)", "g_j", 4, None),
    ("sum(g[k], k, 1, t) + k", "k", 21, None),  # the index does not exist outside its sum
    ("sum(1, k, 1, k)", "k", 13, None),  # nor in its own bounds
    ("theta_t", "theta_t", 0, None),
    ("eye", "eye", 0, None),
    ("e^x", "e", 0, None),  # Euler's number is exp(1)
    ("factorial(3)", "factorial", 0, None),
    ("__import__", "__import__", 0, None),
]


@pytest.mark.parametrize(("typed", "name", "position", "suggestion"), [pytest.param(*r, id=r[0]) for r in UNKNOWN])
def test_unknown_names(typed: str, name: str, position: int, suggestion: str | None) -> None:
    with pytest.raises(UnknownName) as caught:
        read(typed)
    error = caught.value
    hint = f" Did you mean `{suggestion}`?" if suggestion else ""
    assert (error.code, error.name, error.position) == ("unknown_name", name, position)
    assert error.message == f"Unknown name `{name}`.{hint} Names you can use here: {LISTING}."


def test_the_listing_is_sorted_ignoring_case() -> None:
    assert SCOPE.allowed() == LISTING.split(", ")


def test_an_empty_scope_lists_none() -> None:
    with pytest.raises(UnknownName) as caught:
        resolve(parse("x"), Scope())
    assert caught.value.message == "Unknown name `x`. Names you can use here: (none)."


FAMILY_ERRORS = [
    ("g", "`g` is an indexed family: write one member, e.g. g[k].", 0),
    ("2 g", "`g` is an indexed family: write one member, e.g. g[k].", 2),
    ("x[1]", "`x` cannot be indexed with [...]. Indexed names here: g.", 0),
    ("yhat[1]", "`yhat` cannot be indexed with [...]. Indexed names here: g.", 0),
]


@pytest.mark.parametrize(("typed", "message", "position"), [pytest.param(*r, id=r[0]) for r in FAMILY_ERRORS])
def test_family_misuse(typed: str, message: str, position: int) -> None:
    with pytest.raises(ParseError) as caught:
        read(typed)
    assert (caught.value.code, caught.value.message, caught.value.position) == ("syntax", message, position)


def test_indexing_a_name_the_question_does_not_declare_says_so() -> None:
    with pytest.raises(UnknownName) as caught:
        resolve(parse("h[1]"), Scope.of(Symbol("x", ("n", 1)), Symbol("g", ("n", 1), "family")))
    assert caught.value.message == "`h` is not a name in this question. Names you can use here: g, x."


def test_indexing_without_families_gives_no_hint() -> None:
    with pytest.raises(ParseError) as caught:
        resolve(parse("x[1]"), Scope.of(Symbol("x", ("n", 1))))
    assert caught.value.message == "`x` cannot be indexed with [...]."


def test_ambiguous_underscore_spellings_are_unknown() -> None:
    scope = Scope.of(Symbol("a_b1"), Symbol("ab_1"))
    assert read("a_b1", scope) == "a_b1"
    assert read("ab_1", scope) == "ab_1"
    with pytest.raises(UnknownName):
        read("ab1", scope)  # both squash to ab1


def test_an_index_name_may_also_be_a_declared_name() -> None:
    scope = Scope.of(Symbol("k"), Symbol("g", ("n", 1), "family"))
    assert read("g_k", scope) == "g[k]"
    assert read("g[k] k", scope) == "(juxt g[k] k)"


def test_the_identity_and_declared_names_are_looked_up_exactly() -> None:
    scope = Scope.of(Symbol("I", ("D", "D"), "identity"), Symbol("sigma"))
    assert read("sigma^2 I", scope) == "(juxt (^ sigma 2) I)"
    assert read("σ(σ) I", scope) == "(juxt (juxt sigma sigma) I)"
    with pytest.raises(UnknownName):
        read("i", scope)


SUGGESTIONS = [
    ("alphay", ("alpha", "y"), "alpha y"),
    ("abb", ("a", "ab", "b"), "ab b"),  # the fewest names
    ("aab", ("a", "ab", "b"), "a ab"),
    ("ab", ("a", "ab", "b"), None),  # a single name is not a suggestion
    ("abc", ("a", "b"), None),  # no spelling
    ("x" * 41, ("x",), None),  # too long to search
    ("x" * 40, ("x",), " ".join(["x"] * 40)),
]


@pytest.mark.parametrize(("word", "names", "suggestion"), [pytest.param(*r, id=r[0][:12]) for r in SUGGESTIONS])
def test_split_suggestions(word: str, names: tuple[str, ...], suggestion: str | None) -> None:
    assert _split_suggestion(word, names) == suggestion


def test_aliases() -> None:
    assert ALIASES == {"eps": "epsilon", "lam": "lambda", "lmbda": "lambda"}


def test_aliases_only_name_variables_not_functions() -> None:
    with pytest.raises(UnknownName):
        read("sigm(yhat)")  # write sigmoid(...) or sigma(...)

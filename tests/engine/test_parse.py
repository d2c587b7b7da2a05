"""The answer language's grammar, as a specification: text → syntax tree, or the error a student sees.

Trees are written as s-expressions: `(+ a (* b c))`; `juxt` is juxtaposition (`2 x`, `W2 a1`); `(T x)` a
transpose; `(neg x)` a unary minus; `g[k]` a family member; `(sum body k lo hi)` a sum with inclusive bounds.
"""

from __future__ import annotations

import pytest

from app.engine.errors import InputTooLarge, ParseError
from app.engine.lexer import MAX_LENGTH, tokenize
from app.engine.parse import MAX_DEPTH, MAX_HEIGHT, MAX_NODES, parse
from app.engine.syntax import Binary, Call, Compare, Index, Name, Neg, Num, Sum, Transpose
from tests.engine.conftest import sx


def spec(*rows: tuple[str, str]) -> list:  # type: ignore[type-arg]
    return [pytest.param(text, tree, id=text.replace("\n", "\\n")[:60]) for text, tree in rows]


# -- precedence and associativity ----------------------------------------------------------------------------------

PRECEDENCE = spec(
    ("a + b * c", "(+ a (* b c))"),
    ("a * b + c", "(+ (* a b) c)"),
    ("a - b - c", "(- (- a b) c)"),
    ("a - (b - c)", "(- a (- b c))"),
    ("a / b / c", "(/ (/ a b) c)"),
    ("a * b / c", "(/ (* a b) c)"),
    ("a @ b @ c", "(@ (@ a b) c)"),
    ("a @ b * c", "(* (@ a b) c)"),
    ("a ⊙ b + c", "(+ (⊙ a b) c)"),
    ("a^b^c", "(^ a (^ b c))"),  # right-associative
    ("a**b**c", "(^ a (^ b c))"),
    ("(a^b)^c", "(^ (^ a b) c)"),
    ("a^b * c", "(* (^ a b) c)"),
    ("a * b^c", "(* a (^ b c))"),
    ("-a^2", "(neg (^ a 2))"),  # the power binds tighter than the minus
    ("(-a)^2", "(^ (neg a) 2)"),
    ("a^-b", "(^ a (neg b))"),
    ("2^-1", "(^ 2 (neg 1))"),
    ("a^-b c", "(juxt (^ a (neg b)) c)"),
    ("a^-b^2", "(^ a (neg (^ b 2)))"),
    ("-a + b", "(+ (neg a) b)"),
    ("-a b", "(juxt (neg a) b)"),
    ("a * -b", "(* a (neg b))"),
    ("a - -b", "(- a (neg b))"),
    ("--a", "(neg (neg a))"),
    ("+a", "a"),
    ("-+a", "(neg a)"),
    ("-x.T", "(neg (T x))"),  # postfix transpose binds tightest
    ("a b.T", "(juxt a (T b))"),
    ("a^2.5", "(^ a 2.5)"),
)

IMPLICIT_MULTIPLICATION = spec(
    ("alpha y", "(juxt alpha y)"),
    ("2W2", "(juxt 2 W2)"),
    ("2 W2", "(juxt 2 W2)"),
    ("2t", "(juxt 2 t)"),
    ("x 2", "(juxt x 2)"),
    ("W2 a1", "(juxt W2 a1)"),
    ("a b c", "(juxt (juxt a b) c)"),
    ("(1 - 2 epsilon) W2", "(juxt (- 1 (juxt 2 epsilon)) W2)"),
    ("a (b + c)", "(juxt a (+ b c))"),
    ("(a + b)(c + d)", "(juxt (+ a b) (+ c d))"),
    ("{a + b} c", "(juxt (+ a b) c)"),
    ("a {b}", "(juxt a b)"),
    ("a^2 b", "(juxt (^ a 2) b)"),
    ("a b^2", "(juxt a (^ b 2))"),
    ("a b / c", "(/ (juxt a b) c)"),
    ("a / b c", "(juxt (/ a b) c)"),  # as tight as * and /, left to right: (a / b) c
    ("1/2 a", "(juxt (/ 1 2) a)"),
    ("a * b c", "(juxt (* a b) c)"),
    ("a + b c", "(+ a (juxt b c))"),
    ("a @ b c", "(juxt (@ a b) c)"),
    ("1e-3x", "(juxt 1e-3 x)"),
    ("x.5", "(juxt x .5)"),  # a number may start with a dot
    ("2 (3)", "(juxt 2 3)"),
    ("2^2 3", "(juxt (^ 2 2) 3)"),
    ("a exp(b)", "(juxt a (exp b))"),
    ("exp(a) b", "(juxt (exp a) b)"),
    ("(z1 > 0)(a1 < 1)", "(juxt (> z1 0) (< a1 1))"),
)

TRANSPOSES = spec(
    ("x.T", "(T x)"),
    ("x'", "(T x)"),
    ("x^T", "(T x)"),
    ("x^{T}", "(T x)"),
    ("x^(T)", "(T x)"),
    ("x**T", "(T x)"),
    ("xᵀ", "(T x)"),
    ("(a b)ᵀ", "(T (juxt a b))"),
    ("x .T", "(T x)"),
    ("x.T.T", "(T (T x))"),
    ("x''", "(T (T x))"),
    ("x'^T", "(T (T x))"),
    ("(a b).T", "(T (juxt a b))"),
    ("(a b)'", "(T (juxt a b))"),
    ("W2.T delta_b2", "(juxt (T W2) delta_b2)"),
    ("x^T y", "(juxt (T x) y)"),
    ("x^Ty", "(^ x Ty)"),  # `Ty` is one name: x to the power Ty
    ("g[k].T", "(T g[k])"),
    ("exp(x).T", "(T (exp x))"),
    ("x.T^2", "(^ (T x) 2)"),
)

COMPARISONS = spec(
    ("z1 > 0", "(> z1 0)"),
    ("0 < z1", "(< 0 z1)"),
    ("a >= b", "(>= a b)"),
    ("a <= b", "(<= a b)"),
    ("a ≥ b", "(>= a b)"),
    ("a ≤ b", "(<= a b)"),
    ("a + 1 > b * 2", "(> (+ a 1) (* b 2))"),  # comparisons bind loosest
    ("a > -1", "(> a (neg 1))"),
    ("x * (z1 > 0)", "(* x (> z1 0))"),
    ("(z1 > 0) x", "(juxt (> z1 0) x)"),
)

CALLS_AND_SUMS = spec(
    ("exp(x)", "(exp x)"),
    ("sigma(z2)", "(sigma z2)"),
    ("sigmoid(z2)", "(sigmoid z2)"),
    ("relu(z1)", "(relu z1)"),
    ("heaviside(z1)", "(heaviside z1)"),
    ("log(1 - yhat)", "(log (- 1 yhat))"),
    ("ln(x)", "(ln x)"),
    ("sqrt(a)", "(sqrt a)"),
    ("abs(a)", "(abs a)"),
    ("sign(a)", "(sign a)"),
    ("tanh(a)", "(tanh a)"),
    ("diag(x)", "(diag x)"),
    ("trace(A)", "(trace A)"),
    ("max(a, b)", "(max a b)"),
    ("min(a, 0)", "(min a 0)"),
    ("max(x)", "(max x)"),
    ("sum(x)", "(sum x)"),
    ("odot(a, b)", "(⊙ a b)"),
    ("exp(x)^2", "(^ (exp x) 2)"),
    ("exp(-x)", "(exp (neg x))"),
    ("sigma(W2 a1 + b2)", "(sigma (+ (juxt W2 a1) b2))"),
    ("sum(g[k], k, 1, t)", "(sum g[k] k 1 t)"),
    ("sum(alpha^(t - k) g[k], k, 1, t)", "(sum (juxt (^ alpha (- t k)) g[k]) k 1 t)"),
    ("sum(sum(a, j, 1, k), k, 1, t)", "(sum (sum a j 1 k) k 1 t)"),
    ("epsilon sum(g[k], k, 1, t)", "(juxt epsilon (sum g[k] k 1 t))"),
    ("sum(g[k], k, 1, t) / 2", "(/ (sum g[k] k 1 t) 2)"),
    ("sum(k, k, t - 1, t + 1)", "(sum k k (- t 1) (+ t 1))"),
)

FAMILIES_AND_NUMBERS = spec(
    ("g[k]", "g[k]"),
    ("g[k - 1]", "g[(- k 1)]"),
    ("g[1]", "g[1]"),
    ("g_k", "g_k"),  # a plain name here: the question's names decide that it is g[k] (see test_names)
    ("2", "2"),
    ("0.5", "0.5"),
    (".5", ".5"),
    ("2.", "2."),
    ("1e-3", "1e-3"),
    ("1E3", "1E3"),
    ("1.5e+2", "1.5e+2"),
    ("007", "007"),
    ("a\n+\tb", "(+ a b)"),  # any whitespace separates tokens
    ("  a  ", "a"),
)

UNICODE = spec(
    ("α y", "(juxt alpha y)"),
    ("δ_b1 xᵀ", "(juxt delta_b1 (T x))"),
    ("δ_ŷ", "delta_yhat"),
    ("ŷ (1 - ŷ)", "(juxt yhat (- 1 yhat))"),
    ("θ0", "theta0"),
    ("ε ϵ", "(juxt epsilon epsilon)"),
    ("η λ μ ν τ", "(juxt (juxt (juxt (juxt eta lambda) mu) nu) tau)"),
    ("γ β Δ Σ", "(juxt (juxt (juxt gamma beta) Delta) Sigma)"),
    ("a − b", "(- a b)"),
    ("a – b", "(- a b)"),
    ("a × b", "(* a b)"),
    ("a · b", "(* a b)"),
    ("a ∗ b", "(* a b)"),
    ("a ÷ b", "(/ a b)"),
    ("a ∘ b", "(⊙ a b)"),
    ("x²", "(^ x 2)"),
    ("(1 - ŷ)²", "(^ (- 1 yhat) 2)"),
    ("μ³", "(^ mu 3)"),
    ("a\u00a0b", "(juxt a b)"),  # a no-break space is a space
)


@pytest.mark.parametrize(("text", "tree"), PRECEDENCE)
def test_precedence_and_associativity(text: str, tree: str) -> None:
    assert sx(parse(text)) == tree


@pytest.mark.parametrize(("text", "tree"), IMPLICIT_MULTIPLICATION)
def test_implicit_multiplication(text: str, tree: str) -> None:
    assert sx(parse(text)) == tree


@pytest.mark.parametrize(("text", "tree"), TRANSPOSES)
def test_transposes(text: str, tree: str) -> None:
    assert sx(parse(text)) == tree


@pytest.mark.parametrize(("text", "tree"), COMPARISONS)
def test_comparisons_are_indicators(text: str, tree: str) -> None:
    assert sx(parse(text)) == tree


@pytest.mark.parametrize(("text", "tree"), CALLS_AND_SUMS)
def test_functions_and_sums(text: str, tree: str) -> None:
    assert sx(parse(text)) == tree


@pytest.mark.parametrize(("text", "tree"), FAMILIES_AND_NUMBERS)
def test_families_numbers_and_whitespace(text: str, tree: str) -> None:
    assert sx(parse(text)) == tree


@pytest.mark.parametrize(("text", "tree"), UNICODE)
def test_unicode_is_folded(text: str, tree: str) -> None:
    assert sx(parse(text)) == tree


# -- a question's variables shadow functions and the transpose `^T` --------------------------------------------------

SHADOWING = [
    pytest.param("x^T", (), "(T x)", id="x^T-transposes"),
    pytest.param("x^T", ("T",), "(^ x T)", id="x^T-is-a-power-when-T-is-a-variable"),
    pytest.param("x^{T}", ("T",), "(^ x T)", id="x^{T}-is-a-power-when-T-is-a-variable"),
    pytest.param("x^(T)", ("T",), "(^ x T)", id="x^(T)-is-a-power-when-T-is-a-variable"),
    pytest.param("x.T", ("T",), "(T x)", id="dot-T-always-transposes"),
    pytest.param("x'", ("T",), "(T x)", id="prime-always-transposes"),
    pytest.param("sigma(x)", (), "(sigma x)", id="sigma-is-the-sigmoid"),
    pytest.param("sigma^2", ("sigma",), "(^ sigma 2)", id="sigma-variable-squared"),
    pytest.param("sigma(x)", ("sigma",), "(juxt sigma x)", id="sigma-variable-times-bracket"),
    pytest.param("sigmoid(x)", ("sigma",), "(sigmoid x)", id="sigmoid-stays-a-function"),
    pytest.param("exp", ("exp",), "exp", id="any-function-name-can-be-a-variable"),
]


@pytest.mark.parametrize(("text", "variables", "tree"), SHADOWING)
def test_declared_variables_shadow_functions_and_T(text: str, variables: tuple[str, ...], tree: str) -> None:
    assert sx(parse(text, variables)) == tree


# -- spans: every node knows the text it came from ---------------------------------------------------------------


def test_nodes_record_their_span() -> None:
    text = "alpha y / (1 - yhat)"
    node = parse(text)
    assert isinstance(node, Binary)
    assert (node.start, node.end) == (0, len(text))
    assert text[node.left.start : node.left.end] == "alpha y"
    assert text[node.right.start : node.right.end] == "(1 - yhat)"


def test_trees_compare_by_structure_not_by_span() -> None:
    assert parse("a+b") == parse("  a  +  b ") == Binary("+", Name("a"), Name("b"))
    assert parse("x^T") == parse("x.T") == Transpose(Name("x"))
    assert parse("-2") == Neg(Num(2.0, "2"))
    assert parse("z > 0") == Compare(">", Name("z"), Num(0.0, "0"))
    assert parse("g[k]") == Index("g", Name("k"))
    assert parse("sum(g[k], k, 1, t)") == Sum(Index("g", Name("k")), "k", Num(1.0, "1"), Name("t"))
    assert parse("max(a, b)") == Call("max", (Name("a"), Name("b")))


def test_number_values() -> None:
    values = {text: parse(text) for text in ("2", "0.5", ".5", "2.", "1e-3", "1E3", "1.5e+2")}
    assert {text: node.value for text, node in values.items() if isinstance(node, Num)} == {
        "2": 2.0,
        "0.5": 0.5,
        ".5": 0.5,
        "2.": 2.0,
        "1e-3": 0.001,
        "1E3": 1000.0,
        "1.5e+2": 150.0,
    }


# -- the tokenizer -------------------------------------------------------------------------------------------------


def test_tokens_keep_the_students_positions() -> None:
    tokens = [(t.kind, t.text, t.start, t.end) for t in tokenize("δ_b1 @ xᵀ − 2ŷ**2")]
    assert tokens == [
        ("name", "delta_b1", 0, 4),
        ("op", "@", 5, 6),
        ("name", "x", 7, 8),
        ("transpose", "ᵀ", 8, 9),
        ("op", "-", 10, 11),
        ("num", "2", 12, 13),
        ("name", "yhat", 13, 14),
        ("op", "^", 14, 16),
        ("num", "2", 16, 17),
        ("end", "", 17, 17),
    ]


def test_dot_T_is_a_transpose_only_when_T_ends_the_word() -> None:
    assert [t.kind for t in tokenize("a1.T b")] == ["name", "transpose", "name", "end"]
    with pytest.raises(ParseError) as caught:
        tokenize("a1.Tb")
    assert (caught.value.message, caught.value.position) == ("The character `.` is not allowed in an answer.", 2)


# -- errors: message and position (0-based offset in the student's text) ---------------------------------------------

ERRORS = [
    # (text, message, position)
    ("", "Your answer is empty.", 0),
    ("   ", "Your answer is empty.", 0),
    ("a +", "`+` needs something after it.", 2),
    ("a^", "`^` needs something after it.", 1),
    ("a + * b", "Unexpected `*`.", 4),
    ("* a", "Unexpected `*`.", 0),
    ("[a]", "Unexpected `[`.", 0),
    ("(a", "The bracket `(` opened here is never closed.", 0),
    ("a)", "Unmatched `)`.", 1),
    ("(a]", "Expected `)` to close the `(` at position 1.", 2),
    ("{a)", "Expected `}` to close the `{` at position 1.", 2),
    ("a[1", "The bracket `[` opened here is never closed.", 1),
    ("f(", "Your answer ends too early: something is missing at the end.", 2),
    ("a^(", "Your answer ends too early: something is missing at the end.", 3),
    ("a^{T", "The bracket `{` opened here is never closed.", 2),
    ("exp", "`exp` is a function: write exp(...).", 0),
    ("exp x", "`exp` is a function: write exp(...).", 0),
    ("sigma z2", "`sigma` is a function: write sigma(...).", 0),
    ("exp()", "`exp` takes 1 argument(s): exp(x).", 0),
    ("exp(a, b)", "`exp` takes 1 argument(s): exp(x).", 0),
    ("max(a, b, c)", "`max` takes 1 or 2 argument(s): max(x) or max(a, b).", 0),
    ("min()", "`min` takes 1 or 2 argument(s): min(x) or min(a, b).", 0),
    ("sum(a, k)", "`sum` takes 1 or 4 argument(s): sum(x) or sum(expr, k, lo, hi).", 0),
    ("2 sum(a, k, 1)", "`sum` takes 1 or 4 argument(s): sum(x) or sum(expr, k, lo, hi).", 2),
    ("sum(a, 1, 1, 2)", "In sum(expr, k, lo, hi) the second argument must be the index name.", 7),
    ("sum(a, k + 1, 1, 2)", "In sum(expr, k, lo, hi) the second argument must be the index name.", 7),
    ("odot(a)", "`odot` takes 2 argument(s): odot(a, b).", 0),
    ("a, b", "A comma can only separate the arguments of a function.", 1),
    ("a < b < c", "Chain comparisons in separate brackets, e.g. (a < b)(b < c).", 6),
    ("0 < a <= 1", "Chain comparisons in separate brackets, e.g. (a < b)(b < c).", 6),
    ("2 3", "Two numbers in a row: put an operator between them.", 2),
    ("2 .5", "Two numbers in a row: put an operator between them.", 2),
    ("'", "`'` (transpose) must follow what it transposes.", 0),
    (".T", "`.T` (transpose) must follow what it transposes.", 0),
    ("ᵀ", "`ᵀ` (transpose) must follow what it transposes.", 0),
    ("a ** ** b", "Unexpected `^`.", 5),  # operators are named in their canonical form
    ("a..T", "The character `.` is not allowed in an answer.", 1),
    ("a.t", "The character `.` is not allowed in an answer.", 1),
    ("a #", "The character `#` is not allowed in an answer.", 2),
    ("a; b", "The character `;` is not allowed in an answer.", 1),
    ("a = b", "The character `=` is not allowed in an answer.", 2),
    ("a ! b", "The character `!` is not allowed in an answer.", 2),
    ("a % b", "The character `%` is not allowed in an answer.", 2),
    ("a & b", "The character `&` is not allowed in an answer.", 2),
    ("a | b", "The character `|` is not allowed in an answer.", 2),
    ("~a", "The character `~` is not allowed in an answer.", 0),
    ('"a"', 'The character `"` is not allowed in an answer.', 0),
    ("a\\b", "The character `\\` is not allowed in an answer.", 1),
    ("a → b", "The character `→` is not allowed in an answer.", 2),
    ("a’", "The character `’` is not allowed in an answer.", 1),
    ("x\x00", "The character `'\\x00'` is not allowed in an answer.", 1),
    ("x\u200b", "The character `'\\u200b'` is not allowed in an answer.", 1),
    ("а", "The character `а` is not allowed in a name.", 0),  # Cyrillic a
    ("xх", "The character `х` is not allowed in a name.", 1),  # Latin x, Cyrillic x
    ("ｘ", "The character `ｘ` is not allowed in a name.", 0),
    ("θ₀", "The character `₀` is not allowed in a name.", 1),
    ("٣", "The character `٣` is not allowed in an answer.", 0),
    ("３", "The character `３` is not allowed in an answer.", 0),
]


@pytest.mark.parametrize(("text", "message", "position"), [pytest.param(*row, id=repr(row[0])) for row in ERRORS])
def test_syntax_errors_say_what_and_where(text: str, message: str, position: int) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert type(caught.value) is ParseError
    assert caught.value.code == "syntax"
    assert (caught.value.message, caught.value.position) == (message, position)


def test_the_pointer_puts_a_caret_under_the_error() -> None:
    text = "W2 - epsilon (dJ_dW2 + 2 W2) -"
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert caught.value.pointer(text) == f"{text}\n{' ' * 29}^"


def test_the_pointer_is_one_line_and_omitted_for_long_answers() -> None:
    with pytest.raises(ParseError) as caught:
        parse("a\n+")
    assert caught.value.pointer("a\n+") == "a +\n  ^"
    long = "a + " * 60 + "#"
    with pytest.raises(ParseError) as caught:
        parse(long)
    assert caught.value.pointer(long) == ""


# -- limits: exact messages ----------------------------------------------------------------------------------------

TOO_DEEP = "Your answer is nested too deeply (more than 40 levels)."
TOO_MANY = "Your answer has too many terms (the limit is 400 symbols and numbers)."

LIMITS = [
    pytest.param("x" * (MAX_LENGTH + 1), "Your answer is 2001 characters long; the limit is 2000.", None, id="length"),
    pytest.param("1" * 31, "The number starting here has more than 30 digits.", 0, id="31-digits"),
    pytest.param("x + 1.234567890123456789012345678901", "The number starting here has more than 30 digits.", 4),
    pytest.param("1e301", "The number `1e301` is too large or too small.", 0, id="exponent-301"),
    pytest.param("2 1e-301", "The number `1e-301` is too large or too small.", 2, id="exponent-minus-301"),
    pytest.param("(" * 41 + "a" + ")" * 41, TOO_DEEP, 41, id="41-brackets"),
    pytest.param("-" * 41 + "a", TOO_DEEP, 41, id="41-minus-signs"),
    pytest.param("exp(" * 41 + "a" + ")" * 41, TOO_DEEP, 164, id="41-nested-calls"),
    pytest.param("a" + "^a" * 41, TOO_DEEP, 82, id="41-powers"),
    pytest.param("+".join(["a"] * 201), TOO_MANY, None, id="401-symbols"),
    # a long flat sum is a deep left-leaning tree: more than 100 terms count as "nested too deeply"
    pytest.param(
        "+".join(["a"] * 101),
        "Your answer is too long or nested too deeply (more than 100 levels of operations).",
        2,
        id="101-terms",
    ),
]


@pytest.mark.parametrize(("text", "message", "position"), LIMITS)
def test_limits_have_exact_messages(text: str, message: str, position: int | None) -> None:
    with pytest.raises(InputTooLarge) as caught:
        parse(text)
    assert caught.value.code == "limit"
    assert (caught.value.message, caught.value.position) == (message, position)


WITHIN_LIMITS = [
    pytest.param("x" * MAX_LENGTH, id="2000-characters"),
    pytest.param("1" * 30, id="30-digits"),
    pytest.param("0" * 40 + "1", id="leading-zeros-do-not-count"),
    pytest.param("1e300 + 1e-300", id="exponent-300"),
    pytest.param("(" * 40 + "a" + ")" * 40, id="40-brackets"),
    pytest.param("-" * 40 + "a", id="40-minus-signs"),
    pytest.param("exp(" * 40 + "a" + ")" * 40, id="40-nested-calls"),
    pytest.param("a" + "^a" * 40, id="40-powers"),
    pytest.param("+".join(["a"] * 100), id="100-term-sum"),
    pytest.param("a" + " b" * 99, id="100-factor-product"),
]


@pytest.mark.parametrize("text", WITHIN_LIMITS)
def test_just_within_the_limits(text: str) -> None:
    parse(text)


def test_limits_match_the_constants() -> None:
    assert (MAX_LENGTH, MAX_DEPTH, MAX_NODES, MAX_HEIGHT) == (2000, 40, 400, 100)


def test_limit_errors_are_parse_errors() -> None:
    assert issubclass(InputTooLarge, ParseError)

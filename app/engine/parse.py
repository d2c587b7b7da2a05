"""The whitelisting parser: answer text → syntax tree (`app.engine.syntax`), never through eval or sympify.

A Pratt parser over the tokens of `app.engine.lexer`. Only the functions of `app.engine.functions` and the
operator table exist; everything else is a ParseError with the position of the offending token.
"""

from __future__ import annotations

from collections.abc import Collection

from app.engine.errors import InputTooLarge, ParseError
from app.engine.functions import FUNCTIONS, function_names
from app.engine.lexer import BRACKETS, Token, tokenize
from app.engine.syntax import Binary, Call, Compare, Index, Name, Neg, Node, Num, Sum, Transpose

MAX_DEPTH = 40
MAX_NODES = 400
MAX_HEIGHT = 100

SPECIAL_FORMS = frozenset({"odot"})  # syntax, not functions: odot(a, b) is a ⊙ b (sum(expr, k, lo, hi) too)
INFINITY_NAMES = frozenset({"inf", "infty", "oo"})
SUM_SIGNS = frozenset({"Sigma"})  # Σ(…): the student means sum(…)

_INFIX = {">": 10, "<": 10, ">=": 10, "<=": 10, "==": 10, "!=": 10, "+": 20, "-": 20, "*": 30, "/": 30, "@": 30,
          "⊙": 30, "^": 50}  # fmt: skip
_JUXT, _UNARY, _POSTFIX = 30, 40, 60
# What a token does after an operand (binding power, operation), by (kind, text) or else by kind alone.
_BY_TOKEN: dict[tuple[str, str], tuple[int | None, str]] = {
    **{("op", op): (bp, op) for op, bp in _INFIX.items()},
    **{("transpose", t): (_POSTFIX, "transpose") for t in ("'", ".T", "ᵀ")},
    ("open", "["): (_POSTFIX, "open"),
    ("open", "("): (_JUXT, "juxt"),
    ("open", "{"): (_JUXT, "juxt"),
}
_BY_KIND: dict[str, tuple[int | None, str]] = {"num": (_JUXT, "juxt"), "name": (_JUXT, "juxt")}
_NO_INFIX: tuple[int | None, str] = (None, "")


def parse(text: str, variables: Collection[str] = ()) -> Node:
    """Parse an answer. `variables` are the names the question declares: they shadow functions (`sigma^2`)."""
    parser = _Parser(tokenize(text), text, frozenset(variables))
    node = parser.parse_all()
    if parser.nodes > MAX_HEIGHT:  # a tree is never taller than its node count: most answers skip this walk
        _check_height(node)
    return node


class _Parser:
    def __init__(self, tokens: list[Token], text: str, variables: frozenset[str]) -> None:
        self.tokens, self.text, self.variables = tokens, text, variables
        self.i = 0
        self.tok = tokens[0]  # the current token, kept beside its index (read on every step of the parse)
        self.depth = 0
        self.nodes = 0

    # -- token helpers -------------------------------------------------------------------------------
    def skip(self, n: int = 1) -> None:
        self.i += n
        self.tok = self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tok
        self.skip()
        return tok

    def expect_close(self, opener: Token) -> Token:
        want = BRACKETS[opener.text]
        if self.tok.kind == "close" and self.tok.text == want:
            return self.advance()
        if self.tok.kind == "end":
            raise ParseError(f"The bracket `{opener.text}` opened here is never closed.", opener.start)
        raise ParseError(
            f"Expected `{want}` to close the `{opener.text}` at position {opener.start + 1}.", self.tok.start
        )

    def make(self, node: Node, start: int) -> Node:
        """Count a node and give it its span: from `start` to the end of the token just read."""
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputTooLarge(f"Your answer has too many terms (the limit is {MAX_NODES} symbols and numbers).")
        if node.end:  # already placed (a bracketed sub-expression): widen a copy to include the brackets
            clone = object.__new__(type(node))  # a field-for-field copy; dataclasses.replace re-runs __init__
            clone.__dict__.update(node.__dict__)
            clone.__dict__.pop("_order", None)  # a cached walk starts at its node: the clone's starts at itself
            node = clone
        # A fresh node is the parser's alone until parse() returns, so its span is set in place (replace() is
        # a third of the parsing time).
        object.__setattr__(node, "start", start)
        object.__setattr__(node, "end", self.tokens[self.i - 1].end)
        return node

    # -- grammar --------------------------------------------------------------------------------------
    def parse_all(self) -> Node:
        if self.tok.kind == "end":
            raise ParseError("Your answer is empty.", 0)
        node = self.expression(0)
        if self.tok.kind != "end":
            raise self.unexpected()
        return node

    def expression(self, min_bp: int) -> Node:
        self.depth += 1
        if self.depth - 1 > MAX_DEPTH:  # the top level is not a nesting level
            raise InputTooLarge(f"Your answer is nested too deeply (more than {MAX_DEPTH} levels).", self.tok.start)
        left = self.prefix()
        while True:
            tok = self.tok  # what this token does after an operand, looked up inline: once per token
            bp, op = _BY_TOKEN.get((tok.kind, tok.text)) or _BY_KIND.get(tok.kind, _NO_INFIX)
            if bp is None or bp <= min_bp:
                break
            left = self.infix(left, op, bp)
        self.depth -= 1
        return left

    def infix(self, left: Node, op: str, bp: int) -> Node:
        start = left.start
        if op == "transpose":
            self.advance()
            return self.make(Transpose(left), start)
        if op == "open":
            raise ParseError("Square brackets index a family of vectors, as in g[k].", self.tok.start)
        if op == "juxt":
            if isinstance(left, Num) and self.tok.kind == "num":
                raise ParseError("Two numbers in a row: put an operator between them.", self.tok.start)
            return self.make(Binary("juxt", left, self.expression(bp)), start)
        op_tok = self.advance()
        if op == "^" and self.at_transpose_exponent():
            return self.make(Transpose(left), start)
        if self.tok.kind in ("end", "close", "comma"):
            raise ParseError(f"`{op_tok.text}` needs something after it.", op_tok.start)
        if op == "^":
            return self.make(Binary("^", left, self.expression(bp - 1)), start)  # right-associative
        right = self.expression(bp)
        if op in COMPARISONS:
            if self.tok.kind == "op" and _INFIX.get(self.tok.text) == 10:
                raise ParseError("Chain comparisons in separate brackets, e.g. (a < b)(b < c).", self.tok.start)
            return self.make(Compare(op, left, right), start)
        return self.make(Binary(op, left, right), start)

    def at_transpose_exponent(self) -> bool:
        """`x^T`, `x^{T}`, `x^(T)`: a transpose, unless the question has a variable named T."""
        if "T" in self.variables:
            return False
        t = self.tokens
        if t[self.i].kind == "name" and t[self.i].text == "T":
            self.skip()
            return True
        if t[self.i].kind == "open" and t[self.i + 1].text == "T" and t[self.i + 2].kind == "close":
            self.skip(3)
            return True
        return False

    def prefix(self) -> Node:
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return self.make(Num(float(tok.text), tok.text), tok.start)
        if tok.kind == "name":
            return self.name()
        if tok.kind == "open" and tok.text != "[":
            self.advance()
            inner = self.expression(0)
            self.expect_close(tok)
            return self.make(inner, tok.start)
        if tok.kind == "op" and tok.text in ("-", "+"):
            self.advance()
            operand = self.expression(_UNARY)
            return operand if tok.text == "+" else self.make(Neg(operand), tok.start)
        raise self.unexpected()

    def name(self) -> Node:
        tok = self.advance()
        name = tok.text
        calling = self.tok.kind == "open" and self.tok.text == "("
        if (name in FUNCTIONS or name in SPECIAL_FORMS) and name not in self.variables:
            if self.tok.kind == "transpose" and self.tok.text == "'":
                raise ParseError(
                    f"A prime does not differentiate `{name}`: write its derivative out as a formula (for "
                    "example, the derivative of sigma(z) is sigma(z) (1 - sigma(z))).",
                    self.tok.start,
                )
            if not calling:
                raise ParseError(f"`{name}` is a function: write {name}(...).", tok.start)
            return self.call(tok)
        if calling and name in SUM_SIGNS and name not in self.variables:
            raise ParseError("Write a sum as sum(expression, k, lo, hi), with inclusive bounds.", tok.start)
        if calling and self.variables and name not in self.variables and self.has_top_level_comma():
            raise ParseError(
                f"Unknown function `{name}`. Functions you can use: {', '.join(function_names())}.", tok.start
            )
        if self.tok.kind == "open" and self.tok.text == "[":
            opener = self.advance()
            index = self.expression(0)
            self.expect_close(opener)
            return self.make(Index(name, index), tok.start)
        return self.make(Name(name), tok.start)

    def call(self, name_tok: Token) -> Node:
        opener = self.advance()
        args: list[Node] = []
        while True:
            if self.tok.kind == "close" and not args:
                break
            args.append(self.expression(0))
            if self.tok.kind != "comma":
                break
            self.advance()
        self.expect_close(opener)
        return self.make(self.build_call(name_tok, tuple(args)), name_tok.start)

    def has_top_level_comma(self) -> bool:
        """Whether the bracket at the cursor holds a comma of its own: `f(a, b)` is a call, `alpha (1 - y)` not."""
        depth = 0
        for tok in self.tokens[self.i :]:
            if tok.kind == "open":
                depth += 1
            elif tok.kind == "close":
                depth -= 1
                if depth == 0:
                    return False
            elif tok.kind == "comma" and depth == 1:
                return True
        return False

    def build_call(self, tok: Token, args: tuple[Node, ...]) -> Node:
        name = tok.text
        if name == "sum" and len(args) == 4:
            if not isinstance(args[1], Name):
                raise ParseError("In sum(expr, k, lo, hi) the second argument must be the index name.", args[1].start)
            return Sum(args[0], args[1].name, args[2], args[3])
        if name == "odot":
            if len(args) != 2:
                raise ParseError("`odot` takes 2 argument(s): odot(a, b).", tok.start)
            return Binary("⊙", args[0], args[1])
        function = FUNCTIONS[name]
        if len(args) not in function.arity:
            counts = " or ".join(map(str, function.arity))
            raise ParseError(f"`{name}` takes {counts} argument(s): {function.usage}.", tok.start)
        return Call(name, tuple(_constant_infinity(a) if i in function.constant_args else a
                                for i, a in enumerate(args)))  # fmt: skip

    def unexpected(self) -> ParseError:
        tok = self.tok
        if tok.kind == "end":
            return ParseError("Your answer ends too early: something is missing at the end.", tok.start)
        if tok.kind == "close":
            return ParseError(f"Unmatched `{tok.text}`.", tok.start)
        if tok.kind == "comma":
            return ParseError("A comma can only separate the arguments of a function.", tok.start)
        if tok.kind == "transpose":
            return ParseError(f"`{tok.text}` (transpose) must follow what it transposes.", tok.start)
        return ParseError(f"Unexpected `{tok.text}`.", tok.start)


COMPARISONS = frozenset({">", "<", ">=", "<=", "==", "!="})


def _constant_infinity(node: Node) -> Node:
    """`inf` (or ∞) as a norm's order is the number infinity."""
    if isinstance(node, Name) and node.name in INFINITY_NAMES:
        return Num(float("inf"), "inf", start=node.start, end=node.end)
    return node


def _check_height(root: Node) -> None:
    """Reject trees so deep that recursive passes over them would be slow or exhaust the stack."""
    stack = [(root, 1)]
    while stack:
        node, height = stack.pop()
        if height > MAX_HEIGHT:
            raise InputTooLarge(
                f"Your answer is too long or nested too deeply (more than {MAX_HEIGHT} levels of operations).",
                node.start,
            )
        stack.extend((child, height + 1) for child in node.children())

"""Tokenizer for the answer language.

It accepts a closed set of characters; anything else (`#`, quotes used as strings, backslashes, `;`) is an
error at its position. Unicode variants are folded one character at a time so positions stay those of the
student's own text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from app.engine.errors import InputTooLarge, ParseError

MAX_LENGTH = 2000
MAX_DIGITS = 30
MAX_DECIMAL_EXPONENT = 300

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "η": "eta",
    "θ": "theta", "λ": "lambda", "μ": "mu", "ν": "nu", "σ": "sigma", "τ": "tau", "Δ": "Delta", "Σ": "Sigma",
}  # fmt: skip
LETTERS = {"ŷ": "yhat", "∞": "inf"}
SUPERSCRIPT_DIGITS = {"²": "2", "³": "3"}
SINGLE_FOLD = {"−": "-", "–": "-", "×": "*", "·": "*", "∗": "*", "÷": "/", "⊙": "⊙", "∘": "⊙", "ᵀ": "ᵀ"}
OPERATORS = ("**", ">=", "<=", "==", "!=", "≥", "≤", "≠", "+", "-", "*", "/", "^", "@", "⊙", ">", "<", "'", "ᵀ")
BRACKETS = {"(": ")", "[": "]", "{": "}"}
NOT_IN_NAMES = frozenset({"ᵀ", *SUPERSCRIPT_DIGITS})

_NUMBER = re.compile(r"(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_NAME_CHAR = re.compile(r"[A-Za-z0-9_]")


class Token(NamedTuple):  # a tuple, not a frozen dataclass: an answer makes dozens, and this is 10× cheaper
    kind: str  # "num" | "name" | "op" | "open" | "close" | "comma" | "transpose" | "end"
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split an answer into tokens, or raise ParseError pointing at the first character we do not accept."""
    if len(text) > MAX_LENGTH:
        raise InputTooLarge(f"Your answer is {len(text)} characters long; the limit is {MAX_LENGTH}.")
    tokens: list[Token] = []
    _scan(text, _tokenize_ascii(text, tokens) if text.isascii() else 0, tokens)
    tokens.append(Token("end", "", len(text), len(text)))
    return tokens


def _scan(text: str, i: int, tokens: list[Token]) -> None:
    """The character loop: every character the language accepts, Unicode folded one character at a time."""
    while i < len(text):
        ch = SINGLE_FOLD.get(text[i], text[i])
        if ch.isspace():
            i += 1
        elif ch == "ᵀ":
            tokens.append(Token("transpose", ch, i, i + 1))
            i += 1
        elif ch in SUPERSCRIPT_DIGITS:  # x² is x^2
            tokens += [Token("op", "^", i, i), Token("num", SUPERSCRIPT_DIGITS[ch], i, i + 1)]
            i += 1
        elif ch in "0123456789" or (ch == "." and text[i + 1 : i + 2] in tuple("0123456789")):
            i = _number(text, i, tokens)
        elif ch.isalpha() or ch == "_" or ch in LETTERS:
            i = _name(text, i, tokens)
        elif ch == "." and text[i + 1 : i + 2] == "T" and not _NAME_CHAR.match(text[i + 2 : i + 3] or " "):
            tokens.append(Token("transpose", ".T", i, i + 2))
            i += 2
        elif ch in BRACKETS:
            tokens.append(Token("open", ch, i, i + 1))
            i += 1
        elif ch in BRACKETS.values():
            tokens.append(Token("close", ch, i, i + 1))
            i += 1
        elif ch == ",":
            tokens.append(Token("comma", ch, i, i + 1))
            i += 1
        else:
            i = _operator(text, i, ch, tokens)


# The plain-ASCII tokens, in one regular expression that also skips the spaces before a token: most answers are
# ASCII and take this path to the end; anything else (an unknown character: the error) is left to the character
# loop above, from where it stops.
_ASCII_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<transpose>\.T(?![A-Za-z0-9_])|')|(?P<op>\*\*|>=|<=|==|!=|[-+*/^@<>])|(?P<open>[(\[{])|(?P<close>[)\]}])"
    r"|(?P<comma>,))"
)
_ASCII_OPS = {"**": "^"}


def _tokenize_ascii(text: str, tokens: list[Token]) -> int:
    """Tokens of an ASCII answer, as the character loop would make them; returns where it stopped."""
    i, end, match_at, append = 0, len(text), _ASCII_TOKEN.match, tokens.append
    while i < end:
        match = match_at(text, i)
        if match is None:
            return i
        kind = match.lastgroup or ""
        word = match.group(kind)
        start = match.start(kind)
        if kind == "num" and (len(word) > MAX_DIGITS or "e" in word or "E" in word):
            _check_number(word, start)
        append(Token(kind, _ASCII_OPS.get(word, word) if kind == "op" else word, start, match.end()))
        i = match.end()
    return i


def _number(text: str, i: int, tokens: list[Token]) -> int:
    match = _NUMBER.match(text, i)
    assert match is not None  # the caller saw a digit
    _check_number(match.group(0), i)
    tokens.append(Token("num", match.group(0), i, match.end()))
    return match.end()


def _check_number(word: str, start: int) -> None:
    mantissa, _, exponent = word.lower().partition("e")
    if len(mantissa.replace(".", "").lstrip("0")) > MAX_DIGITS:
        raise InputTooLarge(f"The number starting here has more than {MAX_DIGITS} digits.", start)
    if exponent and abs(int(exponent)) > MAX_DECIMAL_EXPONENT:
        raise InputTooLarge(f"The number `{word[:20]}` is too large or too small.", start)


def _name(text: str, i: int, tokens: list[Token]) -> int:
    start, parts = i, []
    while i < len(text) and (text[i].isalnum() or text[i] in "_∞") and text[i] not in NOT_IN_NAMES:
        ch = text[i]
        if ch in GREEK or ch in LETTERS:
            parts.append(GREEK.get(ch) or LETTERS[ch])
        elif ch.isascii():
            parts.append(ch)
        else:
            raise ParseError(f"The character `{ch}` is not allowed in a name.", i)
        i += 1
    tokens.append(Token("name", "".join(parts), start, i))
    return i


def _operator(text: str, i: int, ch: str, tokens: list[Token]) -> int:
    two = ch + SINGLE_FOLD.get(text[i + 1 : i + 2], text[i + 1 : i + 2])
    for op in OPERATORS:
        if (two == op) if len(op) == 2 else (ch == op):
            canonical = {"**": "^", "≥": ">=", "≤": "<=", "≠": "!="}.get(op, op)
            if canonical in ("'", "ᵀ"):
                tokens.append(Token("transpose", op, i, i + len(op)))
            else:
                tokens.append(Token("op", canonical, i, i + len(op)))
            return i + len(op)
    shown = ch if ch.isprintable() else repr(ch)
    raise ParseError(f"The character `{shown}` is not allowed in an answer.", i)

"""The tokenizer: an ASCII answer takes a one-regex path that must cut it exactly as the character loop does
(same tokens, or the same error at the same position)."""

from __future__ import annotations

import random

import pytest

from app.engine.errors import StudentError
from app.engine.lexer import Token, _scan, tokenize

ALPHABET = "ab xyTW12_.e+-*/^@<>=!'(),[]{}#;\\\"$%?:"


def by_character_loop(text: str) -> list[Token] | tuple[str, str, int | None]:
    tokens: list[Token] = []
    try:
        _scan(text, 0, tokens)
    except StudentError as error:
        return type(error).__name__, error.message, error.position
    return [*tokens, Token("end", "", len(text), len(text))]


def by_tokenize(text: str) -> list[Token] | tuple[str, str, int | None]:
    try:
        return tokenize(text)
    except StudentError as error:
        return type(error).__name__, error.message, error.position


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("W2.T @ delta_b2", "name transpose op name end"),
        ("x' ** 2", "name transpose op num end"),
        ("sum(g[k], k, 1, t)", "name open name open name close comma name comma num comma name close end"),
        ("1.5e-3 .5 x.Ty", None),
        ("  x  ", "name end"),
        ("1" * 31, None),  # too many digits
        ("0" * 40 + "1.5", "num end"),  # leading zeros are not digits that count
        ("2e301", None),  # too large
        ("2E-300 x", "num name end"),
    ],
)
def test_ascii_answers_are_cut_as_written(text: str, kinds: str | None) -> None:
    result = by_tokenize(text)
    assert result == by_character_loop(text)
    if kinds is not None:
        assert isinstance(result, list) and [t.kind for t in result] == kinds.split()


def test_power_spelled_twice_is_one_operator() -> None:
    assert [t.text for t in tokenize("a**b")] == ["a", "^", "b", ""]


def test_a_thousand_random_ascii_strings_agree_with_the_character_loop() -> None:
    rng = random.Random(7)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 24))) for _ in range(1000)]
    assert [t for t in texts if by_tokenize(t) != by_character_loop(t)] == []


def test_unicode_answers_take_the_character_loop() -> None:
    assert [t.text for t in tokenize("α·x − βᵀ")] == ["alpha", "*", "x", "-", "beta", "ᵀ", ""]

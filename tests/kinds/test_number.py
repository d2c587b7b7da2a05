"""Real numbers: numbers-only arithmetic through the engine's parser, compared with a tolerance."""

from __future__ import annotations

import pytest

from app.kinds.base import Variant
from app.kinds.number import NumberPart

HELP = "Enter a number, e.g. 0.25, 1e-3 or 1/4."
INVERTED = "That is n_pos / n_neg: the rarer class needs the larger weight."


@pytest.fixture
def part() -> NumberPart:
    """α for β = 1 in 2b.iii: n_neg / n_pos = 10."""
    return NumberPart(
        id="alpha", label="2b.iii", answer="n_neg / n_pos", mistakes=[{"answer": "n_pos / n_neg", "message": INVERTED}]
    )


@pytest.mark.parametrize(
    ("answer", "status", "reason", "feedback"),
    [
        ("10", "correct", "correct", "Correct."),
        (10, "correct", "correct", "Correct."),
        (10.04, "incorrect", "wrong", "That is not the right value."),  # exact by default: no rounding asked for
        (10 + 1e-12, "correct", "correct", "Correct."),
        ("1e1", "correct", "correct", "Correct."),
        ("10000/1000", "correct", "correct", "Correct."),
        (
            "10,000 / 1,000",
            "invalid",
            "syntax",
            "A comma can only separate the arguments of a function.\n10,000 / 1,000\n  ^",
        ),
        ("sqrt(100)", "correct", "correct", "Correct."),
        ("2 * 5", "correct", "correct", "Correct."),
        ("0.1", "incorrect", "mistake", INVERTED),
        ("1/10", "incorrect", "mistake", INVERTED),
        ("-10", "incorrect", "sign", "Check the sign."),
        ("10.2", "incorrect", "wrong", "That is not the right value."),
        ("1,000.5", "incorrect", "wrong", "That is not the right value."),
        ("x", "invalid", "format", f"{HELP} Names are not allowed here.\nx\n^"),
        (" 2 n_pos", "invalid", "format", f"{HELP} Names are not allowed here.\n 2 n_pos\n   ^"),
        ("(2 > 1) 10", "invalid", "format", f"{HELP} Comparisons are not allowed here.\n(2 > 1) 10\n^"),
        (
            "sum(10)",
            "invalid",
            "format",
            "`sum` cannot be used in a number; these can: abs, ceil, exp, floor, ln, log, mod, round, "
            "sqrt.\nsum(10)\n^",
        ),
        ("1/0", "invalid", "evaluation", "That is not a finite number (a division by zero?)."),
        ("log(-1)", "invalid", "evaluation", "That is not a finite number (a division by zero?)."),
        ("9^9^9^9", "invalid", "evaluation", "The exponent is too large (more than 1000).\n9^9^9^9\n    ^"),
        (" ", "invalid", "empty", HELP),
        ("10 %", "invalid", "syntax", "The character `%` is not allowed in an answer.\n10 %\n   ^"),
        (float("inf"), "invalid", "evaluation", "That is not a finite number (a division by zero?)."),
        (10**400, "invalid", "limit", "That number is too large."),
        (True, "invalid", "format", HELP),
        (None, "invalid", "format", HELP),
        ([10], "invalid", "format", HELP),
        ({"x": 10}, "invalid", "format", HELP),
        ("1" * 10**6, "invalid", "limit", "That number is 1,000,000 characters long; the limit is 200."),
    ],
)
def test_check(part: NumberPart, variant: Variant, answer: object, status: str, reason: str, feedback: str) -> None:
    verdict = part.check(answer, variant)
    assert (verdict.status, verdict.reason, verdict.feedback) == (status, reason, feedback)


def test_tolerance_is_configurable(variant: Variant) -> None:
    part = NumberPart(id="p", label="x", answer=1 / 3, rtol=0, atol=1e-3)
    assert part.check("0.333", variant).status == "correct"
    assert part.check("0.33", variant).status == "incorrect"
    assert part.check("1/3", variant).status == "correct"


def test_reference_answer_and_public_view(part: NumberPart, variant: Variant) -> None:
    assert part.reference_answer(variant) == 10.0
    assert part.check(part.reference_answer(variant), variant).status == "correct"
    assert part.public_view(variant) == {"input": "number"}


@pytest.mark.parametrize(
    ("answer", "mistakes", "problems"),
    [
        ("n_neg / n_pos", [], []),
        ("n_neg / 0", [], ["the answer: expression 'n_neg / 0' is not a finite number in this variant"]),
        (
            "lam",
            [{"answer": 0.5 + 1e-13, "message": "m"}],
            ["mistake 0.5000000000001 equals the answer within the tolerance"],
        ),
        (
            "lam",
            [{"answer": "lam x", "message": "m"}],
            ["mistake 'lam x': expression 'lam x' uses unknown parameter 'x'"],
        ),
    ],
)
def test_author_problems(
    variant: Variant, answer: object, mistakes: list[dict[str, object]], problems: list[str]
) -> None:
    assert NumberPart(id="p", label="x", answer=answer, mistakes=mistakes).author_problems(variant) == problems


@pytest.mark.parametrize(
    ("sig_figs", "answer", "status"),
    [(3, "0.333", "correct"), (3, "0.3334", "correct"), (3, "0.33", "incorrect"), (3, "1/3", "correct"),
     (None, "0.333", "incorrect"), (None, "1/3", "correct"), (2, "0.34", "incorrect")],
)  # fmt: skip
def test_an_author_can_ask_for_significant_figures(
    variant: Variant, sig_figs: int | None, answer: str, status: str
) -> None:
    part = NumberPart(id="third", label="x", answer="1/3", sig_figs=sig_figs)
    assert part.check(answer, variant).status == status

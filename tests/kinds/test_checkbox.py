"""Select all that apply: every decision counts, feedback counts the misjudged options without naming them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.kinds.base import Variant
from app.kinds.checkbox import CheckboxPart

MISJUDGED_1 = "1 of the 3 options is misjudged: a true statement left out or a false one selected."
MISJUDGED_2 = "2 of the 3 options are misjudged: a true statement left out or a false one selected."
MISJUDGED_3 = "3 of the 3 options are misjudged: a true statement left out or a false one selected."
MORE_LAYERS = "More layers add capacity, which usually widens an overfitting gap."


@pytest.fixture
def part() -> CheckboxPart:
    """Exam question 1b: B and C are true."""
    return CheckboxPart(
        id="gap",
        label="1b",
        options=[
            {"id": "A", "text": "Increase the number of layers.", "feedback": MORE_LAYERS},
            {"id": "B", "text": "Perform dataset augmentation.", "correct": True},
            {"id": "C", "text": "Use dropout.", "correct": True},
        ],
    )


@pytest.mark.parametrize(
    ("answer", "status", "score", "reason", "feedback"),
    [
        (["B", "C"], "correct", 1.0, "correct", "Correct."),
        (["C", "B"], "correct", 1.0, "correct", "Correct."),
        ([" B", "C", "C"], "correct", 1.0, "correct", "Correct."),
        (("B", "C"), "correct", 1.0, "correct", "Correct."),
        (["B"], "incorrect", 2 / 3, "partial", MISJUDGED_1),
        (["A", "B", "C"], "incorrect", 2 / 3, "partial", f"{MISJUDGED_1}\n{MORE_LAYERS}"),
        (["A", "B"], "incorrect", 1 / 3, "partial", f"{MISJUDGED_2}\n{MORE_LAYERS}"),
        (["A"], "incorrect", 0.0, "wrong", f"{MISJUDGED_3}\n{MORE_LAYERS}"),
        ([], "incorrect", 1 / 3, "partial", MISJUDGED_2),  # "none of these" is an answer
        (["D"], "invalid", 0.0, "unknown_id", "Select among the options: A, B, C."),
        (["B", None], "invalid", 0.0, "unknown_id", "Select among the options: A, B, C."),
        ([["B"]], "invalid", 0.0, "unknown_id", "Select among the options: A, B, C."),
        ("B", "invalid", 0.0, "format", "Select the options as a list of option ids."),
        (None, "invalid", 0.0, "format", "Select the options as a list of option ids."),
        ({"B": True}, "invalid", 0.0, "format", "Select the options as a list of option ids."),
        (["B"] * 10**6, "invalid", 0.0, "limit", "Too many selections."),
        (["x" * 10**6], "invalid", 0.0, "unknown_id", "Select among the options: A, B, C."),
    ],
)
def test_check(
    part: CheckboxPart, variant: Variant, answer: object, status: str, score: float, reason: str, feedback: str
) -> None:
    verdict = part.check(answer, variant)
    assert (verdict.status, verdict.reason, verdict.feedback) == (status, reason, feedback)
    assert verdict.score == pytest.approx(score)


def test_reference_answer_and_public_view(part: CheckboxPart, variant: Variant) -> None:
    assert part.reference_answer(variant) == ["B", "C"]
    assert part.public_view(variant) == {
        "options": [
            {"id": "A", "text": "Increase the number of layers."},
            {"id": "B", "text": "Perform dataset augmentation."},
            {"id": "C", "text": "Use dropout."},
        ]
    }


def test_author_problems(variant: Variant) -> None:
    part = CheckboxPart(
        id="p",
        label="1a",
        options=[{"id": "A", "text": "a {{ nope }}"}, {"id": "B", "text": "b", "feedback": "never shown"}],
    )
    assert part.author_problems(variant) == [
        "text uses unknown parameter 'nope'",
        "no option is correct: mark at least one with `correct: true`",
    ]
    part.options[1].correct = True
    assert part.author_problems(variant)[1:] == ["option 'B' is correct, so its feedback is never shown"]


def test_duplicate_ids_fail_at_load_time() -> None:
    with pytest.raises(ValidationError, match="two options have the id 'A'"):
        CheckboxPart(id="p", label="1a", options=[{"id": "A", "text": "a"}, {"id": "A", "text": "b"}])

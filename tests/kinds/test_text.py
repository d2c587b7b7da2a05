"""Free text: accepted for self-assessment, never marked right or wrong; keyword suggestions are labelled."""

from __future__ import annotations

import pytest

from app.kinds.base import Variant
from app.kinds.text import TextPart

SAVED = "Saved, not graded: compare your answer with the model answer and tick what it covers in the rubric."
SUGGESTIONS = "Suggestions from a keyword check (not a grade):"
WHICH_CLASS = "Say which class the augmented copies should come from."
CONCRETE = "Name concrete transformations."


@pytest.fixture
def part() -> TextPart:
    return TextPart(
        id="augmentation",
        label="2a",
        model_answer="Oversample the {{ n_pos:, }} bronchitis X-rays with augmented copies: rotations and flips.",
        rubric=["Augment the minority class.", "Two concrete transformations."],
        keywords=[
            {"any": ["minority", "bronchitis", "positive", "oversampl"], "suggestion": WHICH_CLASS},
            {"any": ["rotat", "flip", "random crop"], "suggestion": CONCRETE},
        ],
    )


@pytest.mark.parametrize(
    ("answer", "status", "reason", "feedback"),
    [
        ("Rotate and flip the positive images.", "saved", "self_assessment", SAVED),
        ("OVERSAMPLING with Random   Crops", "saved", "self_assessment", SAVED),
        ("Rotations and flips.", "saved", "self_assessment", f"{SAVED}\n{SUGGESTIONS}\n- {WHICH_CLASS}"),
        ("I don't know", "saved", "self_assessment", f"{SAVED}\n{SUGGESTIONS}\n- {WHICH_CLASS}\n- {CONCRETE}"),
        ("unflipped", "saved", "self_assessment", f"{SAVED}\n{SUGGESTIONS}\n- {WHICH_CLASS}\n- {CONCRETE}"),
        ("x" * 5000, "saved", "self_assessment", f"{SAVED}\n{SUGGESTIONS}\n- {WHICH_CLASS}\n- {CONCRETE}"),
        ("", "invalid", "empty", "Write something first."),
        (" \n\t ", "invalid", "empty", "Write something first."),
        ("x" * 5001, "invalid", "limit", "Your answer is 5,001 characters long; the limit is 5,000."),
        ("x" * 10**6, "invalid", "limit", "Your answer is 1,000,000 characters long; the limit is 5,000."),
        (None, "invalid", "format", "Write your answer as text."),
        (42, "invalid", "format", "Write your answer as text."),
        (["rotations"], "invalid", "format", "Write your answer as text."),
        ({"text": "rotations"}, "invalid", "format", "Write your answer as text."),
    ],
)
def test_check(part: TextPart, variant: Variant, answer: object, status: str, reason: str, feedback: str) -> None:
    verdict = part.check(answer, variant)
    assert (verdict.status, verdict.reason, verdict.feedback) == (status, reason, feedback)
    assert verdict.score == 0.0  # prose is never scored


def test_model_answer_rubric_and_public_view(part: TextPart, variant: Variant) -> None:
    model = "Oversample the 1,000 bronchitis X-rays with augmented copies: rotations and flips."
    assert part.reference_answer(variant) == model
    assert part.check(model, variant).feedback == SAVED
    assert part.self_assessment(variant) == {
        "model_answer": model,
        "rubric": ["Augment the minority class.", "Two concrete transformations."],
    }
    assert part.public_view(variant) == {"max_length": 5000}


def test_author_problems(variant: Variant) -> None:
    assert TextPart(id="t", label="x", model_answer="{{ nope }}").author_problems(variant) == [
        "text uses unknown parameter 'nope'"
    ]
    part = TextPart(id="t", label="x", model_answer="Use dropout.", keywords=[{"any": ["variance"], "suggestion": "s"}])
    assert part.author_problems(variant) == ["the model answer misses the keywords ['variance']"]
    assert TextPart(id="t", label="x", model_answer="y" * 5001).author_problems(variant) == [
        "the model answer is longer than the 5,000 characters students may write"
    ]

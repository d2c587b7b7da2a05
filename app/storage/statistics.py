"""Instructor statistics per part: how many tried, how many got it, and the wrong answers most often given."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, distinct, func, select
from sqlalchemy.orm import Session

from app.storage.models import Attempt

COMMON_WRONG = 5
_SPACE_BESIDE_SYMBOL = re.compile(r"\s*([^\w\s])\s*")


@dataclass(frozen=True)
class WrongAnswer:
    """A wrong answer (normalised), how often it was given and the feedback it got, most frequent first."""

    answer: Any
    count: int
    feedback: tuple[str, ...]


@dataclass(frozen=True)
class PartStats:
    """Counted attempts only: invalid answers cost nothing and say little about understanding."""

    attempts: int
    learners: int
    solved_by: int
    share_correct: float  # of counted attempts, 0 when there are none
    common_wrong: tuple[WrongAnswer, ...]


def normalise_answer(answer: Any) -> Any:
    """The answer with whitespace made canonical, in strings however deeply nested.

    Whitespace next to a symbol goes and runs of it between words become one space: `x @ W.T` and `x@W.T` are one
    answer, while `alpha y` (a product) and `alphay` (an unknown name) stay two.
    """
    if isinstance(answer, str):
        return _SPACE_BESIDE_SYMBOL.sub(r"\1", " ".join(answer.split()))
    if isinstance(answer, list | tuple):
        return [normalise_answer(item) for item in answer]
    if isinstance(answer, dict):
        return {key: normalise_answer(value) for key, value in answer.items()}
    return answer


def part_statistics(session: Session, problem_id: str, learners: Select[Any] | None = None) -> dict[str, PartStats]:
    """Statistics of every part of `problem_id` that has at least one counted attempt (of `learners` only, a
    query of learner ids, when given)."""
    among = [Attempt.learner_id.in_(learners)] if learners is not None else []
    correct = and_(Attempt.counted, Attempt.status == "correct")
    totals = session.execute(
        select(
            Attempt.part_id,
            func.count(),
            func.count(distinct(Attempt.learner_id)),
            func.count(distinct(Attempt.learner_id)).filter(correct),
            func.count().filter(correct),
        )
        .where(Attempt.problem_id == problem_id, Attempt.counted, *among)
        .group_by(Attempt.part_id)
    ).all()
    wrong = _common_wrong(session, problem_id, among)
    return {
        part_id: PartStats(
            attempts=attempts,
            learners=learners,
            solved_by=solved_by,
            share_correct=n_correct / attempts if attempts else 0.0,
            common_wrong=wrong.get(part_id, ()),
        )
        for part_id, attempts, learners, solved_by, n_correct in totals
    }


def _common_wrong(session: Session, problem_id: str, among: list[Any]) -> dict[str, tuple[WrongAnswer, ...]]:
    rows = session.execute(
        select(Attempt.part_id, Attempt.answer, Attempt.feedback)
        .where(Attempt.problem_id == problem_id, Attempt.counted, Attempt.status == "incorrect", *among)
        .order_by(Attempt.id)
    )
    counts: dict[str, Counter[str]] = {}
    feedback: dict[tuple[str, str], Counter[str]] = {}
    answers: dict[str, Any] = {}
    for part_id, answer, text in rows:
        normalised = normalise_answer(answer)
        key = json.dumps(normalised, sort_keys=True, ensure_ascii=False)
        answers.setdefault(key, normalised)
        counts.setdefault(part_id, Counter())[key] += 1
        feedback.setdefault((part_id, key), Counter())[text] += 1
    return {
        part_id: tuple(
            WrongAnswer(answers[key], n, tuple(text for text, _ in feedback[part_id, key].most_common()))
            for key, n in counter.most_common(COMMON_WRONG)
        )
        for part_id, counter in counts.items()
    }

"""Grades that people give to saved (free-text) answers: the learner's self-assessment and the instructor's.

A grade is written onto the attempt it grades (`score`, `graded_by`, `grade_comment`, `graded_at`), so the totals
that read attempts (progress, the grades API and CSV, LTI passback) count it with no rule of their own. An
instructor's grade stands: a self-assessment never overwrites it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from app.storage.models import Attempt, Learner, utcnow

Grader = Literal["self", "instructor"]
MAX_COMMENT = 5000


class GradeRefused(ValueError):
    """A grade that cannot be given; the message says why, for the person who tried."""


@dataclass(frozen=True)
class QueueItem:
    """The latest saved answer of one learner to one part, with its grade if it has one."""

    attempt_id: int
    learner_id: str
    learner_name: str | None
    seed: int
    answer: Any
    submitted_at: datetime
    score: float
    graded_by: str | None
    comment: str | None


def latest_saved(session: Session, learner_id: str, problem_id: str, part_id: str, seed: int) -> Attempt | None:
    return session.scalar(
        select(Attempt)
        .where(
            Attempt.learner_id == learner_id,
            Attempt.problem_id == problem_id,
            Attempt.part_id == part_id,
            Attempt.seed == seed,
            Attempt.counted,
        )
        .order_by(Attempt.id.desc())
        .limit(1)
    )


def grade(session: Session, attempt: Attempt, share: float, by: Grader, comment: str | None = None) -> Attempt:
    """Grade a saved answer with `share` (0 to 1) of the part's points; committed before returning."""
    if attempt.status != "saved":
        raise GradeRefused("Only saved (free-text) answers are graded by people; the others are checked.")
    if not 0.0 <= share <= 1.0:
        raise GradeRefused("A grade is between 0 and the part's points.")
    if by == "self" and attempt.graded_by == "instructor":
        raise GradeRefused("Your instructor has graded this answer; their grade stands.")
    if comment is not None and len(comment) > MAX_COMMENT:
        raise GradeRefused(f"A comment is at most {MAX_COMMENT:,} characters.")
    attempt.score, attempt.graded_by, attempt.graded_at = share, by, utcnow()
    attempt.grade_comment = comment or None
    session.commit()
    return attempt


def grading_queue(
    session: Session, problem_id: str, part_id: str, learners: Select[Any] | None = None
) -> list[QueueItem]:
    """Every learner's latest saved answer to the part (of `learners` only, a query of ids, when given), answers
    not yet graded by the instructor first."""
    among = [Attempt.learner_id.in_(learners)] if learners is not None else []
    latest = (
        select(func.max(Attempt.id))
        .where(Attempt.problem_id == problem_id, Attempt.part_id == part_id, Attempt.status == "saved", *among)
        .group_by(Attempt.learner_id)
    )
    rows = session.execute(
        select(Attempt, Learner.display_name)
        .join(Learner, Learner.id == Attempt.learner_id)
        .where(Attempt.id.in_(latest))
        .order_by(case((Attempt.graded_by == "instructor", 1), else_=0), Attempt.id)
    ).all()
    return [
        QueueItem(
            attempt_id=a.id,
            learner_id=a.learner_id,
            learner_name=name,
            seed=a.seed,
            answer=a.answer,
            submitted_at=a.created_at,
            score=a.score,
            graded_by=a.graded_by,
            comment=a.grade_comment,
        )
        for a, name in rows
    ]

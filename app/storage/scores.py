"""What `app.scoring` totals, read from the database: counted attempts and give-ups, for some learners and
problems. The rule itself is in `app.scoring`; nothing here adds, compares or weighs scores.

Give-ups (a learner asked to see a part's solution, forfeiting its points) are kept here too. Every change to
the table needs a change to migration 0005_student.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.scoring import Key, PartScore, Policy, ScoredAttempt, part_scores
from app.storage.models import PART_ID_LENGTH, PROBLEM_ID_LENGTH, Attempt, Base, utcnow


class GiveUp(Base):
    """A learner asked to see a part's solution: its points are forfeited (instructors see how many did)."""

    __tablename__ = "give_ups"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    problem_id: Mapped[str] = mapped_column(String(PROBLEM_ID_LENGTH), primary_key=True)
    part_id: Mapped[str] = mapped_column(String(PART_ID_LENGTH), primary_key=True)
    seed: Mapped[int] = mapped_column(Integer)
    given_up_at: Mapped[datetime] = mapped_column(default=utcnow)


def scored_attempts(
    session: Session, learner_ids: Sequence[str], problem_ids: Sequence[str]
) -> dict[str, list[ScoredAttempt]]:
    """learner → their counted attempts on `problem_ids`, oldest first."""
    rows = session.execute(
        select(
            Attempt.learner_id,
            Attempt.problem_id,
            Attempt.part_id,
            Attempt.id,
            Attempt.score,
            Attempt.status,
            Attempt.graded_by,
        )
        .where(Attempt.counted, Attempt.learner_id.in_(list(learner_ids)), Attempt.problem_id.in_(list(problem_ids)))
        .order_by(Attempt.id)
    )
    found: dict[str, list[ScoredAttempt]] = {learner: [] for learner in learner_ids}
    for learner, *fields in rows:
        found[learner].append(ScoredAttempt(*fields))  # type: ignore[arg-type]  # the row's columns, in order
    return found


def forfeits(session: Session, learner_ids: Sequence[str], problem_ids: Sequence[str]) -> dict[str, set[Key]]:
    """learner → the (problem, part) pairs they gave up."""
    rows = session.execute(
        select(GiveUp.learner_id, GiveUp.problem_id, GiveUp.part_id).where(
            GiveUp.learner_id.in_(list(learner_ids)), GiveUp.problem_id.in_(list(problem_ids))
        )
    )
    found: dict[str, set[Key]] = {learner: set() for learner in learner_ids}
    for learner, problem, part in rows:
        found[learner].add((problem, part))
    return found


def give_up(session: Session, learner_id: str, problem_id: str, part_id: str, seed: int) -> None:
    """Record that the learner asked for the part's solution (once; asking again changes nothing); commits."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    values = {"learner_id": learner_id, "problem_id": problem_id, "part_id": part_id}
    session.execute(insert(GiveUp).values(**values, seed=seed, given_up_at=utcnow()).on_conflict_do_nothing())
    session.commit()


def learner_part_scores(
    session: Session, learner_id: str, problem_ids: Sequence[str], policy: Policy = "best"
) -> dict[Key, PartScore]:
    """One learner's part scores on `problem_ids`, by the rule of `app.scoring`."""
    attempts = scored_attempts(session, [learner_id], problem_ids)[learner_id]
    return part_scores(attempts, forfeits(session, [learner_id], problem_ids)[learner_id], policy)

"""A learner's variants of a problem, numbered in the order they were started (0: the exam as printed), so a
learner can go back to any of them and their answers there. The current variant stays in `assignments`.
Every change here needs a change to migration 0005_student."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.storage.models import PROBLEM_ID_LENGTH, Assignment, Base, utcnow

PRINTED = 0  # the seed of the exam as printed


class VariantStarted(Base):
    __tablename__ = "variant_history"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    problem_id: Mapped[str] = mapped_column(String(PROBLEM_ID_LENGTH), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    seed: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class VariantLabel:
    number: int
    seed: int

    @property
    def label(self) -> str:
        if self.seed == PRINTED:
            return "the variant as printed in the exam"
        return f"variant {self.number}" if self.number else "this variant"


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def history(session: Session, learner_id: str, problem_id: str) -> list[VariantLabel]:
    """Every variant the learner has started, the printed one first (it is always there)."""
    rows = session.execute(
        select(VariantStarted.number, VariantStarted.seed)
        .where(VariantStarted.learner_id == learner_id, VariantStarted.problem_id == problem_id)
        .order_by(VariantStarted.number)
    ).all()
    started = [VariantLabel(number, seed) for number, seed in rows if seed != PRINTED]
    return [VariantLabel(0, PRINTED), *started]


def remember(session: Session, learner_id: str, problem_id: str, seed: int) -> None:
    """Number a newly started variant (the next number; a retry of the same seed adds nothing); commits."""
    if seed == PRINTED or any(v.seed == seed for v in history(session, learner_id, problem_id)):
        return
    last = session.scalar(
        select(func.max(VariantStarted.number)).where(
            VariantStarted.learner_id == learner_id, VariantStarted.problem_id == problem_id
        )
    )
    values = {"learner_id": learner_id, "problem_id": problem_id, "number": (last or 0) + 1}
    session.execute(
        _insert(session)(VariantStarted).values(**values, seed=seed, started_at=utcnow()).on_conflict_do_nothing()
    )
    session.commit()


def label_of(session: Session, learner_id: str, problem_id: str, seed: int) -> VariantLabel:
    known = next((v for v in history(session, learner_id, problem_id) if v.seed == seed), None)
    return known or VariantLabel(0, seed)


def go_back(session: Session, learner_id: str, problem_id: str, seed: int) -> bool:
    """Make an earlier variant (one the learner started, or the printed one) current again; False if unknown."""
    if not any(v.seed == seed for v in history(session, learner_id, problem_id)):
        return False
    values = {"seed": seed, "assigned_at": utcnow()}
    statement = _insert(session)(Assignment).values(learner_id=learner_id, problem_id=problem_id, **values)
    session.execute(statement.on_conflict_do_update(index_elements=["learner_id", "problem_id"], set_=values))
    session.commit()
    return True

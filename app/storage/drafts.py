"""Drafts: what a learner typed into a part but has not had checked yet, per variant.

A page post (check or hint of one part) carries every part's fields; the parts it does not check keep what was
typed as a draft, so a reload without JavaScript never drops another part's work. A check of a part clears its
draft (the attempt now holds that answer). Every change here needs a change to migration 0005_student.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.storage.models import PART_ID_LENGTH, PROBLEM_ID_LENGTH, AnswerJSON, Base, utcnow


class Draft(Base):
    __tablename__ = "drafts"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    problem_id: Mapped[str] = mapped_column(String(PROBLEM_ID_LENGTH), primary_key=True)
    part_id: Mapped[str] = mapped_column(String(PART_ID_LENGTH), primary_key=True)
    seed: Mapped[int] = mapped_column(Integer, primary_key=True)
    answer: Mapped[Any] = mapped_column(AnswerJSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


def drafts_for(session: Session, learner_id: str, problem_id: str, seed: int) -> dict[str, Any]:
    rows = session.execute(
        select(Draft.part_id, Draft.answer).where(
            Draft.learner_id == learner_id, Draft.problem_id == problem_id, Draft.seed == seed
        )
    )
    return {part_id: answer for part_id, answer in rows}


def keep_drafts(
    session: Session, learner_id: str, problem_id: str, seed: int, drafts: Mapping[str, Any], cleared: Iterable[str]
) -> None:
    """Store `drafts` (part → answer), remove the drafts of the `cleared` parts, and commit."""
    key = (Draft.learner_id == learner_id, Draft.problem_id == problem_id, Draft.seed == seed)
    gone = set(cleared) - set(drafts)
    if gone:
        session.execute(delete(Draft).where(*key, Draft.part_id.in_(gone)))
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for part_id, answer in drafts.items():
        values = {"learner_id": learner_id, "problem_id": problem_id, "part_id": part_id, "seed": seed}
        statement = insert(Draft).values(**values, answer=answer, updated_at=utcnow())
        statement = statement.on_conflict_do_update(
            index_elements=list(values), set_={"answer": statement.excluded.answer, "updated_at": utcnow()}
        )
        session.execute(statement)
    session.commit()

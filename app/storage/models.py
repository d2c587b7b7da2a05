"""The tables: learners, the variant each learner is assigned per problem, attempts and revealed hints.

Every change to these classes needs a migration in `app/storage/migrations/versions/`; a test compares the two.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints let later migrations alter or drop them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_LENGTH = 32  # uuid4().hex
PROBLEM_ID_LENGTH = 100
PART_ID_LENGTH = 100


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite stores no offset, so one is added on reading)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC timestamps")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSONB on PostgreSQL: answers can be compared and grouped in SQL.
AnswerJSON = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets 64-bit ids.
AttemptId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class Learner(Base):
    """Someone practising: anonymous (a cookie) until an LTI launch ties them to a course account.

    An LTI learner is the platform's `sub` within one registration (issuer and client id) and deployment: two
    tenants sharing an issuer (a cloud LMS) never share a learner."""

    __tablename__ = "learners"
    __table_args__ = (
        UniqueConstraint(
            "lti_issuer", "lti_client_id", "lti_deployment_id", "lti_subject", name="uq_learners_lti_identity"
        ),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    display_name: Mapped[str | None] = mapped_column(String(200))
    lti_issuer: Mapped[str | None] = mapped_column(String(255))
    lti_subject: Mapped[str | None] = mapped_column(String(255))
    lti_client_id: Mapped[str | None] = mapped_column(String(255))
    lti_deployment_id: Mapped[str | None] = mapped_column(String(255))


class Assignment(Base):
    """The learner's current variant of a problem (seed 0 is the exam as printed)."""

    __tablename__ = "assignments"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    problem_id: Mapped[str] = mapped_column(String(PROBLEM_ID_LENGTH), primary_key=True)
    seed: Mapped[int] = mapped_column(Integer)
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attempt(Base):
    """One submitted answer to one part and the verdict it got. Invalid answers are kept but not counted."""

    __tablename__ = "attempts"
    __table_args__ = (
        UniqueConstraint("learner_id", "idempotency_key"),
        CheckConstraint("status IN ('correct', 'incorrect', 'invalid')", name="status"),
        CheckConstraint("score >= 0 AND score <= 1", name="score"),
        # A learner's history of one problem, newest last: summaries and progress.
        Index("ix_attempts_learner_problem", "learner_id", "problem_id", "part_id", "id"),
        # Instructor statistics over every learner.
        Index("ix_attempts_problem_part", "problem_id", "part_id", "status"),
    )

    id: Mapped[int] = mapped_column(AttemptId, primary_key=True, autoincrement=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    problem_id: Mapped[str] = mapped_column(String(PROBLEM_ID_LENGTH))
    part_id: Mapped[str] = mapped_column(String(PART_ID_LENGTH))
    seed: Mapped[int] = mapped_column(Integer)
    answer: Mapped[Any] = mapped_column(AnswerJSON)
    status: Mapped[str] = mapped_column(String(10))
    score: Mapped[float]
    reason: Mapped[str] = mapped_column(String(100), default="")
    feedback: Mapped[str] = mapped_column(Text, default="")
    latex: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int | None] = mapped_column(Integer)
    counted: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))


class HintReveal(Base):
    """How many of a part's hints the learner has asked to see."""

    __tablename__ = "hint_reveals"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    problem_id: Mapped[str] = mapped_column(String(PROBLEM_ID_LENGTH), primary_key=True)
    part_id: Mapped[str] = mapped_column(String(PART_ID_LENGTH), primary_key=True)
    revealed: Mapped[int] = mapped_column(Integer, default=0)

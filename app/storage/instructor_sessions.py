"""Instructor sessions, kept server-side: a random id in the cookie (only its SHA-256 stored), an expiry, and
revocation. A session opened by an LTI launch is scoped to the registration, deployment and course (context)
it came from; one opened with the instructor token sees everything. Every write commits before returning.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, Select, String, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.storage.lti import LtiDeployment, LtiLaunch
from app.storage.models import Base

PURGE_AFTER = timedelta(days=1)  # expired or revoked sessions go a day later


class InstructorSession(Base):
    __tablename__ = "instructor_sessions"
    __table_args__ = (
        CheckConstraint("origin IN ('token', 'lti')", name="origin"),
        Index("ix_instructor_sessions_expires_at", "expires_at"),
    )

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    origin: Mapped[str] = mapped_column(String(10))
    lti_platform_id: Mapped[int | None] = mapped_column(Integer)
    lti_deployment_id: Mapped[str | None] = mapped_column(String(255))
    lti_context_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


@dataclass(frozen=True)
class Scope:
    """What an instructor session may see: everything (the token), or one LTI course of one registration."""

    platform_id: int | None = None
    deployment_id: str | None = None
    context_id: str | None = None

    @property
    def everything(self) -> bool:
        return self.platform_id is None

    def learners(self) -> Select[Any] | None:
        """The ids of the learners this scope may see (launched from its course), or None for everyone."""
        if self.everything:
            return None
        return (
            select(LtiLaunch.learner_id)
            .join(LtiDeployment, LtiDeployment.id == LtiLaunch.deployment_pk)
            .where(
                LtiDeployment.platform_id == self.platform_id,
                LtiDeployment.deployment_id == self.deployment_id,
                LtiLaunch.context_id == self.context_id,
            )
        )


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_session(session: Session, scope: Scope, now: datetime, lifetime: timedelta) -> str:
    """A new session; returns its id (for the cookie), never stored as such."""
    session.execute(delete(InstructorSession).where(InstructorSession.expires_at < now - PURGE_AFTER))
    session_id = secrets.token_urlsafe(32)
    session.add(
        InstructorSession(
            id_hash=_hash(session_id), origin="token" if scope.everything else "lti",
            lti_platform_id=scope.platform_id, lti_deployment_id=scope.deployment_id,
            lti_context_id=scope.context_id, created_at=now, expires_at=now + lifetime,
        )
    )  # fmt: skip
    session.commit()
    return session_id


def session_scope(session: Session, session_id: str, now: datetime) -> Scope | None:
    """The scope of a live session; None when unknown, expired or revoked."""
    if not session_id or len(session_id) > 100:
        return None
    row = session.get(InstructorSession, _hash(session_id))
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    return Scope(row.lti_platform_id, row.lti_deployment_id, row.lti_context_id)


def revoke(session: Session, session_id: str, now: datetime) -> bool:
    result = session.execute(
        update(InstructorSession)
        .where(InstructorSession.id_hash == _hash(session_id), InstructorSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


def revoke_all(session: Session, now: datetime) -> int:
    """Sign every instructor out (e.g. after a token leaked)."""
    query = update(InstructorSession).where(InstructorSession.revoked_at.is_(None)).values(revoked_at=now)
    result = session.execute(query)
    session.commit()
    return result.rowcount  # type: ignore[attr-defined]


def live_sessions(session: Session, now: datetime) -> list[InstructorSession]:
    query = select(InstructorSession).where(InstructorSession.revoked_at.is_(None), InstructorSession.expires_at > now)
    return list(session.scalars(query.order_by(InstructorSession.created_at)))

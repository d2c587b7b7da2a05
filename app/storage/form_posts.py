"""Form posts already acted on, by their hidden idempotency token (templates/_form_tokens.html): a form sent
twice (a reload, the back button, a retry after a crash) reveals one hint or draws one variant, not two."""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import ForeignKey, String, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.storage.models import Base, utcnow

TOKEN_LENGTH = 64


class FormPost(Base):
    __tablename__ = "form_posts"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def first_use(session: Session, learner_id: str, token: str) -> bool:
    """Record the token for this learner; False when it was recorded before (the same form sent again). Commits."""
    table = cast(Table, FormPost.__table__)
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)
    row = insert.values(learner_id=learner_id, token=token, created_at=utcnow()).on_conflict_do_nothing()
    first = session.execute(row.returning(table.c.token)).first() is not None
    session.commit()
    return first

"""Named leases: a lock that several app processes (and hosts) share through the database.

`acquire(session, name, holder, now, ttl)` takes the lease `name` for `holder` unless someone else holds it and it
has not expired; `release` gives it back. A holder that dies simply lets its lease run out. Used by the LTI grade
outbox so that only one drainer at a time sends a learner's scores to a line item (app/lti/outbox.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import String, Table, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.storage.models import Base

NAME_LENGTH = 200


class Lease(Base):
    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]


def acquire(session: Session, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take the lease (or renew it, for its holder); False while another holder has it. Commits."""
    table = cast(Table, Lease.__table__)
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)
    values = {"name": name, "holder": holder, "expires_at": now + ttl}
    taken = session.execute(
        insert.values(**values)
        .on_conflict_do_update(
            index_elements=["name"],
            set_={"holder": holder, "expires_at": now + ttl},
            where=(table.c.expires_at < now) | (table.c.holder == holder),
        )
        .returning(table.c.name)
    ).first()
    session.commit()
    return taken is not None


def release(session: Session, name: str, holder: str) -> None:
    session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
    session.commit()

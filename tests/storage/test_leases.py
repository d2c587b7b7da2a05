"""Named leases shared through the database, on SQLite and PostgreSQL: one holder at a time, until released or
expired."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from app.storage import leases, session_factory

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=5)


def test_one_holder_at_a_time_until_released(engine: Engine) -> None:
    with session_factory(engine)() as session:
        assert leases.acquire(session, "send:1", "a", NOW, TTL)
        assert not leases.acquire(session, "send:1", "b", NOW + timedelta(minutes=1), TTL)
        assert leases.acquire(session, "send:2", "b", NOW, TTL)  # another name is another lease
        leases.release(session, "send:1", "b")  # not b's: nothing happens
        assert not leases.acquire(session, "send:1", "b", NOW, TTL)
        leases.release(session, "send:1", "a")
        assert leases.acquire(session, "send:1", "b", NOW, TTL)


def test_an_expired_lease_can_be_taken_and_its_holder_may_renew(engine: Engine) -> None:
    with session_factory(engine)() as session:
        assert leases.acquire(session, "send:1", "a", NOW, TTL)
        assert leases.acquire(session, "send:1", "a", NOW + timedelta(minutes=1), TTL)  # renewed to 12:06
        assert not leases.acquire(session, "send:1", "b", NOW + timedelta(minutes=5, seconds=30), TTL)
        assert leases.acquire(session, "send:1", "b", NOW + timedelta(minutes=6, seconds=1), TTL)  # a died

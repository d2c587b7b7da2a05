"""Instructor sessions: random ids, an expiry, revocation on the server, and a scope."""

from __future__ import annotations

from datetime import timedelta

from app.storage.instructor_sessions import Scope, open_session, revoke, revoke_all, session_scope
from app.storage.models import utcnow
from app.storage.repository import Repository

HOURS_12 = timedelta(hours=12)


def test_a_session_id_is_random_and_only_its_hash_is_stored(repo: Repository) -> None:
    db, now = repo.session, utcnow()
    first, second = open_session(db, Scope(), now, HOURS_12), open_session(db, Scope(), now, HOURS_12)
    assert first != second and len(first) >= 40
    assert session_scope(db, first, now) == Scope() and session_scope(db, "made-up", now) is None


def test_a_session_expires(repo: Repository) -> None:
    db, now = repo.session, utcnow()
    session_id = open_session(db, Scope(1, "dep", "course"), now, HOURS_12)
    assert session_scope(db, session_id, now + timedelta(hours=11)) == Scope(1, "dep", "course")
    assert session_scope(db, session_id, now + HOURS_12) is None


def test_a_revoked_session_opens_nothing(repo: Repository) -> None:
    db, now = repo.session, utcnow()
    one, two = open_session(db, Scope(), now, HOURS_12), open_session(db, Scope(), now, HOURS_12)
    assert revoke(db, one, now) and session_scope(db, one, now) is None and session_scope(db, two, now) is not None
    assert revoke_all(db, now) >= 1 and session_scope(db, two, now) is None

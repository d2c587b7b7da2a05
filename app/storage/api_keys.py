"""The REST API's own tables and queries: integrators' API keys, and the idempotency records of submissions.

A key is shown once, at creation, as `qz_<prefix>_<secret>`: the 12-hex-digit prefix is public (it finds the row
and names the key in `quizzes keys list`), the secret is 32 random bytes. Only `HMAC-SHA256(salt, token)` is
stored, with a random salt per key. A fast hash is enough because the token carries 256 random bits (nothing to
guess, unlike a password); the salt makes equal tokens hash differently and defeats precomputed tables; no server
secret is mixed in, so rotating `QUIZ_SECRET_KEY` (it signs cookies) never invalidates integrators' keys and the
CLI needs only the database. Every write commits before returning, like the repository.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import ForeignKey, Integer, String, Table, Text, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.storage.models import Attempt, Base, utcnow

SCOPES: dict[str, str] = {
    "check": "check answers and preview expressions statelessly (open to anyone without a key)",
    "submit": "create learners and record their submissions",
    "progress:read": "read one learner's progress",
    "grades:read": "read a problem set's grades of every learner (JSON or CSV)",
}
TOKEN_PREFIX = "qz_"
PREFIX_HEX = 12
MAX_TOKEN_LENGTH = 200
IDEMPOTENCY_KEY_LENGTH = 64
_PREFIX = re.compile(rf"^(?:{TOKEN_PREFIX})?([0-9a-f]{{{PREFIX_HEX}}})$")


class ApiKey(Base):
    """An integrator's credential: a name, its scopes, and only a salted hash of the token."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(PREFIX_HEX), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[str] = mapped_column(String(200), doc="Space-separated, as OAuth spells scopes.")
    salt: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())

    @property
    def public_id(self) -> str:
        """How the key is named on screen and to `quizzes keys revoke`: `qz_` and the prefix."""
        return TOKEN_PREFIX + self.prefix


class IdempotentRequest(Base):
    """A submission's `Idempotency-Key` (per learner): the request's fingerprint and, once done, its response."""

    __tablename__ = "api_idempotency_keys"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(IDEMPOTENCY_KEY_LENGTH), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), doc="SHA-256 of the canonical JSON of the request.")
    response: Mapped[str | None] = mapped_column(Text, doc="The response body exactly as first sent.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class NewKey:
    """A key just created: `token` is shown once and stored nowhere."""

    key: ApiKey
    token: str


def token_hash(salt: str, token: str) -> str:
    return hmac.new(bytes.fromhex(salt), token.encode(), hashlib.sha256).hexdigest()


def create_key(session: Session, name: str, scopes: Iterable[str]) -> NewKey:
    """Create a key with `scopes` (each one of SCOPES); the token is returned, only its hash is stored."""
    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown or not wanted:
        raise ValueError(f"scopes must be among {sorted(SCOPES)}, at least one; not {unknown or wanted}")
    if not name.strip() or len(name) > 100:
        raise ValueError("a key needs a name of 1 to 100 characters")
    for _ in range(3):  # 48 random bits: a clash of prefixes is rare, and retried
        prefix, salt = secrets.token_hex(PREFIX_HEX // 2), secrets.token_hex(16)
        token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        key = ApiKey(
            prefix=prefix,
            name=name.strip(),
            scopes=" ".join(wanted),
            salt=salt,
            token_hash=token_hash(salt, token),
            created_at=utcnow(),
        )
        session.add(key)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        return NewKey(key, token)
    raise RuntimeError("could not find a free key prefix")


def verify_token(session: Session, token: str) -> ApiKey | None:
    """The live (not revoked) key whose token this is, or None."""
    if len(token) > MAX_TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
        return None
    prefix, separator, secret = token[len(TOKEN_PREFIX) :].partition("_")
    if not separator or not secret or not _PREFIX.match(prefix):
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or not hmac.compare_digest(key.token_hash, token_hash(key.salt, token)):
        return None
    return None if key.revoked_at is not None else key


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    """The key named `qz_<prefix>` or `<prefix>`, revoked or not."""
    match = _PREFIX.match(prefix.strip())
    return session.scalar(select(ApiKey).where(ApiKey.prefix == match.group(1))) if match else None


def revoke_key(session: Session, key: ApiKey) -> bool:
    """Revoke the key from now on; False when it already was."""
    if key.revoked_at is not None:
        return False
    key.revoked_at = utcnow()
    session.commit()
    return True


def touch_key(session: Session, key_id: int, when: datetime) -> None:
    session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))
    session.commit()


# Idempotency of submissions


def claim_request(session: Session, learner_id: str, key: str, fingerprint: str) -> IdempotentRequest:
    """The record of `key` for this learner: made now with `fingerprint`, or the earlier one (whatever its print)."""
    dialect = session.get_bind().dialect.name
    table = cast(Table, IdempotentRequest.__table__)  # a mapped class's table (typed as its FromClause base)
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    values = {"learner_id": learner_id, "key": key, "fingerprint": fingerprint, "created_at": utcnow()}
    session.execute(insert.values(**values).on_conflict_do_nothing())
    session.commit()
    return _request(session, learner_id, key)


def finish_request(session: Session, learner_id: str, key: str, response: str) -> str:
    """Store the response unless a concurrent duplicate stored one first; returns the response that stands."""
    session.execute(
        update(IdempotentRequest)
        .where(
            IdempotentRequest.learner_id == learner_id,
            IdempotentRequest.key == key,
            IdempotentRequest.response.is_(None),
        )
        .values(response=response)
    )
    session.commit()
    stored = _request(session, learner_id, key).response
    assert stored is not None  # written just now, or by the concurrent duplicate
    return stored


def _request(session: Session, learner_id: str, key: str) -> IdempotentRequest:
    session.expire_all()  # read what is committed now, not what this session saw before
    query = select(IdempotentRequest).where(IdempotentRequest.learner_id == learner_id, IdempotentRequest.key == key)
    return session.scalars(query).one()


def attempts_by_key(session: Session, learner_id: str, keys: Iterable[str]) -> dict[str, Attempt]:
    """The learner's attempts recorded under any of `keys`, by key."""
    wanted = list(keys)
    if not wanted:
        return {}
    query = select(Attempt).where(Attempt.learner_id == learner_id, Attempt.idempotency_key.in_(wanted))
    return {a.idempotency_key: a for a in session.scalars(query) if a.idempotency_key is not None}

"""The tool's own RSA keys: made on first need and kept in the database (so every app process signs with the same
key), published at `/lti/jwks` without their private half, and rotated with `quizzes lti rotate-key`.

Rotation makes a new key the signing key at once; the keys it replaces stay in the JWKS for a grace period
(platforms cache JWKS), then are deleted.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from app.storage.lti import LtiKey

ALGORITHM = "RS256"
KEY_BITS = 2048


@dataclass(frozen=True)
class KeyStatus:
    kid: str
    created_at: datetime
    retired_at: datetime | None
    signing: bool


def _new_key(now: datetime) -> LtiKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return LtiKey(kid=secrets.token_hex(16), private_pem=pem, created_at=now, retired_at=None)


def signing_key(session: Session, now: datetime) -> LtiKey:
    """The newest key not retired, made now if there is none."""
    key = session.scalar(
        select(LtiKey).where(LtiKey.retired_at.is_(None)).order_by(LtiKey.created_at.desc(), LtiKey.kid).limit(1)
    )
    if key is None:
        key = _new_key(now)
        session.add(key)
        session.commit()
    return key


def rotate(session: Session, now: datetime, grace: timedelta) -> LtiKey:
    """Make a new signing key; retire the others (kept public for `grace`); delete those whose grace is over."""
    fresh = _new_key(now)
    for key in session.scalars(select(LtiKey).where(LtiKey.retired_at.is_(None))):
        key.retired_at = now
    session.add(fresh)
    session.execute(delete(LtiKey).where(LtiKey.retired_at.is_not(None), LtiKey.retired_at < now - grace))
    session.commit()
    return fresh


def published(session: Session, now: datetime, grace: timedelta) -> list[LtiKey]:
    """The keys a platform may still see a signature of: the signing key and those retired less than `grace` ago."""
    signing_key(session, now)
    query = select(LtiKey).where(or_(LtiKey.retired_at.is_(None), LtiKey.retired_at >= now - grace))
    return list(session.scalars(query.order_by(LtiKey.created_at.desc(), LtiKey.kid)))


def statuses(session: Session, now: datetime, grace: timedelta) -> list[KeyStatus]:
    keys = published(session, now, grace)
    signing = keys[0].kid if keys and keys[0].retired_at is None else None
    return [KeyStatus(k.kid, k.created_at, k.retired_at, k.kid == signing) for k in keys]


@lru_cache(maxsize=16)
def _private(pem: str) -> rsa.RSAPrivateKey:
    """Parsing (and checking) a PEM costs milliseconds: each stays parsed."""
    private = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(private, rsa.RSAPrivateKey)
    return private


def public_jwk(key: LtiKey) -> dict[str, Any]:
    """The public half as a JWK with `kid`, `alg` and `use`: nothing of the private key."""
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(_private(key.private_pem).public_key(), as_dict=True)
    return {"kty": "RSA", "kid": key.kid, "alg": ALGORITHM, "use": "sig", "n": jwk["n"], "e": jwk["e"]}


def jwks(session: Session, now: datetime, grace: timedelta) -> dict[str, list[dict[str, Any]]]:
    return {"keys": [public_jwk(k) for k in published(session, now, grace)]}


def sign(session: Session, claims: dict[str, Any], now: datetime) -> str:
    """A JWT of `claims` signed RS256 with the current signing key, its `kid` in the header."""
    return sign_with(signing_key(session, now), claims)


def sign_with(key: LtiKey, claims: dict[str, Any]) -> str:
    return jwt.encode(claims, _private(key.private_pem), algorithm=ALGORITHM, headers={"kid": key.kid})

"""The tool's keys: published without their private half, rotated with a grace period, then dropped."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from sqlalchemy.orm import Session

from app.lti import keys
from app.storage import make_engine, migrate, session_factory

T0 = datetime(2026, 1, 1, tzinfo=UTC)
GRACE = timedelta(hours=72)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{tmp_path / 'keys.sqlite3'}")
    migrate(engine)
    with session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_the_jwks_publishes_public_keys_only(browser) -> None:  # type: ignore[no-untyped-def]
    response = browser.get("/lti/jwks")
    assert response.status_code == 200 and "max-age" in response.headers["cache-control"]
    (key,) = response.json()["keys"]
    assert set(key) == {"kty", "kid", "alg", "use", "n", "e"}  # no d, p, q, dp, dq, qi
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")


def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_public_for_the_grace(db: Session) -> None:
    first = keys.signing_key(db, T0)
    token = keys.sign(db, {"hello": "world"}, T0)
    assert jwt.get_unverified_header(token)["kid"] == first.kid
    second = keys.rotate(db, T0 + timedelta(days=30), GRACE)
    assert keys.signing_key(db, T0 + timedelta(days=30)).kid == second.kid
    later = T0 + timedelta(days=31)
    assert [k["kid"] for k in keys.jwks(db, later, GRACE)["keys"]] == [second.kid, first.kid]
    # A token signed before the rotation still verifies during the grace period.
    old = jwt.PyJWKSet.from_dict(keys.jwks(db, later, GRACE))[first.kid]
    assert jwt.decode(token, old.key, algorithms=["RS256"]) == {"hello": "world"}
    assert [s.signing for s in keys.statuses(db, later, GRACE)] == [True, False]
    # After the grace the old key is no longer published, and the next rotation deletes it.
    assert [k["kid"] for k in keys.jwks(db, T0 + timedelta(days=34), GRACE)["keys"]] == [second.kid]
    third = keys.rotate(db, T0 + timedelta(days=60), GRACE)
    kept = [k.kid for k in keys.published(db, T0 + timedelta(days=60), timedelta(days=365))]
    assert kept == [third.kid, second.kid]

"""`quizzes keys create|list|revoke` on the database of the settings, migrated first."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.settings import get_settings
from app.storage import make_engine, session_factory
from app.storage.api_keys import ApiKey, verify_token


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli' / 'quizzes.sqlite3'}"  # not created yet: the command migrates it
    monkeypatch.setenv("QUIZ_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def keys_in(url: str) -> list[ApiKey]:
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session:
            return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))
    finally:
        engine.dispose()


def test_create_prints_the_token_once_and_stores_its_hash(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "create", "--name", "Canvas sync", "--scope", "submit", "--scope", "grades:read"]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    [key] = keys_in(database)
    assert out == token + "\n" and token.startswith(f"qz_{key.prefix}_")
    assert f"Created qz_{key.prefix} 'Canvas sync' with scopes grades:read submit." in err
    assert "shown this once" in err
    assert (key.name, key.scopes, key.revoked_at) == ("Canvas sync", "grades:read submit", None)
    assert token not in (key.token_hash, key.salt)
    engine = make_engine(database)
    try:
        with session_factory(engine)() as session:
            assert verify_token(session, token) is not None
            assert verify_token(session, token + "x") is None
    finally:
        engine.dispose()


def test_list_then_revoke_by_prefix(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "list"]) == 0
    assert "No API keys yet" in capsys.readouterr().err
    main(["keys", "create", "--name", "reports", "--scope", "grades:read"])
    token = capsys.readouterr().out.strip()
    public_id = token[: len("qz_") + 12]
    assert main(["keys", "list"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["PREFIX", "NAME", "SCOPES", "CREATED", "(UTC)", "LAST", "USED", "REVOKED"]
    assert row.split()[:3] == [public_id, "reports", "grades:read"] and row.endswith("-")
    assert main(["keys", "revoke", public_id]) == 0
    assert capsys.readouterr().out == f"Revoked {public_id} 'reports': requests with it now get 401.\n"
    assert main(["keys", "revoke", public_id[3:]]) == 0  # the bare prefix names it too
    assert "was already revoked" in capsys.readouterr().out
    assert keys_in(database)[0].revoked_at is not None
    main(["keys", "list"])
    assert not capsys.readouterr().out.splitlines()[1].endswith("-")


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["keys", "revoke", "qz_000000000000"], 1, "no key with the prefix 'qz_000000000000'"),
        (["keys", "revoke", "nonsense"], 1, "no key with the prefix 'nonsense'"),
        (["keys", "create", "--name", " ", "--scope", "submit"], 2, "a key needs a name"),
    ],
)
def test_mistakes_are_reported(
    database: str, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    assert main(argv) == code
    assert message in capsys.readouterr().err


def test_unknown_scopes_and_missing_scopes_are_usage_errors(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["keys", "create", "--name", "x", "--scope", "admin"], ["keys", "create", "--name", "x"]):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == 2
    assert "invalid choice: 'admin'" in capsys.readouterr().err

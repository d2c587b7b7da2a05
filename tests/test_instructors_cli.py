"""`quizzes instructors sign-out-all` ends every instructor session on the server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import main
from app.settings import get_settings
from app.storage import make_engine, migrate, session_factory
from app.storage.instructor_sessions import Scope, open_session, session_scope
from app.storage.models import utcnow
from app.web.instructor_auth import SESSION_LIFETIME


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'quizzes.sqlite3'}"
    monkeypatch.setenv("QUIZ_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def test_sign_out_all_ends_every_session(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine = make_engine(database)
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        ids = [open_session(session, scope, utcnow(), SESSION_LIFETIME) for scope in (Scope(), Scope(1, "d", "c"))]
    assert main(["instructors", "sign-out-all"]) == 0
    assert "Ended 2 instructor session(s)." in capsys.readouterr().err
    with sessions() as session:
        assert [session_scope(session, i, utcnow()) for i in ids] == [None, None]
    engine.dispose()

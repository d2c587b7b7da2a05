"""Every storage test runs twice: on SQLite (a temporary file) and on PostgreSQL (a schema of its own).

PostgreSQL comes from QUIZ_TEST_POSTGRES_URL (default: the local server CI provides); set it to an empty string
to run the SQLite half only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from app.storage import Repository, make_engine, migrate, session_factory
from tests.databases import postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database that only this test uses."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'quizzes.sqlite3'}"  # make_engine creates `data/`
        return
    with postgres_database() as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the migrated database."""
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def repo(engine: Engine) -> Iterator[Repository]:
    with session_factory(engine)() as session:
        yield Repository(session)

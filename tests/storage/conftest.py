"""Every storage test runs twice: on SQLite (a temporary file) and on PostgreSQL (a schema of its own).

PostgreSQL comes from QUIZ_TEST_POSTGRES_URL (default: the local server CI provides); set it to an empty string
to run the SQLite half only.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from app.storage import Repository, make_engine, migrate, session_factory

POSTGRES_URL = os.environ.get("QUIZ_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database that only this test uses."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'quizzes.sqlite3'}"  # make_engine creates `data/`
        return
    if not POSTGRES_URL:
        pytest.skip("QUIZ_TEST_POSTGRES_URL is empty")
    schema = f"t_{uuid.uuid4().hex}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as error:
        admin.dispose()
        pytest.fail(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    try:
        # libpq's `options` reaches every connection, Alembic's included: tables land in the test's schema.
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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

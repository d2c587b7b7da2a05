"""Migrations run once however many processes start together: `uvicorn --workers 4` on a fresh database, and the
explicit `quizzes migrate` step, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.storage import make_engine
from app.storage.db import alembic_config
from tests.databases import postgres_database

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4
START_LIMIT = 180.0  # seconds: only a guard against a hung start; a healthy start takes a few seconds


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'quizzes.sqlite3'}"
        return
    with postgres_database() as url:
        yield url


def app_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "QUIZ_DATABASE_URL": database_url,
        "QUIZ_DATA_DIR": str(tmp_path / "data"),
        "QUIZ_PROBLEMS_DIR": str(ROOT / "problems"),
        "QUIZ_SECRET_KEY": "s" * 48,  # shared, as every process behind one address must have
        "QUIZ_WORKERS": "1",
        "QUIZ_LTI_OUTBOX_POLL_SECONDS": "0",
    }


def schema_versions(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


def quizzes_migrate(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "app.cli", "migrate"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)


def read_lines(stream: object, lines: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)
    lines.put(None)


def test_four_processes_starting_together_on_a_fresh_database_all_come_up(fresh_database: str, tmp_path: Path) -> None:
    socket_path = tmp_path / "app.sock"
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--uds", str(socket_path),
               "--workers", str(PROCESSES), "--log-level", "info", "--no-access-log"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=app_env(tmp_path, fresh_database), stderr=subprocess.PIPE, text=True, bufsize=1
    )
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=read_lines, args=(process.stderr, lines), daemon=True)
    reader.start()
    log: list[str] = []
    try:
        while sum("Application startup complete" in line for line in log) < PROCESSES:
            line = lines.get(timeout=START_LIMIT)  # the next log line, as soon as it is written
            assert line is not None, "uvicorn exited:\n" + "".join(log)
            log.append(line)
            assert "startup failed" not in line and "Traceback" not in line, "".join(log)
        transport = httpx.HTTPTransport(uds=str(socket_path))
        with httpx.Client(transport=transport, base_url="http://app") as client:
            pages = [client.get("/") for _ in range(2 * PROCESSES)]
            assert [page.status_code for page in pages] == [200] * (2 * PROCESSES)
            assert client.get("/problems/c147-w23-2").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=60)
        reader.join(timeout=10)
        process.stderr.close()  # type: ignore[union-attr]
    assert schema_versions(fresh_database) == set(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_quizzes_migrate_builds_the_schema_and_a_second_run_changes_nothing(
    fresh_database: str, tmp_path: Path
) -> None:
    env = app_env(tmp_path, fresh_database)
    for _ in range(2):
        done = quizzes_migrate(env)
        assert (done.returncode, done.stderr.strip()) == (0, "The database schema is up to date.")
    assert schema_versions(fresh_database) == set(ScriptDirectory.from_config(alembic_config()).get_heads())


def test_quizzes_migrate_on_an_unreachable_database_says_so(tmp_path: Path) -> None:
    env = app_env(tmp_path, "postgresql+psycopg://postgres@127.0.0.1:1/test")
    done = quizzes_migrate(env)
    assert done.returncode == 1
    assert done.stderr.startswith("quizzes migrate: cannot reach the database:")

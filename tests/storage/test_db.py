"""Engines and migrations: the backends really used, durability, concurrent writers, schema drift."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.engine import make_url

from app.engine.verdict import Verdict
from app.storage import Attempt, Base, Repository, make_engine, migrate, session_factory
from app.storage.db import alembic_config

# Every table the models declare (features add theirs on their own migration branches), and every branch's head.
TABLES = {"alembic_version", *Base.metadata.tables}
HEADS = set(ScriptDirectory.from_config(alembic_config()).get_heads())
THREADS, PER_THREAD = 8, 25


def test_each_backend_is_really_exercised(database_url: str, engine: Engine) -> None:
    backend = make_url(database_url).get_backend_name()
    assert engine.dialect.name == backend
    with engine.connect() as connection:
        if backend == "sqlite":
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        else:
            schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
            assert schema is not None and schema.startswith("t_")
            assert set(inspect(connection).get_table_names(schema=schema)) == TABLES


def test_migrate_builds_the_schema_in_an_empty_database(database_url: str) -> None:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(str(url.database))
        path.parent.mkdir()
        path.touch()  # an empty file, not yet a database
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        assert set(inspect(engine).get_table_names()) == TABLES
    finally:
        engine.dispose()


def test_migrating_twice_changes_nothing(engine: Engine) -> None:
    with session_factory(engine)() as session:
        learner_id = Repository(session).get_or_create_learner().id
    migrate(engine)
    with engine.connect() as connection:
        assert set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars()) == HEADS
        assert connection.execute(text("SELECT id FROM learners")).scalars().all() == [learner_id]


def test_the_migrations_build_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_a_recorded_attempt_is_visible_from_a_brand_new_engine(database_url: str, repo: Repository) -> None:
    me = repo.get_or_create_learner().id
    recorded = repo.record_attempt(me, "p", "a", 3, {"x": ["1", "2"]}, Verdict.correct(latex="x"), True)
    # The writer's session and engine stay open, as when the process dies right after acknowledging.
    other = make_engine(database_url)
    try:
        with session_factory(other)() as session:
            stored = session.scalars(select(Attempt)).one()
    finally:
        other.dispose()
    assert (stored.id, stored.answer, stored.status, stored.latex) == (recorded.id, {"x": ["1", "2"]}, "correct", "x")
    assert stored.created_at == recorded.created_at and stored.created_at.utcoffset() is not None


def test_eight_threads_recording_at_once_lose_nothing(engine: Engine) -> None:
    factory = session_factory(engine)
    with factory() as session:
        learner_id = Repository(session).get_or_create_learner().id
    start = threading.Barrier(THREADS)

    def work(thread: int) -> list[int]:
        with factory() as session:
            repo = Repository(session)
            start.wait()
            once = repo.record_attempt(learner_id, "p", "b", 0, "x", Verdict.correct(), True, idempotency_key="1")
            assert repo.seed_for(learner_id, "p") == 0
            repo.reveal_hint(learner_id, "p", "a")
            ids = [
                repo.record_attempt(learner_id, "p", "a", 0, f"{thread}-{n}", Verdict.incorrect("No."), True).id
                for n in range(PER_THREAD)
            ]
            return [once.id, *ids]

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))

    with factory() as session:
        repo = Repository(session)
        summaries = repo.part_summaries(learner_id, "p")
        assert summaries["a"].attempts_used == THREADS * PER_THREAD
        assert summaries["b"].submissions == 1
        assert repo.hints_revealed(learner_id, "p", "a") == THREADS
        stored = set(session.scalars(select(Attempt.answer).where(Attempt.part_id == "a")))
    assert stored == {f"{t}-{n}" for t in range(THREADS) for n in range(PER_THREAD)}
    assert len({ids[0] for ids in results}) == 1  # one row for the key, whoever won

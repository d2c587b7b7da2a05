"""The cookie-signing secret: generated once, atomically, shared by every process; never empty, short or unshared."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from app.settings import SecretKeyError, Settings, signing_key

PROCESSES, STARTS = 4, 100
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def start_many(data_dirs: list[str], barrier, results) -> None:  # type: ignore[no-untyped-def]
    """One process: for each fresh data folder, wait for the others, then start (read or make the secret)."""
    keys = []
    for data_dir in data_dirs:
        barrier.wait()
        keys.append(signing_key(Settings(data_dir=Path(data_dir))))
    results.put(keys)


def test_processes_starting_at_once_all_get_the_same_full_secret(tmp_path: Path) -> None:
    data_dirs = [str(tmp_path / f"start-{i}") for i in range(STARTS)]
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [context.Process(target=start_many, args=(data_dirs, barrier, results)) for _ in range(PROCESSES)]
    for process in processes:
        process.start()
    keys_per_process = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    for start, keys in enumerate(zip(*keys_per_process, strict=True)):
        assert len(set(keys)) == 1, f"start {start}: the processes got different secrets"
        assert len(keys[0]) >= 32
        assert (Path(data_dirs[start]) / "secret_key").read_text().strip() == keys[0]
    assert not [p.name for p in tmp_path.glob("*/.secret_key.*")]  # no temporary file left behind


def test_an_empty_secret_file_is_refused_at_start(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("")  # what a full disk at first start once left
    with pytest.raises(SecretKeyError, match="secret_key is empty"):
        signing_key(Settings(data_dir=tmp_path))


def test_a_short_or_blank_configured_secret_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError, match="too short"):
        signing_key(Settings(data_dir=tmp_path, secret_key=" " * 30 + "abc"))
    with pytest.raises(ValueError, match="at least 32 characters"):
        Settings(data_dir=tmp_path, secret_key="short")


def test_postgresql_without_a_shared_secret_refuses_to_start_unless_single_host(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError, match="every host needs the same secret"):
        signing_key(Settings(data_dir=tmp_path, database_url=POSTGRES))
    assert not (tmp_path / "secret_key").exists()
    assert len(signing_key(Settings(data_dir=tmp_path, database_url=POSTGRES, single_host=True))) >= 32
    shared = "s" * 40
    assert signing_key(Settings(data_dir=tmp_path, database_url=POSTGRES, secret_key=shared)) == shared


@pytest.mark.parametrize("url", ["http://quiz.example.edu", "https://quiz.example.edu?x=1", "javascript:alert(1)"])
def test_the_lti_tool_url_must_be_a_plain_https_url(tmp_path: Path, url: str) -> None:
    with pytest.raises(ValueError, match="lti_tool_url"):
        Settings(data_dir=tmp_path, lti_tool_url=url)
    assert Settings(data_dir=tmp_path, lti_tool_url="https://quiz.example.edu/tools/q").lti_tool_url

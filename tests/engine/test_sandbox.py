"""Behaviour of the sandbox worker pool: results, errors, hard limits, recovery, concurrency, shutdown."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import select
import signal
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.process import BaseProcess
from typing import Any

import pytest
import sympy

from app.engine.sandbox import (
    CheckMemoryError,
    CheckTimeout,
    PoolBusy,
    SandboxError,
    WorkerCrashed,
    WorkerPool,
)
from tests.engine import sandbox_tasks as tasks

TIMEOUT = 1.0


@pytest.fixture(scope="module")
def pool() -> Iterator[WorkerPool]:
    with WorkerPool(size=2, timeout=TIMEOUT) as worker_pool:
        yield worker_pool


def assert_healthy(pool: WorkerPool) -> None:
    assert pool.run(tasks.add, 20, 22) == 42
    assert pool.wait_ready(timeout=10)  # replacements start in the background
    assert pool.alive == pool.size


def new_children(before: set[BaseProcess]) -> list[BaseProcess]:
    return [child for child in multiprocessing.active_children() if child not in before]


class BlockedTask:
    """Runs `spin_after_connect` on a pool thread and returns once the task is known to be running."""

    def __init__(self, pool: WorkerPool, executor: ThreadPoolExecutor) -> None:
        with socket.create_server(("127.0.0.1", 0)) as server:
            server.settimeout(10)
            self.future = executor.submit(pool.run, tasks.spin_after_connect, server.getsockname()[1])
            connection, _ = server.accept()  # blocks until the worker has picked the task up
            connection.close()


def test_returns_the_task_value(pool: WorkerPool) -> None:
    assert pool.run(tasks.add, 2, 3) == 5
    assert pool.run(tasks.add, 2, 3, scale=10) == 50
    assert pool.run(tasks.simplify, "sin(x)**2 + cos(x)**2") == "1"


def test_task_exception_comes_back_with_type_and_message(pool: WorkerPool) -> None:
    with pytest.raises(ValueError, match="wrong sign"):
        pool.run(tasks.fail, "wrong sign")
    with pytest.raises(sympy.SympifyError):
        pool.run(tasks.bad_sympy)


def test_exception_with_custom_init_keeps_its_attributes(pool: WorkerPool) -> None:
    with pytest.raises(tasks.GradeError, match="Unknown name `zz`") as caught:
        pool.run(tasks.fail_custom)
    assert (caught.value.name, caught.value.position) == ("zz", 4)
    assert "Traceback in the sandbox worker" in "".join(caught.value.__notes__)


def test_unpicklable_exception_is_a_crash_with_repr_logged(pool: WorkerPool, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="app.engine.sandbox"), pytest.raises(WorkerCrashed):
        pool.run(tasks.fail_unpicklable)
    assert "LockedError('holds a lock')" in caplog.text
    assert_healthy(pool)


def test_unpicklable_result_is_reported_as_the_task_error(pool: WorkerPool) -> None:
    with pytest.raises(TypeError, match="pickle"):
        pool.run(tasks.return_unpicklable)


def test_unpicklable_arguments_fail_in_the_caller(pool: WorkerPool) -> None:
    with pytest.raises(AttributeError, match="pickle"):
        pool.run(tasks.add, lambda: 1, 2)
    assert_healthy(pool)


RUNAWAY = [tasks.spin, tasks.big_power, tasks.sympy_big_power, tasks.numpy_product]


@pytest.mark.parametrize("task", RUNAWAY, ids=lambda t: t.__name__)
def test_runaway_task_times_out_and_pool_recovers(pool: WorkerPool, task: Callable[[], Any]) -> None:
    started = time.monotonic()
    with pytest.raises(CheckTimeout, match="took longer than 1 s") as caught:
        pool.run(task)
    assert time.monotonic() - started < TIMEOUT + 1.5
    assert "simplify" in caught.value.message
    assert_healthy(pool)


def test_per_call_timeout_overrides_the_default(pool: WorkerPool) -> None:
    with pytest.raises(CheckTimeout, match=r"longer than 0\.2 s"):
        pool.run(tasks.spin, timeout=0.2)
    assert_healthy(pool)


@pytest.mark.parametrize(
    "task", [tasks.allocate_bytes, tasks.allocate_numpy, tasks.grow_forever], ids=lambda t: t.__name__
)
def test_memory_bomb_is_a_memory_error_and_pool_recovers(pool: WorkerPool, task: Callable[[], Any]) -> None:
    with pytest.raises(CheckMemoryError, match="too much memory"):
        pool.run(task)
    assert_healthy(pool)


@pytest.mark.parametrize(
    "task", [tasks.exit_hard, tasks.kill_self, tasks.segfault, tasks.exit_politely], ids=lambda t: t.__name__
)
def test_dying_worker_is_a_crash_and_pool_recovers(pool: WorkerPool, task: Callable[[], Any]) -> None:
    with pytest.raises(WorkerCrashed) as caught:
        pool.run(task)
    assert caught.value.message == WorkerCrashed.default_message
    assert_healthy(pool)


def test_many_threads_complete_while_one_worker_is_stuck(pool: WorkerPool) -> None:
    with ThreadPoolExecutor(max_workers=9) as executor:
        blocked = BlockedTask(pool, executor)
        results = list(executor.map(lambda i: pool.run(tasks.add, i, i), range(40)))
        with pytest.raises(CheckTimeout):
            blocked.future.result(timeout=10)
    assert results == [2 * i for i in range(40)]
    assert_healthy(pool)


def test_run_async_from_asyncio(pool: WorkerPool) -> None:
    async def main() -> list[int]:
        return list(await asyncio.gather(*(pool.run_async(tasks.add, i, 1) for i in range(6))))

    assert asyncio.run(main()) == [1, 2, 3, 4, 5, 6]

    async def timed_out() -> None:
        await pool.run_async(tasks.spin, timeout=0.2)

    with pytest.raises(CheckTimeout):
        asyncio.run(timed_out())
    assert_healthy(pool)


def test_stats_count_what_happened(pool: WorkerPool) -> None:
    before = pool.stats
    pool.run(tasks.add, 1, 1)
    with pytest.raises(CheckTimeout):
        pool.run(tasks.spin, timeout=0.2)
    with pytest.raises(WorkerCrashed):
        pool.run(tasks.exit_hard)
    assert pool.wait_ready()
    after = pool.stats
    assert after["tasks"] - before["tasks"] == 3
    assert after["timeouts"] - before["timeouts"] == 1
    assert after["crashes"] - before["crashes"] == 1
    assert after["respawns"] - before["respawns"] == 2


def test_full_pool_raises_pool_busy_after_queue_timeout() -> None:
    with WorkerPool(size=1, timeout=5.0, queue_timeout=0.2) as small, ThreadPoolExecutor(1) as executor:
        blocked = BlockedTask(small, executor)
        with pytest.raises(PoolBusy) as caught:
            small.run(tasks.add, 1, 2)
        assert isinstance(caught.value, SandboxError) and caught.value.message
        small.close()  # kills the stuck worker instead of waiting out its 5 s limit
        with pytest.raises(SandboxError):
            blocked.future.result(timeout=10)


def test_worker_killed_while_idle_is_replaced() -> None:
    before = set(multiprocessing.active_children())
    with WorkerPool(size=1, timeout=TIMEOUT) as small:
        [worker] = new_children(before)
        pid = worker.pid
        pidfd = os.pidfd_open(pid)
        try:
            os.kill(pid, signal.SIGKILL)
            assert select.select([pidfd], [], [], 10)[0]  # wait (event-driven) until it has exited
        finally:
            os.close(pidfd)
        assert small.run(tasks.add, 1, 2) == 3  # the task is re-sent to a fresh worker, not lost
        assert small.run(tasks.pid) != pid
        assert_healthy(small)


def test_worker_killed_while_idle_is_replaced_before_any_task_needs_it() -> None:
    before = set(multiprocessing.active_children())
    with WorkerPool(size=1, timeout=TIMEOUT) as small:
        [worker] = new_children(before)
        pid, exited = worker.pid, os.dup(worker.sentinel)  # our own copy: the pool closes its one when reaping
        try:
            os.kill(pid, signal.SIGKILL)  # type: ignore[arg-type]
            assert multiprocessing.connection.wait([exited], 10)  # it has exited, and the pool can tell
        finally:
            os.close(exited)
        assert small.wait_ready(timeout=10)  # no task was sent: the watchdog replaced it
        assert small.stats["respawns"] == 1 and small.alive == 1
        assert small.run(tasks.pid) != pid


def test_concurrent_first_use_starts_exactly_size_workers() -> None:
    before = set(multiprocessing.active_children())
    lazy = WorkerPool(size=2, timeout=TIMEOUT)
    try:
        with ThreadPoolExecutor(max_workers=6) as executor:
            assert list(executor.map(lambda i: lazy.run(tasks.add, i, 1), range(12))) == list(range(1, 13))
        assert lazy.wait_ready()
        assert lazy.alive == 2 and len(new_children(before)) == 2
    finally:
        lazy.close()


def test_close_leaves_no_child_processes() -> None:
    before = set(multiprocessing.active_children())
    small = WorkerPool(size=3, timeout=TIMEOUT)
    small.start()
    small.start()  # idempotent
    pids = [child.pid for child in new_children(before)]
    assert len(pids) == 3 and small.alive == 3
    assert small.run(tasks.add, 1, 1) == 2
    small.close()
    small.close()  # idempotent
    assert new_children(before) == []
    assert small.alive == 0
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(SandboxError):
        small.run(tasks.add, 1, 1)

"""The checker with real workers: a client that holds its share of the pool does not delay another client, and
the queue timeout bounds all of a check's waiting (it answers "unavailable" rather than wait on)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from app.bank.models import ProblemSpec
from app.checker import Checker
from app.settings import Settings
from tests.engine import sandbox_tasks as tasks

PROBLEM = "c147-w23-2"


@contextmanager
def started(**settings: object) -> Iterator[Checker]:
    checker = Checker(Settings(**settings))  # type: ignore[arg-type]
    checker.start()
    try:
        yield checker
    finally:
        checker.close()


@asynccontextmanager
async def holding_a_worker(checker: Checker, problem: ProblemSpec) -> AsyncIterator[asyncio.Task[None]]:
    """A check of `checker`'s client that holds a worker (known to be running) until the block ends."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(30)
        held = asyncio.create_task(checker.in_worker(tasks.hold_problem_until_closed, problem, server.getsockname()[1]))
        connection, _ = await asyncio.to_thread(server.accept)
        try:
            yield held
        finally:
            connection.close()
    await held


def test_another_client_is_checked_while_the_first_clients_queue_is_full(bank) -> None:  # type: ignore[no-untyped-def]
    problem = bank.problems[PROBLEM]

    async def scenario(checker: Checker) -> None:
        hostile, benign = checker.for_client("ip:10.0.0.9"), checker.for_client("learner:b")
        async with holding_a_worker(hostile, problem):
            second = asyncio.create_task(hostile.check_one(problem, "b1_shape", "D_a1 x 1", 0))
            await asyncio.sleep(0)
            assert checker.fair.queued("ip:10.0.0.9") == 1  # the hostile client's next check waits behind its own
            verdict = await benign.check_one(problem, "b1_shape", "D_a1 x 1", 0)
            assert verdict.status == "correct"  # served while the hostile client's check is still queued
            assert not second.done()
        assert (await second).status == "correct"

    with started(workers=2, queue_timeout=60) as checker:
        asyncio.run(scenario(checker))


def test_the_queue_timeout_bounds_all_waiting_and_the_check_is_unavailable(bank) -> None:  # type: ignore[no-untyped-def]
    problem = bank.problems[PROBLEM]

    async def scenario(checker: Checker) -> None:
        async with holding_a_worker(checker.for_client("ip:10.0.0.9"), problem):
            verdict = await checker.for_client("learner:b").check_one(problem, "b1_shape", "D_a1 x 1", 0)
        assert (verdict.status, verdict.reason) == ("invalid", "unavailable")
        assert "try again" in verdict.feedback

    with started(workers=1, queue_timeout=0.2) as checker:
        asyncio.run(scenario(checker))


def test_the_parts_of_one_submission_are_checked_side_by_side_in_problem_order(bank) -> None:  # type: ignore[no-untyped-def]
    problem = bank.problems[PROBLEM]
    answers = {"delta_W1": "x @ delta_b1.T", "b1_shape": "D_a1 x 1"}

    with started(workers=2) as checker:
        verdicts = asyncio.run(checker.for_client("learner:a").check(problem, answers, 0))
    assert list(verdicts) == ["delta_W1", "b1_shape"]
    assert [v.status for v in verdicts.values()] == ["incorrect", "correct"]

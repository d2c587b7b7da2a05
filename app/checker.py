"""Checking as a service: grading runs in the sandbox's worker processes, never on the event loop.

Checks are admitted fairly (`app.fair_queue`): each client queues behind its own checks, clients take turns, and
`QUIZ_QUEUE_TIMEOUT` bounds all the waiting of a check (for its turn and for a worker). Admitted checks await
their worker's reply on the event loop (`WorkerPool.run_async`), so a check takes no hop to a thread either.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from app.bank.models import ProblemSpec
from app.engine.expression_check import Interpretation
from app.engine.sandbox import PoolBusy, SandboxError, WorkerPool
from app.engine.verdict import Verdict
from app.fair_queue import FairQueue
from app.kinds import Answer
from app.part_check import PackedProblem, UnknownProblem, check_packed, preview_packed
from app.settings import Settings

PRELOAD = ["numpy", "sympy", "app.part_check"]
ANONYMOUS = "anonymous"
UNAVAILABLE = SandboxError.code  # the verdict's reason when no worker could check the answer (busy pool, crash)
T = TypeVar("T")


def is_transient(verdict: Verdict) -> bool:
    """Whether the verdict says nothing about the answer, only that it could not be checked now (retry it)."""
    return verdict.reason == UNAVAILABLE


class Checker:
    """Grades answers in pre-forked workers with the time and memory limits from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.pool = WorkerPool(
            size=settings.workers,
            timeout=settings.check_timeout,
            memory_mb=settings.check_memory_mb,
            preload=PRELOAD,
            queue_timeout=settings.queue_timeout,
        )
        self.queue_timeout = settings.queue_timeout
        # Any one client may hold all workers but one, so another client's check always finds a turn soon.
        self.fair = FairQueue(settings.workers, max(1, settings.workers - 1))
        self._packed: dict[int, tuple[ProblemSpec, PackedProblem]] = {}
        self.client = ANONYMOUS

    def for_client(self, client: str) -> Checker:
        """This checker, queuing its checks as `client`'s (the same workers, queue and caches)."""
        view = copy.copy(self)
        view.client = client
        return view

    def packed(self, problem: ProblemSpec) -> PackedProblem:
        """Pickle each loaded problem once (the stored reference keeps its id from being reused)."""
        entry = self._packed.get(id(problem))
        if entry is None or entry[0] is not problem:
            entry = self._packed[id(problem)] = (problem, PackedProblem.pack(problem))
        return entry[1]

    async def in_worker(self, fn: Callable[..., T], problem: ProblemSpec, *args: Any) -> T:
        """Run `fn(packed_problem, *args)` in a worker, sending the problem itself only to a worker lacking it."""
        packed = self.packed(problem)
        deadline = time.monotonic() + self.queue_timeout
        if not await self.fair.acquire(self.client, self.queue_timeout):
            raise PoolBusy()
        try:
            try:
                return await self._run(deadline, fn, packed.reference(), *args)
            except UnknownProblem:
                return await self._run(deadline, fn, packed, *args)
        finally:
            self.fair.release(self.client)

    async def _run(self, deadline: float, fn: Callable[..., T], *args: Any) -> T:
        return await self.pool.run_async(fn, *args, queue_timeout=max(0.0, deadline - time.monotonic()))

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()

    async def check(self, problem: ProblemSpec, answers: Mapping[str, Answer], seed: int) -> dict[str, Verdict]:
        """One verdict per answered part (checked side by side); a part that overruns its limits is invalid, the
        others unaffected."""
        verdicts = await asyncio.gather(*(self.check_one(problem, pid, a, seed) for pid, a in answers.items()))
        return dict(zip(answers, verdicts, strict=True))

    async def check_one(self, problem: ProblemSpec, part_id: str, answer: Answer, seed: int) -> Verdict:
        try:
            return await self.in_worker(check_packed, problem, part_id, answer, seed)
        except SandboxError as error:  # timeout, memory, or unavailable (busy pool, crashed worker): its own code
            return Verdict.invalid(error.message, error.code)

    async def preview(self, problem: ProblemSpec, part_id: str, text: str, seed: int) -> Interpretation:
        try:
            return await self.in_worker(preview_packed, problem, part_id, text, seed)
        except SandboxError as error:
            return Interpretation(error=error.message)

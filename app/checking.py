"""Checking as a service: grading runs in the sandbox's worker processes, never on the event loop."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from app.bank.grading import PackedProblem, UnknownProblem, check_packed, preview_packed
from app.bank.models import ProblemSpec
from app.engine.check import Interpretation
from app.engine.sandbox import CheckMemoryError, CheckTimeout, SandboxError, WorkerPool
from app.engine.verdict import Verdict
from app.kinds import Answer
from app.settings import Settings

PRELOAD = ["numpy", "sympy", "app.bank.grading"]
UNAVAILABLE = "unavailable"  # the verdict's reason when no worker could check the answer (busy pool, crash)
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
        self._packed: dict[int, tuple[ProblemSpec, PackedProblem]] = {}

    def packed(self, problem: ProblemSpec) -> PackedProblem:
        """Pickle each loaded problem once (the stored reference keeps its id from being reused)."""
        entry = self._packed.get(id(problem))
        if entry is None or entry[0] is not problem:
            entry = self._packed[id(problem)] = (problem, PackedProblem.pack(problem))
        return entry[1]

    async def in_worker(self, fn: Callable[..., T], problem: ProblemSpec, *args: Any) -> T:
        """Run `fn(packed_problem, *args)` in a worker, sending the problem itself only to a worker lacking it."""
        packed = self.packed(problem)
        try:
            return await self.pool.run_async(fn, packed.reference(), *args)
        except UnknownProblem:
            return await self.pool.run_async(fn, packed, *args)

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()

    async def check(self, problem: ProblemSpec, answers: Mapping[str, Answer], seed: int) -> dict[str, Verdict]:
        """One verdict per answered part; a part that overruns its limits is invalid, the others unaffected."""
        return {pid: await self.check_one(problem, pid, answer, seed) for pid, answer in answers.items()}

    async def check_one(self, problem: ProblemSpec, part_id: str, answer: Answer, seed: int) -> Verdict:
        try:
            return await self.in_worker(check_packed, problem, part_id, answer, seed)
        except CheckTimeout as error:
            return Verdict.invalid(error.message, "timeout")
        except CheckMemoryError as error:
            return Verdict.invalid(error.message, "memory")
        except SandboxError as error:
            return Verdict.invalid(error.message, UNAVAILABLE)

    async def preview(self, problem: ProblemSpec, part_id: str, text: str, seed: int) -> Interpretation:
        try:
            return await self.in_worker(preview_packed, problem, part_id, text, seed)
        except SandboxError as error:
            return Interpretation(error=error.message)

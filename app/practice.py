"""Practice: a learner answers parts of a problem; answers are checked in the worker pool and recorded.

A service between the web pages (or the API) and the engine + storage: routes stay thin, and the rules about
attempts live here. An invalid answer is stored but costs no attempt; a graded answer is committed before the
caller reports it.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.concurrency import run_in_threadpool

from app.bank.models import ProblemSpec
from app.checking import Checker
from app.engine.verdict import Verdict
from app.kinds import Answer
from app.storage.repository import PartSummary, Repository


def attempts_left(max_attempts: int | None, summary: PartSummary | None) -> int | None:
    if max_attempts is None:
        return None
    return max(0, max_attempts - (summary.attempts_used if summary else 0))


def is_blank(answer: Answer) -> bool:
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, list | tuple):
        return all(is_blank(a) for a in answer)
    if isinstance(answer, dict):
        return all(is_blank(a) for a in answer.values())
    return False


class Practice:
    def __init__(self, repo: Repository, checker: Checker) -> None:
        self.repo, self.checker = repo, checker

    async def submit(self, learner_id: str, problem: ProblemSpec, answers: Mapping[str, Answer]) -> dict[str, Verdict]:
        """Check and record the answered parts at the learner's current variant."""
        await run_in_threadpool(self.repo.get_or_create_learner, learner_id)
        seed = await run_in_threadpool(self.repo.seed_for, learner_id, problem.id)
        summaries = await run_in_threadpool(self.repo.part_summaries, learner_id, problem.id, seed)
        await run_in_threadpool(self.repo.release)
        verdicts: dict[str, Verdict] = {}
        to_check: dict[str, Answer] = {}
        for part_id, answer in answers.items():
            left = attempts_left(problem.part(part_id).max_attempts, summaries.get(part_id))
            if left == 0:
                verdicts[part_id] = Verdict.invalid("You have used every attempt for this part.", "no_attempts")
            elif not is_blank(answer):
                to_check[part_id] = answer
        checked = await self.checker.check(problem, to_check, seed)
        for part_id, verdict in checked.items():
            await run_in_threadpool(
                self.repo.record_attempt, learner_id, problem.id, part_id, seed, to_check[part_id], verdict,
                verdict.status != "invalid",
            )  # fmt: skip
        verdicts.update(checked)
        return verdicts

"""Grading by people: a learner's self-assessment of a free-text answer against the rubric, and an instructor's
grade from the grading queue. Both end like a submission does: the after-submit hooks (LTI passback) run, so the
new score reaches the LMS through the same path as a checked answer."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.concurrency import run_in_threadpool

from app.bank.models import ProblemSpec
from app.engine.verdict import Verdict
from app.practice import AfterSubmit
from app.storage.grading import Grader, GradeRefused, grade, latest_saved
from app.storage.models import Attempt
from app.storage.repository import Repository

NO_RUBRIC = "My answer makes the point of the model answer."


def rubric_items(part: object) -> list[str]:
    """What a learner ticks: the part's rubric, or one line standing for the model answer when it has none."""
    return list(getattr(part, "rubric", None) or [NO_RUBRIC])


class Grading:
    def __init__(self, repo: Repository, after_submit: Sequence[AfterSubmit] = ()) -> None:
        self.repo, self.after_submit = repo, after_submit

    async def self_assess(self, learner_id: str, problem: ProblemSpec, part_id: str, ticked: set[int]) -> None:
        """Grade the learner's latest saved answer at their variant: the share of rubric items ticked."""
        part = problem.part(part_id)
        if part.kind != "text":
            raise GradeRefused("Only free-text parts are self-assessed.")
        items = rubric_items(part)
        if not ticked <= set(range(len(items))):
            raise GradeRefused("Tick items of the rubric shown.")
        seed = await run_in_threadpool(self.repo.seed_for, learner_id, problem.id)
        attempt = await run_in_threadpool(latest_saved, self.repo.session, learner_id, problem.id, part_id, seed)
        if attempt is None:
            raise GradeRefused("Submit an answer first; then compare it with the model answer.")
        await self._grade(problem, attempt, len(ticked) / len(items), "self", None)

    async def instructor_grade(self, problem: ProblemSpec, attempt_id: int, points: float, comment: str | None) -> None:
        attempt = await run_in_threadpool(self.repo.session.get, Attempt, attempt_id)
        if attempt is None or attempt.problem_id != problem.id:
            raise GradeRefused(f"No answer {attempt_id} to this problem.")
        maximum = float(problem.part(attempt.part_id).points)
        if not 0.0 <= points <= maximum:
            raise GradeRefused(f"Give between 0 and {maximum:g} points.")
        await self._grade(problem, attempt, points / maximum if maximum else 0.0, "instructor", comment)

    async def _grade(
        self, problem: ProblemSpec, attempt: Attempt, share: float, by: Grader, comment: str | None
    ) -> None:
        def write() -> tuple[str, str]:
            graded = grade(self.repo.session, attempt, share, by, comment)
            learner_and_part = graded.learner_id, graded.part_id
            self.repo.release()
            return learner_and_part

        learner_id, part_id = await run_in_threadpool(write)
        verdict = Verdict(status="saved", score=share, reason=f"graded_{by}")
        for hook in self.after_submit:
            await hook(learner_id, problem, {part_id: verdict})

"""/api/v1/problems: the listing and the stateless check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from app.api.auth import OPEN, OPTIONAL_KEY, PROBLEM_TYPE, AuthDep, allow_anonymous, problem_doc
from app.api.errors import ApiError
from app.api.schemas import (
    CheckRequest,
    CheckResponse,
    PartListing,
    PreviewRequest,
    PreviewResponse,
    ProblemSummary,
)
from app.bank.models import ProblemSpec
from app.deps import BankDep, CheckerDep, NowDep, ProblemDep
from app.limits import bound_answers
from app.scoring import verdicts_score
from app.solution_policy import part_policy
from app.throttle import throttle_anonymous

# Open to the students' browsers; a key sent along must be valid (and hold `check` to check or preview).
router = APIRouter(prefix="/api/v1", tags=["problems"], responses=OPEN, dependencies=[Depends(allow_anonymous())])
CHECK_SCOPE = [Depends(allow_anonymous("check")), Depends(throttle_anonymous)]
CHECK_ERRORS: dict[int | str, dict[str, Any]] = {
    401: problem_doc("A part counts attempts or gates its solution: checking it needs a key with `check`."),
    403: problem_doc("The key sent lacks the scope `check`."),
    404: problem_doc("No such problem or part."),
    429: problem_doc("The key's, this browser's or this address's rate limit is reached."),
}


def summary(problem: ProblemSpec) -> ProblemSummary:
    parts = [PartListing(id=p.id, label=p.label, kind=p.kind, points=p.points) for p in problem.parts]
    return ProblemSummary(id=problem.id, title=problem.title, set=problem.set, parts=parts)


@router.get("/problems", response_model=list[ProblemSummary], openapi_extra=OPTIONAL_KEY)
def list_problems(bank: BankDep) -> list[ProblemSummary]:
    """Every problem with its parts (ids, exam labels, kinds)."""
    return [summary(problem) for problem in bank]


@router.post(
    "/problems/{problem_id}/check",
    response_model=CheckResponse,
    dependencies=CHECK_SCOPE,
    responses=CHECK_ERRORS,
    openapi_extra=OPTIONAL_KEY,
)
async def check_answers(
    problem: ProblemDep, body: CheckRequest, checker: CheckerDep, principal: AuthDep, bank: BankDep, now: NowDep
) -> CheckResponse:
    """Grade answers without recording them: per part correct / incorrect / invalid, with feedback.

    Parts that limit attempts, or whose solution ends credit after some attempts, are checked on the problem page
    (before their set's due date), where attempts count; here only with an API key that has the scope `check`
    (anonymous checks would find their answers for free).
    """
    known = {part.id for part in problem.parts}
    unknown = sorted(set(body.answers) - known)
    if unknown:
        raise HTTPException(422, f"Unknown part id(s) {unknown}; this problem has {sorted(known)}.")
    bound_answers(body.answers, len(known))
    set_spec = bank.set_spec(problem.set)
    guarded = [
        problem.part(pid).label for pid in body.answers if part_policy(problem.part(pid), set_spec).guards_check(now)
    ]
    if guarded and principal is None:
        raise ApiError(
            401, PROBLEM_TYPE + "check-needs-key", "Unauthorized",
            f"Part(s) {', '.join(guarded)} count attempts: answer them on the problem page, or check them with "
            "an API key that has the scope `check`.",
            {"WWW-Authenticate": 'Bearer realm="quizzes"'},
        )  # fmt: skip
    verdicts = await checker.check(problem, body.answers, body.seed)
    max_score = sum(problem.part(pid).points for pid in verdicts)
    return CheckResponse(
        problem=problem.id,
        seed=body.seed,
        parts=verdicts,
        score=verdicts_score(problem, verdicts),
        max_score=max_score,
    )


@router.post(
    "/preview",
    response_model=PreviewResponse,
    dependencies=CHECK_SCOPE,
    responses=CHECK_ERRORS,
    openapi_extra=OPTIONAL_KEY,
)
async def preview_expression(body: PreviewRequest, bank: BankDep, checker: CheckerDep) -> PreviewResponse:
    """How an expression answer is read, as the student types: LaTeX and shape, or the error and its position."""
    problem = bank.problems.get(body.problem_id)
    if problem is None or body.part_id not in {p.id for p in problem.parts}:
        raise HTTPException(404, f"No part {body.part_id!r} in problem {body.problem_id!r}.")
    reading = await checker.preview(problem, body.part_id, body.text, body.seed)
    if reading.latex is not None:
        return PreviewResponse(
            status="ok", latex=reading.latex, shape=reading.shape, shape_latex=reading.shape_latex, note=reading.note
        )
    return PreviewResponse(status="invalid", feedback=reading.error, position=reading.position)

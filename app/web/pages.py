"""The student pages: home, set, problem (with answer forms that work with and without JavaScript)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app.api.deps import BankDep, CheckerDep, ProblemDep
from app.bank.loader import Bank
from app.practice import Practice, attempt_budgets
from app.throttle import ThrottledClient
from app.web.csrf import check_form_token
from app.web.deps import KnownLearnerDep, LearnerDep, RepoDep, in_one_trip, render
from app.web.form_tokens import FirstPostDep, FormTokenDep
from app.web.forms import FormError, answers_from_form
from app.web.views import problem_view

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_form_token)])


def set_points(bank: Bank) -> dict[str, dict[str, dict[str, float]]]:
    """set → problem → part → points."""
    sets: dict[str, dict[str, dict[str, float]]] = {}
    for problem in bank:
        sets.setdefault(problem.set, {})[problem.id] = {p.id: p.points for p in problem.parts}
    return sets


@router.get("/", response_class=HTMLResponse)
def home(request: Request, bank: BankDep, repo: RepoDep, learner: LearnerDep) -> Response:
    sets = []
    for set_id, problems in set_points(bank).items():
        progress = repo.problem_progress(learner, problems)
        earned = sum(p.score for p in progress.values())
        total = sum(sum(parts.values()) for parts in problems.values())
        done = sum(1 for p in progress.values() if p.status == "done")
        sets.append({"id": set_id, "problems": len(problems), "done": done, "score": earned, "max": total})
    return render(request, "home.html", {"sets": sets})


@router.get("/sets/{set_id}", response_class=HTMLResponse)
def problem_set(set_id: str, request: Request, bank: BankDep, repo: RepoDep, learner: LearnerDep) -> Response:
    problems = [p for p in bank if p.set == set_id]
    if not problems:
        raise HTTPException(404, f"No problem set {set_id!r}.")
    progress = repo.problem_progress(learner, set_points(bank)[set_id])
    rows = [{"problem": p, "progress": progress.get(p.id)} for p in problems]
    return render(request, "set.html", {"set_id": set_id, "rows": rows})


@router.get("/problems/{problem_id}", response_class=HTMLResponse)
def problem_page(problem: ProblemDep, request: Request, repo: RepoDep, learner: KnownLearnerDep) -> Response:
    seed = repo.seed_for(learner, problem.id)
    summaries = repo.part_summaries(learner, problem.id, seed)
    hints = {part.id: repo.hints_revealed(learner, problem.id, part.id) for part in problem.parts}
    budgets = attempt_budgets(repo, learner, problem.id)
    view = problem_view(problem, seed, summaries, hints, budgets=budgets)
    return render(request, "problem.html", {"view": view, "seed": seed})


def back_to(problem_id: str, anchor: str = "") -> RedirectResponse:
    return RedirectResponse(f"/problems/{problem_id}{'#' + anchor if anchor else ''}", status_code=303)


@router.post("/problems/{problem_id}")
async def submit(
    problem: ProblemDep, request: Request, checker: CheckerDep, repo: RepoDep, learner: LearnerDep, token: FormTokenDep,
    _: ThrottledClient,
) -> Response:
    """Grade one part (button `part=<id>`) or every answered part (`part=*`), then show the page again; the form's
    token keys the attempts, so the same post sent twice is counted once."""
    form = await request.form()
    target = str(form.get("part", "*"))
    parts = [p for p in problem.parts if target in ("*", p.id)]
    if not parts:
        raise HTTPException(422, f"No part {target!r} in this problem.")
    try:
        answers = await run_in_threadpool(answers_from_form, form, parts)
    except FormError as error:
        raise HTTPException(422, error.message) from None
    hooks = getattr(request.app.state, "after_submit", ())  # e.g. LTI grade passback (app/lti/web.py)
    await Practice(repo, checker, hooks).submit(learner, problem, answers, idempotency_key=token)
    return back_to(problem.id, f"part-{target}" if target != "*" else "")


@router.post("/problems/{problem_id}/variant")
async def new_variant(problem: ProblemDep, repo: RepoDep, learner: LearnerDep, first: FirstPostDep) -> Response:
    if not first:
        return back_to(problem.id)  # the same form sent again: one variant was drawn already

    def draw() -> int:
        repo.get_or_create_learner(learner)
        repo.seed_for(learner, problem.id)
        return repo.new_variant(learner, problem.id)

    await in_one_trip(repo, draw)
    return back_to(problem.id)


@router.post("/problems/{problem_id}/hint")
async def hint(
    problem: ProblemDep, repo: RepoDep, learner: LearnerDep, part: Annotated[str, Form()], first: FirstPostDep
) -> Response:
    if part not in {p.id for p in problem.parts}:
        raise HTTPException(422, f"No part {part!r} in this problem.")
    if not first:
        return back_to(problem.id, f"part-{part}")  # the same form sent again: that hint is shown already

    def reveal() -> int:
        repo.get_or_create_learner(learner)
        return repo.reveal_hint(learner, problem.id, part)

    await in_one_trip(repo, reveal)
    return back_to(problem.id, f"part-{part}")

"""Instructor pages, behind the token from the settings: any problem at any seed with its answers, and
per-part statistics of what students submit."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app.bank.models import ProblemSpec
from app.bank.variants import make_variant
from app.deps import AfterSubmitDep, BankDep, CheckerDep, ProblemDep, RepoDep
from app.engine.verdict import Verdict
from app.grading import Grading
from app.kinds import PartSpec
from app.storage.grading import GradeRefused, grading_queue
from app.storage.instructor_sessions import Scope
from app.storage.models import Attempt
from app.throttle import ThrottledLogin
from app.web.csrf import check_form_token
from app.web.forms import FormError, answers_from_form
from app.web.instructor_auth import INSTRUCTOR_COOKIE, SESSION_LIFETIME, end_session, instructor_scope, start_session
from app.web.templating import render
from app.web.views import inline, problem_view

router = APIRouter(prefix="/instructor", include_in_schema=False, dependencies=[Depends(check_form_token)])


async def require_instructor(request: Request) -> Scope:
    """A live instructor session (token or LTI), whose scope limits what a page shows; a signed-out visit to a page
    goes to the sign-in page (and back after)."""
    if not request.app.state.settings.instructor_token:
        raise HTTPException(404, "Instructor pages are closed: set QUIZ_INSTRUCTOR_TOKEN to open them.")
    scope = await instructor_scope(request)
    if scope is None:
        if request.method == "GET":
            raise HTTPException(303, "Sign in first.", headers={"Location": f"/instructor/login?{login_next(request)}"})
        raise HTTPException(
            401, "Instructors only: open the tool from your course as an instructor, or sign in at /instructor/login."
        )
    return scope


def login_next(request: Request) -> str:
    return urlencode({"next": request.url.path + (f"?{request.url.query}" if request.url.query else "")})


def safe_next(target: str | None) -> str:
    """Only an instructor page of this site (never another host) is a place to go back to after signing in."""
    if target and target.startswith("/instructor") and not target.startswith("//") and "\\" not in target:
        return target
    return "/instructor"


Instructor = Annotated[Scope, Depends(require_instructor)]


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "instructor/login.html", {"error": None, "next": safe_next(next)})


@router.post("/login")
async def login(
    request: Request,
    token: Annotated[str, Form(max_length=500)],
    _: ThrottledLogin,
    next: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    expected = request.app.state.settings.instructor_token
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        context = {"error": "That token is not right.", "next": safe_next(next)}
        return render(request, "instructor/login.html", context, status_code=401)
    session_id = await run_in_threadpool(start_session, request, Scope())
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        INSTRUCTOR_COOKIE, session_id, httponly=True, samesite="lax",
        secure=request.app.state.settings.secure_cookies, max_age=int(SESSION_LIFETIME.total_seconds()),
    )  # fmt: skip
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    """End this instructor session on the server too: the cookie, if copied, no longer opens anything."""
    await run_in_threadpool(end_session, request)
    response = RedirectResponse("/instructor/login", status_code=303)
    response.delete_cookie(INSTRUCTOR_COOKIE)
    return response


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request, bank: BankDep, _: Instructor) -> Response:
    """Every problem, and the problem files whose last edit was refused (their last good version is served)."""
    errors = request.app.state.bank_store.errors
    return render(request, "instructor/index.html", {"problems": list(bank), "errors": errors})


Seed = Annotated[int, Query(ge=0, le=2**31 - 1)]


@router.get("/problems/{problem_id}", response_class=HTMLResponse)
def preview(request: Request, problem: ProblemDep, _: Instructor, seed: Seed = 0) -> Response:
    """The problem at `seed` with every hint, solution and reference answer shown, and a box per part to try an
    answer (checked like a student's, never recorded, so it never shows in the statistics)."""
    return _preview(request, problem, seed)


@router.post("/problems/{problem_id}/try", response_class=HTMLResponse)
async def try_answer(
    request: Request, problem: ProblemDep, checker: CheckerDep, _: Instructor, seed: Seed = 0
) -> Response:
    form = await request.form()
    part_id = str(form.get("part", ""))
    if part_id not in {p.id for p in problem.parts}:
        raise HTTPException(422, f"No part {part_id!r} in this problem.")
    try:
        answer = answers_from_form(form, [problem.part(part_id)]).get(part_id)
    except FormError as error:
        raise HTTPException(422, error.message) from None
    verdicts = await checker.check(problem, {part_id: answer}, seed) if answer is not None else {}
    return _preview(request, problem, seed, tried={part_id: answer}, verdicts=verdicts)


def _preview(
    request: Request,
    problem: ProblemSpec,
    seed: int,
    tried: dict[str, Any] | None = None,
    verdicts: Mapping[str, Verdict] | None = None,
) -> Response:
    variant = make_variant(problem, seed)
    answers = {part.id: part.reference_answer(variant) for part in problem.parts}
    mistakes = {
        part.id: [(m.answer, inline(m.message, variant)) for m in getattr(part, "mistakes", [])]
        for part in problem.parts
    }
    view = problem_view(problem, seed, reveal_all=True, drafts=tried)
    params = {k: v for k, v in variant.params.items() if "." not in k}
    context = {
        "view": view, "seed": seed, "answers": answers, "mistakes": mistakes, "params": params,
        "verdicts": verdicts or {},
    }  # fmt: skip
    return render(request, "instructor/preview.html", context)


@router.get("/problems/{problem_id}/stats", response_class=HTMLResponse)
def statistics(request: Request, problem: ProblemDep, repo: RepoDep, scope: Instructor) -> Response:
    """Over every learner with the token; an LTI instructor sees only the learners of their course."""
    stats = repo.part_statistics(problem.id, scope.learners())
    return render(request, "instructor/stats.html", {"problem": problem, "stats": stats})


@router.get("/problems/{problem_id}/grading/{part_id}", response_class=HTMLResponse)
def grading_page(request: Request, problem: ProblemDep, part_id: str, repo: RepoDep, scope: Instructor) -> Response:
    """Every learner's latest answer to a free-text part, to read, grade and comment (ungraded first); an LTI
    instructor reads only the answers of their course's learners."""
    part = _text_part(problem, part_id)
    queue = grading_queue(repo.session, problem.id, part.id, scope.learners())
    context = {"problem": problem, "part": part, "queue": queue, "error": request.query_params.get("error")}
    return render(request, "instructor/grading.html", context)


@router.post("/problems/{problem_id}/grading/{part_id}")
async def give_grade(
    request: Request,
    problem: ProblemDep,
    part_id: str,
    repo: RepoDep,
    scope: Instructor,
    hooks: AfterSubmitDep,  # the grade reaches the LMS like a checked answer
    attempt: Annotated[int, Form()],
    points: Annotated[float, Form()],
    comment: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    part = _text_part(problem, part_id)
    learners = scope.learners()
    if (
        learners is not None
        and repo.session.scalar(select(Attempt.id).where(Attempt.id == attempt, Attempt.learner_id.in_(learners)))
        is None
    ):
        raise HTTPException(404, "No such answer among your course's learners.")
    url = f"/instructor/problems/{problem.id}/grading/{part.id}"
    try:
        await Grading(repo, hooks).instructor_grade(problem, attempt, points, comment.strip() or None)
    except GradeRefused as refused:
        return RedirectResponse(f"{url}?{urlencode({'error': str(refused)})}", status_code=303)
    return RedirectResponse(f"{url}#answer-{attempt}", status_code=303)


def _text_part(problem: ProblemSpec, part_id: str) -> PartSpec:
    part = next((p for p in problem.parts if p.id == part_id), None)
    if part is None or part.kind != "text":
        raise HTTPException(404, f"No free-text part {part_id!r} in this problem.")
    return part

"""Instructor pages, behind the token from the settings: any problem at any seed with its answers, and
per-part statistics of what students submit."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app.api.deps import BankDep, ProblemDep
from app.bank.variants import make_variant
from app.storage.instructor_sessions import Scope
from app.throttle import ThrottledLogin
from app.web.csrf import check_form_token
from app.web.deps import RepoDep, render
from app.web.instructor_auth import INSTRUCTOR_COOKIE, SESSION_LIFETIME, InstructorScope, end_session, start_session
from app.web.views import problem_view

router = APIRouter(prefix="/instructor", include_in_schema=False, dependencies=[Depends(check_form_token)])


def require_instructor(request: Request, scope: InstructorScope) -> Scope:
    if not request.app.state.settings.instructor_token:
        raise HTTPException(404, "Instructor pages are closed: set QUIZ_INSTRUCTOR_TOKEN to open them.")
    return scope


Instructor = Annotated[Scope, Depends(require_instructor)]


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    return render(request, "instructor/login.html", {"error": None})


@router.post("/login")
async def login(request: Request, token: Annotated[str, Form(max_length=500)], _: ThrottledLogin) -> Response:
    expected = request.app.state.settings.instructor_token
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        return render(request, "instructor/login.html", {"error": "That token is not right."}, status_code=401)
    session_id = await run_in_threadpool(start_session, request, Scope())
    response = RedirectResponse("/instructor", status_code=303)
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
    return render(request, "instructor/index.html", {"problems": list(bank)})


@router.get("/problems/{problem_id}", response_class=HTMLResponse)
def preview(
    request: Request, problem: ProblemDep, _: Instructor, seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0
) -> Response:
    """The problem at `seed` with every hint, solution and reference answer shown."""
    variant = make_variant(problem, seed)
    answers = {part.id: part.reference_answer(variant) for part in problem.parts}
    view = problem_view(problem, seed, reveal_all=True)
    return render(request, "instructor/preview.html", {"view": view, "seed": seed, "answers": answers})


@router.get("/problems/{problem_id}/stats", response_class=HTMLResponse)
def statistics(request: Request, problem: ProblemDep, repo: RepoDep, scope: Instructor) -> Response:
    """Over every learner with the token; an LTI instructor sees only the learners of their course."""
    stats = repo.part_statistics(problem.id, scope.learners())
    return render(request, "instructor/stats.html", {"problem": problem, "stats": stats})

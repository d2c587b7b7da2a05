"""The dependencies every router uses (pages, API, LTI): load and validate what routes need, so routes stay thin.

They are `async` where they are cheap: a sync dependency costs each request a hop to a thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from app.bank.loader import Bank
from app.bank.models import ProblemSpec
from app.checker import Checker
from app.practice import AfterSubmit, Practice
from app.solution_policy import Clock
from app.storage.repository import Repository


async def get_bank(request: Request) -> Bank:
    """The current bank. The dependencies here are `async` because they are cheap: a sync one would cost each
    request a hop to a thread. Only a watching store (dev) reads the disk, so only it is asked on a thread."""
    store = request.app.state.bank_store
    return await run_in_threadpool(store.get) if store.watch else store.get()


def client_of(request: Request) -> str:
    """Who a check is for, so clients take turns (app/fair_queue.py): the request's API key, else the learner of
    a validly signed cookie, else the client's address (a request without a cookie cannot make itself many)."""
    principal = getattr(request.state, "api_key", None)
    if principal is not None:
        return f"key:{principal.public_id}"
    if not getattr(request.state, "learner_fresh", True):  # the cookie's signature, checked by the middleware
        return f"learner:{request.state.learner_id}"
    return f"ip:{request.client.host if request.client else 'unknown'}"


async def get_checker(request: Request) -> Checker:
    return request.app.state.checker.for_client(client_of(request))


BankDep = Annotated[Bank, Depends(get_bank)]
CheckerDep = Annotated[Checker, Depends(get_checker)]


async def valid_problem(problem_id: str, bank: BankDep) -> ProblemSpec:
    problem = bank.problems.get(problem_id)
    if problem is None:
        raise HTTPException(404, f"No problem with id {problem_id!r}.")
    return problem


ProblemDep = Annotated[ProblemSpec, Depends(valid_problem)]


async def get_repo(request: Request) -> AsyncIterator[Repository]:
    # Async: opening a session does no I/O and closing it only hands its connection back, so neither waits for
    # a thread of the pool while holding a connection (under load, that wait starves the pages of connections).
    with request.app.state.session_factory() as session:
        yield Repository(session)


RepoDep = Annotated[Repository, Depends(get_repo)]


def current_learner(request: Request) -> str:
    return request.state.learner_id


def learner_row(request: Request, repo: RepoDep) -> str:
    """The learner id, with its row created on first use (pages that read progress need none)."""
    repo.get_or_create_learner(request.state.learner_id)
    repo.release()  # the page runs on another thread trip: hold no connection in between
    return request.state.learner_id


LearnerDep = Annotated[str, Depends(current_learner)]
KnownLearnerDep = Annotated[str, Depends(learner_row)]


async def after_submit_hooks(request: Request) -> list[AfterSubmit]:
    """What runs after answers are recorded or graded (LTI grade passback registers itself here)."""
    hooks: list[AfterSubmit] = request.app.state.after_submit
    return hooks


AfterSubmitDep = Annotated[list[AfterSubmit], Depends(after_submit_hooks)]


async def get_clock(request: Request) -> Clock:
    """The app's clock (`create_app(clock=…)`; tests inject theirs): due dates are decided by it."""
    clock: Clock = request.app.state.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]


async def current_time(clock: ClockDep) -> datetime:
    return clock()


NowDep = Annotated[datetime, Depends(current_time)]


async def get_practice(
    repo: RepoDep, checker: CheckerDep, hooks: AfterSubmitDep, bank: BankDep, clock: ClockDep
) -> Practice:
    return Practice(repo, checker, hooks, bank=bank, clock=clock)


PracticeDep = Annotated[Practice, Depends(get_practice)]


T = TypeVar("T")


async def in_one_trip(repo: Repository, work: Callable[[], T]) -> T:
    """Run `work` (repository calls) in one trip to a thread and hand its connection back before returning.

    A request must never hold a database connection while it waits — for a thread, a checking worker or the
    client: under an exam-start burst the waiting requests would hold every connection of the pool while the
    threads that could use them wait for one (each gives up after the pool's 30 s).
    """

    def trip() -> T:
        try:
            return work()
        finally:
            repo.release()

    return await run_in_threadpool(trip)

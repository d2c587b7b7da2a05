"""Dependencies: load and validate what routes need, so routes stay thin."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from app.bank.loader import Bank
from app.bank.models import ProblemSpec
from app.checking import Checker


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

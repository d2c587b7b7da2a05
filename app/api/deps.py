"""Dependencies: load and validate what routes need, so routes stay thin."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.bank.loader import Bank
from app.bank.models import ProblemSpec
from app.checking import Checker
from app.web.identity import LEARNER_COOKIE


def get_bank(request: Request) -> Bank:
    return request.app.state.bank_store.get()


def client_of(request: Request) -> str:
    """Who a check is for, so clients take turns (app/fair_queue.py): the request's API key, else the learner of
    a validly signed cookie, else the client's address (a request without a cookie cannot make itself many)."""
    principal = getattr(request.state, "api_key", None)
    if principal is not None:
        return f"key:{principal.public_id}"
    learner = request.app.state.signer.learner(request.cookies.get(LEARNER_COOKIE))
    if learner is not None:
        return f"learner:{learner}"
    return f"ip:{request.client.host if request.client else 'unknown'}"


def get_checker(request: Request) -> Checker:
    return request.app.state.checker.for_client(client_of(request))


BankDep = Annotated[Bank, Depends(get_bank)]
CheckerDep = Annotated[Checker, Depends(get_checker)]


def valid_problem(problem_id: str, bank: BankDep) -> ProblemSpec:
    problem = bank.problems.get(problem_id)
    if problem is None:
        raise HTTPException(404, f"No problem with id {problem_id!r}.")
    return problem


ProblemDep = Annotated[ProblemSpec, Depends(valid_problem)]

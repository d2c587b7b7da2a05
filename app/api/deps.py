"""Dependencies: load and validate what routes need, so routes stay thin."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from app.bank.loader import Bank
from app.bank.models import ProblemSpec
from app.checking import Checker


def get_bank(request: Request) -> Bank:
    return request.app.state.bank_store.get()


def get_checker(request: Request) -> Checker:
    return request.app.state.checker


BankDep = Annotated[Bank, Depends(get_bank)]
CheckerDep = Annotated[Checker, Depends(get_checker)]


def valid_problem(problem_id: str, bank: BankDep) -> ProblemSpec:
    problem = bank.problems.get(problem_id)
    if problem is None:
        raise HTTPException(404, f"No problem with id {problem_id!r}.")
    return problem


ProblemDep = Annotated[ProblemSpec, Depends(valid_problem)]

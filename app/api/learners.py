"""/api/v1/learners: create a learner, and read one learner's progress per set and problem.

A learner id is 32 lowercase hex digits (`uuid4().hex`). Integrators may mint their own and submit with it (the
learner is created on the first submission), or ask `POST /api/v1/learners` for one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import BaseModel, Field

from app.api.auth import SECURED, Principal, problem_doc, require
from app.deps import BankDep, RepoDep
from app.scoring import set_points
from app.storage.models import Learner
from app.storage.repository import Repository

LEARNER_ID = r"^[0-9a-f]{32}$"

router = APIRouter(prefix="/api/v1", tags=["learners"], responses=SECURED)


LearnerId = Annotated[str, Path(pattern=LEARNER_ID, description="32 lowercase hex digits.")]


def known_learner(repo: Repository, learner_id: str) -> Learner:
    learner = repo.session.get(Learner, learner_id)
    if learner is None:
        raise HTTPException(404, f"No learner with id {learner_id!r}.")
    return learner


class LearnerCreate(BaseModel):
    display_name: str | None = Field(None, max_length=200, description="How grade reports name the learner.")


class LearnerPublic(BaseModel):
    id: str = Field(description="The learner id: 32 lowercase hex digits.")
    created_at: datetime
    display_name: str | None
    lti_issuer: str | None = Field(description="The LTI platform (`iss`) that launched this learner, if any.")
    lti_subject: str | None = Field(description="The learner's LTI user id (`sub`) on that platform.")


class ProblemProgressOut(BaseModel):
    id: str
    title: str
    status: str = Field(description="`not started`, `partly correct` or `done` (every part correct).")
    score: float = Field(description="Sum over parts of the best counted score × points.")
    max_score: float
    parts_solved: int
    parts_total: int


class SetProgress(BaseModel):
    id: str
    score: float
    max_score: float
    problems: list[ProblemProgressOut]


class LearnerProgress(BaseModel):
    learner_id: str
    sets: list[SetProgress]


def public(learner: Learner) -> LearnerPublic:
    return LearnerPublic.model_validate(learner, from_attributes=True)


@router.post("/learners", response_model=LearnerPublic, status_code=201)
def create_learner(
    _: Annotated[Principal, Depends(require("submit"))], body: LearnerCreate, repo: RepoDep
) -> LearnerPublic:
    """A new learner, with a fresh id to submit with. Scope: `submit`."""
    learner = repo.get_or_create_learner()
    if body.display_name:
        learner.display_name = body.display_name
        repo.session.commit()
    return public(learner)


@router.get(
    "/learners/{learner_id}/progress",
    response_model=LearnerProgress,
    responses={404: problem_doc("No learner with this id.")},
)
def learner_progress(
    _: Annotated[Principal, Depends(require("progress:read"))], learner_id: LearnerId, bank: BankDep, repo: RepoDep
) -> LearnerProgress:
    """Per set and problem: status, score and maximum, from the learner's counted attempts. Scope: `progress:read`."""
    known_learner(repo, learner_id)
    sets = []
    for set_id, problems in set_points(bank).items():
        rows = [
            ProblemProgressOut(
                id=pid,
                title=bank.problems[pid].title,
                status=p.status,
                score=p.score,
                max_score=p.max_score,
                parts_solved=p.parts_solved,
                parts_total=p.parts_total,
            )
            for pid, p in repo.problem_progress(learner_id, problems).items()
        ]
        score, max_score = sum(r.score for r in rows), sum(r.max_score for r in rows)
        sets.append(SetProgress(id=set_id, score=score, max_score=max_score, problems=rows))
    return LearnerProgress(learner_id=learner_id, sets=sets)

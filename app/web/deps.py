"""Dependencies of the pages: templates, a repository per request, the current learner."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from app.storage.repository import Repository


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


def get_repo(request: Request) -> Iterator[Repository]:
    with request.app.state.session_factory() as session:
        yield Repository(session)


def current_learner(request: Request) -> str:
    return request.state.learner_id


def learner_row(request: Request, repo: Annotated[Repository, Depends(get_repo)]) -> str:
    """The learner id, with its row created on first use (pages that read progress need none)."""
    repo.get_or_create_learner(request.state.learner_id)
    return request.state.learner_id


RepoDep = Annotated[Repository, Depends(get_repo)]
LearnerDep = Annotated[str, Depends(current_learner)]
KnownLearnerDep = Annotated[str, Depends(learner_row)]

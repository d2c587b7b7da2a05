"""Dependencies of the pages: templates, a repository per request, the current learner."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from app.storage.repository import Repository

T = TypeVar("T")


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status_code)


async def get_repo(request: Request) -> AsyncIterator[Repository]:
    # Async: opening a session does no I/O and closing it only hands its connection back, so neither waits for
    # a thread of the pool while holding a connection (under load, that wait starves the pages of connections).
    with request.app.state.session_factory() as session:
        yield Repository(session)


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


def current_learner(request: Request) -> str:
    return request.state.learner_id


def learner_row(request: Request, repo: Annotated[Repository, Depends(get_repo)]) -> str:
    """The learner id, with its row created on first use (pages that read progress need none)."""
    repo.get_or_create_learner(request.state.learner_id)
    repo.release()  # the page runs on another thread trip: hold no connection in between
    return request.state.learner_id


RepoDep = Annotated[Repository, Depends(get_repo)]
LearnerDep = Annotated[str, Depends(current_learner)]
KnownLearnerDep = Annotated[str, Depends(learner_row)]

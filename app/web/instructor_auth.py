"""Who is an instructor: a server-side session (`app/storage/instructor_sessions.py`) whose random id travels in
the instructor cookie. It expires, it can be revoked (sign-out), and it carries its scope: the instructor token
opens everything; an LTI instructor launch opens only that registration's deployment and course (context).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from app.storage.instructor_sessions import Scope, open_session, revoke, session_scope
from app.storage.models import utcnow

INSTRUCTOR_COOKIE = "quiz_instructor"
SESSION_LIFETIME = timedelta(hours=12)


def start_session(request: Request, scope: Scope) -> str:
    """A new session for `scope`; its id goes in the cookie (in a worker thread: it writes)."""
    with request.app.state.session_factory() as session:
        return open_session(session, scope, utcnow(), SESSION_LIFETIME)


def end_session(request: Request) -> None:
    with request.app.state.session_factory() as session:
        revoke(session, request.cookies.get(INSTRUCTOR_COOKIE, ""), utcnow())


async def instructor_scope(request: Request) -> Scope | None:
    """The scope of the request's live instructor session, or None."""
    session_id = request.cookies.get(INSTRUCTOR_COOKIE, "")
    if not session_id:
        return None

    def lookup() -> Scope | None:
        with request.app.state.session_factory() as session:
            return session_scope(session, session_id, utcnow())

    return await run_in_threadpool(lookup)


async def require_instructor(request: Request) -> Scope:
    """A dependency: any live instructor session (token or LTI); its scope limits what the route shows."""
    scope = await instructor_scope(request)
    if scope is None:
        raise HTTPException(
            401, "Instructors only: open the tool from your course as an instructor, or sign in at /instructor/login."
        )
    return scope


InstructorScope = Annotated[Scope, Depends(require_instructor)]

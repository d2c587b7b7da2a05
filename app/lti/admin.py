"""`/instructor/lti`: what an instructor launch opens, the registered platforms, and the grade outbox — pending
and failed posts with their last error, and a button to send the failed ones again.

Open to an instructor session, from `/instructor/login` (sees everything) or from an instructor's LTI launch (the
LMS vouches for the role; sees only that course), so it works even where the token-protected pages are closed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app.lti import outbox_store, store
from app.lti.routes import ServiceDep
from app.storage.lti import LtiDeployment, LtiPlatform
from app.web.csrf import check_form_token
from app.web.instructor_auth import InstructorScope
from app.web.templating import render

router = APIRouter(prefix="/instructor/lti", include_in_schema=False, dependencies=[Depends(check_form_token)])


@router.get("")
async def overview(
    request: Request, lti: ServiceDep, scope: InstructorScope, target: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """What this instructor may see: with the token, everything; from an LTI launch, that course's posts and its
    own registration."""

    def load() -> tuple[list[outbox_store.OutboxRow], dict[str, int], list[tuple[LtiPlatform, list[LtiDeployment]]]]:
        with lti.sessions() as session:
            platforms = [p for p in store.all_platforms(session) if scope.everything or p[0].id == scope.platform_id]
            return outbox_store.rows(session, scope=scope), outbox_store.counts(session, scope), platforms

    rows, counts, platforms = await run_in_threadpool(load)
    kind, _colon, target_id = target.partition(":")
    opened = {"kind": kind, "id": target_id} if kind in ("set", "problem") and target_id else None
    context = {
        "rows": rows, "counts": counts, "platforms": platforms, "opened": opened,
        "previews": bool(request.app.state.settings.instructor_token),
    }  # fmt: skip
    return render(request, "lti/instructor.html", context)


@router.post("/retry")
async def retry_failed(request: Request, lti: ServiceDep, scope: InstructorScope) -> Response:
    def requeue() -> int:
        with lti.sessions() as session:
            return outbox_store.requeue_failed(session, lti.clock(), scope)

    if await run_in_threadpool(requeue):
        lti.wake()
    return RedirectResponse("/instructor/lti", status_code=303)

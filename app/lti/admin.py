"""`/instructor/lti`: what an instructor launch opens, the registered platforms, and the grade outbox — pending
and failed posts with their last error, and a button to send the failed ones again.

Open to the instructor cookie, signed by `/instructor/login` or by an instructor's LTI launch (the LMS vouches for
the role), so it works even where the token-protected instructor pages are closed.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from app.lti import outbox_store, store
from app.lti.errors import LtiError
from app.lti.routes import ServiceDep
from app.storage.lti import LtiDeployment, LtiPlatform
from app.web.csrf import check_form_token
from app.web.deps import render
from app.web.identity import INSTRUCTOR_COOKIE

router = APIRouter(prefix="/instructor/lti", include_in_schema=False, dependencies=[Depends(check_form_token)])


def require_instructor(request: Request) -> None:
    if not request.app.state.signer.instructor(request.cookies.get(INSTRUCTOR_COOKIE)):
        raise LtiError(
            401, "not-instructor", "Instructors only",
            "Open the tool from your course as an instructor, or sign in at /instructor/login.",
        )  # fmt: skip


Instructor = Annotated[None, Depends(require_instructor)]


@router.get("")
async def overview(
    request: Request, lti: ServiceDep, _: Instructor, target: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    def load() -> tuple[list[outbox_store.OutboxRow], dict[str, int], list[tuple[LtiPlatform, list[LtiDeployment]]]]:
        with lti.sessions() as session:
            return outbox_store.rows(session), outbox_store.counts(session), store.all_platforms(session)

    rows, counts, platforms = await run_in_threadpool(load)
    kind, _colon, target_id = target.partition(":")
    opened = {"kind": kind, "id": target_id} if kind in ("set", "problem") and target_id else None
    context = {
        "rows": rows, "counts": counts, "platforms": platforms, "opened": opened,
        "previews": bool(request.app.state.settings.instructor_token),
    }  # fmt: skip
    return render(request, "lti/instructor.html", context)


@router.post("/retry")
async def retry_failed(request: Request, lti: ServiceDep, _: Instructor) -> Response:
    def requeue() -> int:
        with lti.sessions() as session:
            return outbox_store.requeue_failed(session, lti.clock())

    if await run_in_threadpool(requeue):
        lti.wake()
    return RedirectResponse("/instructor/lti", status_code=303)

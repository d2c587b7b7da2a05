"""`install_lti(app)`: the LTI routes, their error pages, the grade hook and the outbox's background drainer,
added to the app that `app.main.create_app` builds."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import partial

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool

from app.bank.models import ProblemSpec
from app.lti import admin, routes
from app.lti.errors import LtiError, handle_lti_error
from app.lti.grades import graded, queue_grades
from app.lti.outbox import Drainer
from app.lti.service import LtiService

log = logging.getLogger(__name__)


def install_lti(app: FastAPI) -> None:
    """Set `app.state.lti` (the service) and `app.state.lti_outbox` (its drainer), register the grade hook on
    `app.state.after_submit` (called by the pages after each submission) and include the routers."""
    service = LtiService(app.state.settings, app.state.session_factory, app.state.bank_store)
    app.state.lti, app.state.lti_outbox = service, Drainer(service)
    app.state.after_submit.append(partial(after_submit, service))
    app.add_exception_handler(LtiError, handle_lti_error)
    lti = APIRouter(lifespan=_lifespan)
    lti.include_router(routes.router)
    lti.include_router(admin.router)
    app.include_router(lti)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """After the app's own start-up (migrations): register the platforms file, start draining the outbox."""
    service: LtiService = app.state.lti
    count = await run_in_threadpool(service.sync_platforms_file)
    if count:
        log.info("LTI: %d platform registration(s) read from %s", count, service.settings.lti_platforms_file)
    drainer = None
    if service.settings.lti_outbox_poll_seconds > 0:
        drainer = asyncio.create_task(app.state.lti_outbox.run(), name="lti-grade-outbox")
    try:
        yield
    finally:
        if drainer is not None:
            drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drainer
        await service.http.aclose()


async def after_submit(
    service: LtiService, learner_id: str, problem: ProblemSpec, verdicts: Mapping[str, object]
) -> None:
    """The grade hook: queue the learner's new grade for every LTI link covering the problem, then wake the
    drainer. A failure here is logged and never spoils the student's submission (nothing is lost: the next
    graded attempt queues the then current grade)."""
    if not graded(verdicts):
        return

    def queue() -> int:
        with service.sessions() as session:
            return queue_grades(session, service.settings, service.bank(), learner_id, problem.id, service.clock())

    try:
        queued = await run_in_threadpool(queue)
    except Exception:
        log.exception("LTI: could not queue the grade of learner %s after problem %s", learner_id, problem.id)
        return
    if queued:
        service.wake()

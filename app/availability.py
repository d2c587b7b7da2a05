"""Availability: a dependency that fails answers 503 (never a 500), and health checks an orchestrator can use.

- A database that cannot be reached (refused, dropped or timed-out connections, a locked or full SQLite file) is
  an outage, not a bug: the API answers 503 problem details (`service-unavailable`) and the pages a short HTML
  page, both with `Retry-After`, on a connection that stays open.
- `/healthz/live`: the process answers (restart it when this fails).
- `/healthz/ready`: the database answers, a checking worker is alive and, when configured, Redis answers (send no
  traffic while this is 503). `/healthz` stays what it was: "ok" and the number of live workers.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.concurrency import run_in_threadpool

from app.api.errors import problem_response
from app.settings import Settings

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
OUTAGES = (OperationalError, InterfaceError, PoolTimeout)
SERVICE_UNAVAILABLE = "tag:quizzes,2026:service-unavailable"
REDIS_TIMEOUT = 0.25  # seconds: a readiness probe must answer quickly even when Redis hangs


def install_availability(app: FastAPI) -> None:
    """The 503 handler for database outages and the three health routes."""
    for outage in OUTAGES:
        app.add_exception_handler(outage, _outage)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, object]:
        return {"status": "ok", "workers": app.state.checker.pool.alive}

    @app.get("/healthz/live", include_in_schema=False)
    def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/healthz/ready", include_in_schema=False)
    async def ready() -> JSONResponse:
        checks = {
            "database": await run_in_threadpool(_database_ok, app),
            "workers": app.state.checker.pool.alive > 0,
        }
        if app.state.settings.redis_url:
            checks["redis"] = await run_in_threadpool(_redis_ok, app.state.settings)
        ok = all(checks.values())
        body = {"status": "ready" if ok else "unavailable", "checks": checks}
        headers = None if ok else {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return JSONResponse(body, 200 if ok else 503, headers=headers)


async def _outage(request: Request, exc: Exception) -> Response:
    logger.warning("%s %s: database unavailable: %s", request.method, request.url.path, _short(exc))
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.url.path.startswith("/api/"):
        detail = "The service cannot reach its database right now; nothing was recorded. Retry later."
        return problem_response(request, 503, "Service unavailable", detail, headers=headers, type_=SERVICE_UNAVAILABLE)
    templates = request.app.state.templates
    context = {"retry_after": RETRY_AFTER_SECONDS, "method": request.method}
    return templates.TemplateResponse(request, "unavailable.html", context, status_code=503, headers=headers)


def _short(exc: Exception) -> str:
    orig: Any = getattr(exc, "orig", None)
    return str(orig or exc).strip().splitlines()[0] if str(orig or exc).strip() else type(exc).__name__


class DependencyMissing(RuntimeError):
    """A dependency a scaled-out instance needs cannot be reached at start."""


def check_shared_dependencies(app: FastAPI) -> None:
    """With QUIZ_SCALE_OUT, refuse to start until the shared PostgreSQL and Redis answer: an instance that came up
    without them would serve students state no other instance sees."""
    settings: Settings = app.state.settings
    if not settings.scale_out:
        return
    missing = [name for name, ok in (("PostgreSQL", _database_ok(app)), ("Redis", _redis_ok(settings))) if not ok]
    if missing:
        raise DependencyMissing(f"QUIZ_SCALE_OUT=1 but {' and '.join(missing)} cannot be reached; not starting.")


def _database_ok(app: FastAPI) -> bool:
    try:
        with app.state.session_factory() as session:
            session.execute(text("SELECT 1"))
    except OUTAGES as error:
        logger.warning("readiness: database unavailable: %s", _short(error))
        return False
    return True


def _redis_ok(settings: Settings) -> bool:
    import redis

    assert settings.redis_url is not None
    client = redis.Redis.from_url(
        settings.redis_url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
    )
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError) as error:
        logger.warning("readiness: Redis unavailable: %s", error)
        return False
    finally:
        client.close()

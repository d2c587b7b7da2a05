"""The ASGI application: `uvicorn app.main:app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from app.api import grades, learners, problem_view, problems, submissions
from app.api.errors import install_error_handlers
from app.availability import check_shared_dependencies, install_availability
from app.bank.store import BankStore
from app.checker import Checker
from app.limits import BodyLimitMiddleware
from app.lti.install import install_lti
from app.settings import Settings, get_settings, signing_key
from app.solution_policy import Clock
from app.storage.db import make_engine, migrate, session_factory
from app.storage.models import utcnow
from app.web import form_tokens, instructor, pages, site
from app.web.csrf import CrossSiteMiddleware
from app.web.csrf import form_token as csrf_token
from app.web.headers import FrameAncestors, SecurityHeadersMiddleware
from app.web.identity import LearnerCookieMiddleware, Signer
from app.web.templating import make_templates


def create_app(settings: Settings | None = None, clock: Clock = utcnow) -> FastAPI:
    """The app; `clock` tells the time where due dates are decided (tests inject theirs)."""
    settings = settings or get_settings()
    assert settings.database_url is not None  # filled in by the settings' validator
    engine = make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        check_shared_dependencies(app)  # QUIZ_SCALE_OUT: the shared PostgreSQL and Redis must answer
        if settings.migrate_on_start:
            migrate(engine)  # under a lock: N processes starting together migrate once (app/storage/db.py)
        if app.state.checker.pool.closed:  # a second run of the lifespan (tests) gets fresh workers
            app.state.checker = Checker(settings)
        app.state.checker.start()
        try:
            yield
        finally:
            app.state.checker.close()
            engine.dispose()

    app = FastAPI(
        title="Quizzes",
        version="0.1.0",
        lifespan=lifespan,
        description="Practice problems for deep-learning courses, checked on the spot.",
        docs_url=None,  # served by app.web.site from local files: no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock  # app.deps.ClockDep
    app.state.bank_store = BankStore(settings.problems_dir, watch=settings.dev)
    app.state.checker = Checker(settings)
    app.state.after_submit = []  # what runs after answers are recorded (LTI passback adds itself): app.deps
    app.state.session_factory = session_factory(engine)
    app.state.templates = make_templates(settings.templates_dir)
    app.state.templates.env.globals["csrf_token"] = csrf_token  # {{ csrf_token(request) }}: the form's CSRF token
    form_tokens.install(app.state.templates)  # {{ form_token() }}: the hidden idempotency token of every form
    app.state.signer = Signer(signing_key(settings))
    app.add_middleware(LearnerCookieMiddleware, signer=app.state.signer, secure=settings.secure_cookies)
    app.add_middleware(CrossSiteMiddleware)
    ancestors = FrameAncestors(app.state.session_factory, settings.frame_ancestors)
    app.add_middleware(SecurityHeadersMiddleware, ancestors=ancestors)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)  # outermost: before any work
    install_error_handlers(app)
    app.include_router(problems.router)
    app.include_router(pages.router)
    app.include_router(instructor.router)
    app.include_router(site.router)
    app.include_router(problem_view.router)
    app.include_router(learners.router)
    app.include_router(submissions.router)
    app.include_router(grades.router)
    install_lti(app)  # /lti/*, /instructor/lti, grade passback (docs/lti.md)
    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    install_availability(app)  # 503 on database outages; /healthz, /healthz/live, /healthz/ready
    return app


app = create_app()

"""The ASGI application: `uvicorn app.main:app`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import problems
from app.api.errors import install_error_handlers
from app.bank.store import BankStore
from app.checking import Checker
from app.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.checker.start()
        try:
            yield
        finally:
            app.state.checker.close()

    app = FastAPI(title="Quizzes", version="0.1.0", lifespan=lifespan,
                  description="Practice problems for deep-learning courses, checked on the spot.")  # fmt: skip
    app.state.settings = settings
    app.state.bank_store = BankStore(settings.problems_dir, watch=settings.dev)
    app.state.checker = Checker(settings)
    install_error_handlers(app)
    app.include_router(problems.router)

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, object]:
        return {"status": "ok", "workers": app.state.checker.pool.alive}

    return app


app = create_app()

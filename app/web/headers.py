"""Security headers on every response: a Content-Security-Policy, `X-Content-Type-Options: nosniff` and a
Referrer-Policy.

The policy allows scripts from this site only (no inline script, no eval: the pages' scripts are files in
/static), styles from this site (inline style attributes too: KaTeX lays out formulas with them), images and
fonts from this site or `data:`, and forms posted here or to an https URL (deep linking's answer goes to the
LMS). `frame-ancestors` lets the registered LMSs embed the tool: the origins of every registered platform's
issuer and login URL (read from the database, refreshed every minute), plus `QUIZ_FRAME_ANCESTORS` for LMS pages
served from another origin (Canvas cloud: `https://*.instructure.com`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.lti import store

REFRESH_SECONDS = 60.0
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self' https:; "
    "frame-ancestors 'self'"
)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


class FrameAncestors:
    """The origins allowed to frame the tool, cached for a minute."""

    def __init__(
        self, sessions: Callable[[], Session], extra: Iterable[str], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.sessions, self.extra, self.clock = sessions, list(extra), clock
        self._value, self._until = "", -1.0
        self._lock = asyncio.Lock()

    def _read(self) -> str:
        with self.sessions() as session:
            origins = {_origin(url) for p, _ in store.all_platforms(session) for url in (p.issuer, p.auth_login_url)}
        return " ".join(sorted({o for o in origins if o} | set(self.extra)))

    async def get(self) -> str:
        if self.clock() >= self._until:
            async with self._lock:
                if self.clock() >= self._until:
                    self._value, self._until = await run_in_threadpool(self._read), self.clock() + REFRESH_SECONDS
        return self._value


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, ancestors: FrameAncestors) -> None:
        self.app, self.ancestors = app, ancestors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            ancestors = await self.ancestors.get()
        except SQLAlchemyError:  # no LTI tables yet (before migrations): only this site may frame it
            ancestors = ""
        policy = f"{POLICY} {ancestors}".rstrip()

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = policy
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
            await send(message)

        await self.app(scope, receive, with_headers)

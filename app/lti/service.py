"""`LtiService`: what the LTI routes, the grade hook and the outbox share in one app process (on
`app.state.lti`): the settings, the sessions, one httpx client for every call to an LMS, the platforms' key
cache, the access-token cache, a clock (tests inject theirs) and the outbox's wake-up signal."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from fastapi import Request
from sqlalchemy.orm import Session, sessionmaker

from app.bank.loader import Bank
from app.bank.store import BankStore
from app.lti import store
from app.lti.ags import AgsClient, TokenCache
from app.lti.config import GRADE_POLICIES, load_platforms_file
from app.lti.jwks import PlatformKeys
from app.settings import Settings
from app.storage.models import utcnow


class LtiService:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        bank_store: BankStore,
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        bad = {s: p for s, p in settings.lti_set_grade_policies.items() if p not in GRADE_POLICIES}
        if bad:
            raise ValueError(f"QUIZ_LTI_SET_GRADE_POLICIES: each policy is best or latest, not {bad}")
        self.settings, self.sessions, self.bank_store, self.clock = settings, sessions, bank_store, clock
        self.tokens = TokenCache()
        self.wakeup = asyncio.Event()
        self.use_http(http or httpx.AsyncClient(timeout=settings.lti_http_timeout))

    def use_http(self, http: httpx.AsyncClient) -> None:
        """Send every LMS call through `http` (the tests give a client whose transport plays the LMS)."""
        self.http = http
        self.platform_keys = PlatformKeys(
            http, ttl=self.settings.lti_jwks_cache_seconds, timeout=self.settings.lti_http_timeout
        )
        self.ags = AgsClient(http, self.tokens, timeout=self.settings.lti_http_timeout)

    @property
    def key_grace(self) -> timedelta:
        return timedelta(hours=self.settings.lti_key_grace_hours)

    def bank(self) -> Bank:
        return self.bank_store.get()

    def tool_url(self, request: Request) -> str:
        """The public base URL: `QUIZ_LTI_TOOL_URL`, else the request's (right only without a proxy in front)."""
        return (self.settings.lti_tool_url or str(request.base_url)).rstrip("/")

    def wake(self) -> None:
        """Ask the background drainer to send what was just queued."""
        self.wakeup.set()

    def sync_platforms_file(self) -> int:
        """Register the platforms of `QUIZ_LTI_PLATFORMS_FILE` (at start-up); how many. CLI-added ones stay."""
        path = self.settings.lti_platforms_file
        if path is None:
            return 0
        configs = load_platforms_file(path)
        with self.sessions() as session:
            for config in configs:
                store.register(session, config, "file", self.clock())
        return len(configs)

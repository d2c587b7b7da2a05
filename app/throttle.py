"""Per-client rate limits on the anonymous doors to the checker: the stateless check and preview, and the pages'
answer posts.

Each request takes a token from two buckets: its learner's (the signed cookie) and its address's (the peer IP,
as the server sees it: behind a proxy run uvicorn with `--proxy-headers`). The address bucket is larger, since a
classroom may share one address; it stops a client that throws its cookie away. Requests made with an API key
are limited by the key's own bucket instead (`app/api/auth.py`). With `QUIZ_REDIS_URL` the buckets live in Redis
and every app process shares them; without it each process keeps its own.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from app.api.auth import PROBLEM_TYPE, AuthDep
from app.api.errors import ApiError
from app.api.ratelimit import Clock, MemoryBuckets, RateLimiter, RedisBuckets
from app.settings import Settings


@dataclass
class ClientLimits:
    by_learner: RateLimiter
    by_address: RateLimiter
    logins: RateLimiter  # instructor token sign-ins per address: a token must not be guessable by brute force

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> ClientLimits:
        """The limits the settings ask for; `clock` (in-process buckets only) lets a test stop time."""
        learner = (settings.client_rate_per_minute, settings.client_rate_burst)
        address = (settings.address_rate_per_minute, settings.address_rate_burst)
        logins = (settings.login_rate_per_minute, settings.login_rate_burst)
        if settings.redis_url:
            namespace = f"{settings.redis_namespace}:client"
            return cls(
                RedisBuckets(settings.redis_url, *learner, namespace=f"{namespace}:learner"),
                RedisBuckets(settings.redis_url, *address, namespace=f"{namespace}:address"),
                RedisBuckets(settings.redis_url, *logins, namespace=f"{namespace}:login"),
            )
        now = clock or time.monotonic
        return cls(MemoryBuckets(*learner, now), MemoryBuckets(*address, now), MemoryBuckets(*logins, now))

    @property
    def in_memory(self) -> bool:
        """Whether taking a token is a quick in-process step (no Redis round trip)."""
        return isinstance(self.by_address, MemoryBuckets)

    def take(self, learner_id: str | None, address: str) -> None:
        """One token from each bucket (the address's only, for a browser without a cookie yet), or a 429."""
        buckets = [(self.by_address, address, "address")]
        if learner_id is not None:
            buckets.append((self.by_learner, learner_id, "browser"))
        for limiter, key, whose in buckets:
            decision = limiter.acquire(key)
            if not decision.allowed:
                wait = decision.retry_after_header
                raise ApiError(
                    429, PROBLEM_TYPE + "rate-limited", "Too Many Requests",
                    f"Too many answers checked from this {whose} for now; retry after {wait} s.",
                    {"Retry-After": wait},
                )  # fmt: skip

    def take_login(self, address: str) -> None:
        decision = self.logins.acquire(address)
        if not decision.allowed:
            wait = decision.retry_after_header
            raise ApiError(
                429, PROBLEM_TYPE + "rate-limited", "Too Many Requests",
                f"Too many sign-in attempts from this address; retry after {wait} s.", {"Retry-After": wait},
            )  # fmt: skip

    def close(self) -> None:
        self.by_learner.close()
        self.by_address.close()
        self.logins.close()


_lock = threading.Lock()


def client_limits(request: Request) -> ClientLimits:
    """The app's limits, made on first use from its settings."""
    state = request.app.state
    with _lock:
        if getattr(state, "client_limits", None) is None:
            state.client_limits = ClientLimits.from_settings(state.settings)
        return state.client_limits


def throttle_client(request: Request) -> None:
    """A dependency: one token of this browser's and this address's buckets."""
    address = request.client.host if request.client else "unknown"
    known = not getattr(request.state, "learner_fresh", True)  # a new id each time would fill memory, not limit
    client_limits(request).take(request.state.learner_id if known else None, address)


async def throttle_anonymous(request: Request, principal: AuthDep) -> None:
    """A dependency for the open API routes: a request with a key is limited by the key's bucket instead.

    Async, so the check endpoint's requests take no hop to a thread for in-memory buckets; only Redis buckets,
    which wait on the network, are taken on a thread."""
    if principal is None:
        if client_limits(request).in_memory:
            throttle_client(request)
        else:
            await run_in_threadpool(throttle_client, request)


def throttle_login(request: Request) -> None:
    """A dependency: one token of this address's sign-in bucket."""
    client_limits(request).take_login(request.client.host if request.client else "unknown")


ThrottledClient = Annotated[None, Depends(throttle_client)]
ThrottledLogin = Annotated[None, Depends(throttle_login)]

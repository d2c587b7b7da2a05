"""Per-key rate limits: a token bucket per API key (`QUIZ_API_RATE_PER_MINUTE` refill, `QUIZ_API_RATE_BURST` size).

Each key's bucket holds up to `burst` tokens and refills continuously at `per_minute / 60` tokens a second; a
request takes one token, or is refused with the seconds until the next one (the 429's `Retry-After`).

`MemoryBuckets` keeps the buckets in the process: with several app processes (uvicorn `--workers`, several hosts)
each has its own, so a key may make up to that many times the limit. `RedisBuckets` (when `QUIZ_REDIS_URL` is set)
keeps them in Redis, updated atomically by a Lua script, so every process shares one bucket per key. Redis calls
have a short timeout and go through a circuit breaker: while Redis is unreachable or frozen, each process falls
back to its own buckets (one warning per outage) and tries Redis again every few seconds.
Clocks are injected, so the tests never sleep.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from app.circuit_breaker import CircuitBreaker
from app.settings import Settings

logger = logging.getLogger(__name__)
Clock = Callable[[], float]
REDIS_TIMEOUT = 0.1  # seconds: Redis answers in well under a millisecond; slower means it is in trouble


@dataclass(frozen=True)
class Decision:
    """Whether a request may go ahead; when not, how long until it may (seconds)."""

    allowed: bool
    remaining: int
    retry_after: float = 0.0

    @property
    def retry_after_header(self) -> str:
        """Whole seconds, rounded up and at least 1, as `Retry-After` wants them."""
        return str(max(1, math.ceil(self.retry_after)))


class RateLimiter(Protocol):
    def acquire(self, key: str) -> Decision: ...

    def close(self) -> None: ...


class _Bucket:
    """The refill arithmetic both backends share (the Lua script below spells the same steps)."""

    def __init__(self, per_minute: float, burst: int) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")
        self.rate, self.burst = per_minute / 60.0, burst

    def decide(self, tokens: float, allowed: bool) -> Decision:
        if allowed:
            return Decision(True, math.floor(tokens))
        return Decision(False, 0, (1.0 - tokens) / self.rate)


class MemoryBuckets(_Bucket):
    """Buckets in this process's memory (one small entry per key seen)."""

    def __init__(self, per_minute: float, burst: int, clock: Clock = time.monotonic) -> None:
        super().__init__(per_minute, burst)
        self.clock = clock
        self._state: dict[str, tuple[float, float]] = {}  # key → (tokens, when counted)
        self._lock = threading.Lock()

    def acquire(self, key: str) -> Decision:
        with self._lock:
            now = self.clock()
            tokens, then = self._state.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + max(0.0, now - then) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._state[key] = (tokens, now)
        return self.decide(tokens, allowed)

    def close(self) -> None:
        self._state.clear()


# KEYS[1] the bucket; ARGV rate (tokens/s), burst, now (s), ttl (s). Returns {allowed, tokens as text}: Lua numbers
# come back from Redis truncated to integers, text keeps the fraction. A clock behind the stored one refills nothing.
_TAKE = """
local rate, burst, now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil or at == nil then tokens, at = burst, now end
if now > at then tokens, at = math.min(burst, tokens + (now - at) * rate), now end
local allowed = 0
if tokens >= 1 then tokens, allowed = tokens - 1, 1 end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('EXPIRE', KEYS[1], ttl)
return {allowed, tostring(tokens)}
"""


class RedisBuckets(_Bucket):
    """Buckets in Redis, shared by every process; wall-clock time, since processes do not share a monotonic one."""

    def __init__(
        self,
        url: str,
        per_minute: float,
        burst: int,
        clock: Clock = time.time,
        namespace: str = "quizzes:rate",
        breaker: CircuitBreaker | None = None,
    ) -> None:
        super().__init__(per_minute, burst)
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.client: Any = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT, retry=Retry(NoBackoff(), 0)
        )
        self.clock, self.namespace = clock, namespace
        self.breaker = breaker or CircuitBreaker("Redis (rate limits: per process meanwhile)")
        self.fallback = MemoryBuckets(per_minute, burst)
        self._take = self.client.register_script(_TAKE)
        self._ttl = math.ceil(burst / self.rate) + 1  # a bucket idle this long is full again: forget it
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)

    def acquire(self, key: str) -> Decision:
        if not self.breaker.allow():
            return self.fallback.acquire(key)
        try:
            allowed, tokens = self._take(
                keys=[f"{self.namespace}:{key}"], args=[self.rate, self.burst, self.clock(), self._ttl]
            )
        except self._errors as error:
            self.breaker.failed(error)
            return self.fallback.acquire(key)
        self.breaker.succeeded()
        return self.decide(float(tokens), bool(int(allowed)))

    def close(self) -> None:
        self.client.close()
        self.fallback.close()


def make_limiter(settings: Settings) -> RateLimiter:
    """Redis-backed when `QUIZ_REDIS_URL` is set, else per process."""
    if settings.redis_url:
        return RedisBuckets(settings.redis_url, settings.api_rate_per_minute, settings.api_rate_burst)
    return MemoryBuckets(settings.api_rate_per_minute, settings.api_rate_burst)

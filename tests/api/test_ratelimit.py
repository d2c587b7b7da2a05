"""Token buckets, in memory and in the real Redis at 127.0.0.1:6379 (QUIZ_TEST_REDIS_URL; "" skips), with injected
clocks: no test sleeps."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from app.api.ratelimit import Decision, MemoryBuckets, RateLimiter, RedisBuckets, make_limiter
from app.circuit_breaker import CircuitBreaker
from app.settings import Settings

REDIS_URL = os.environ.get("QUIZ_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "redis"])
def bucket(request: pytest.FixtureRequest) -> Iterator[tuple[RateLimiter, FakeClock]]:
    """60 a minute (one a second), bursts of 3."""
    clock = FakeClock()
    if request.param == "memory":
        yield MemoryBuckets(per_minute=60, burst=3, clock=clock), clock
        return
    if not REDIS_URL:
        pytest.skip("QUIZ_TEST_REDIS_URL is empty")
    limiter = RedisBuckets(REDIS_URL, per_minute=60, burst=3, clock=clock, namespace=f"test:{uuid.uuid4().hex}")
    try:
        limiter.client.ping()
    except Exception as error:  # pragma: no cover - the machine provides Redis
        limiter.close()
        pytest.fail(f"Redis is not reachable at {REDIS_URL}: {error}")
    yield limiter, clock
    limiter.client.delete(*limiter.client.keys(f"{limiter.namespace}:*") or ["-"])
    limiter.close()


def test_a_burst_then_one_request_per_refill(bucket: tuple[RateLimiter, FakeClock]) -> None:
    limiter, clock = bucket
    assert [limiter.acquire("k") for _ in range(3)] == [Decision(True, 2), Decision(True, 1), Decision(True, 0)]
    refused = limiter.acquire("k")
    assert (refused.allowed, refused.retry_after_header) == (False, "1")
    assert refused.retry_after == pytest.approx(1.0)
    clock.now += 0.25
    assert limiter.acquire("k").retry_after == pytest.approx(0.75)  # refused requests take nothing
    clock.now += 0.75
    assert limiter.acquire("k").allowed
    assert not limiter.acquire("k").allowed


def test_keys_do_not_share_a_bucket_and_an_idle_bucket_fills_up_to_the_burst(
    bucket: tuple[RateLimiter, FakeClock],
) -> None:
    limiter, clock = bucket
    for _ in range(3):
        limiter.acquire("a")
    assert not limiter.acquire("a").allowed
    assert limiter.acquire("b").allowed
    clock.now += 3600
    assert [limiter.acquire("a").allowed for _ in range(4)] == [True, True, True, False]


def test_a_clock_running_behind_refills_nothing(bucket: tuple[RateLimiter, FakeClock]) -> None:
    limiter, clock = bucket
    for _ in range(3):
        limiter.acquire("k")
    clock.now -= 10  # another process's clock, a little behind
    assert not limiter.acquire("k").allowed


def test_redis_buckets_are_shared_between_processes() -> None:
    if not REDIS_URL:
        pytest.skip("QUIZ_TEST_REDIS_URL is empty")
    clock, namespace = FakeClock(), f"test:{uuid.uuid4().hex}"
    one, two = (RedisBuckets(REDIS_URL, 60, 2, clock=clock, namespace=namespace) for _ in range(2))
    try:
        assert one.acquire("k").allowed and two.acquire("k").allowed
        assert not one.acquire("k").allowed and not two.acquire("k").allowed
        # Forgotten once full again (2 s) plus a second. Redis counts the TTL down in real time, so only its bound
        # is certain: a slow machine may read it a second later.
        assert 0 < one.client.ttl(f"{namespace}:k") <= 3
    finally:
        one.client.delete(f"{namespace}:k")
        one.close()
        two.close()


def test_an_unreachable_redis_falls_back_to_per_process_limits_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = RedisBuckets("redis://127.0.0.1:1/0", per_minute=1, burst=1)
    try:
        assert [limiter.acquire("k").allowed for _ in range(3)] == [True, False, False]
    finally:
        limiter.close()
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1 and warnings[0].startswith("Redis (rate limits: per process meanwhile) unavailable")


@contextmanager
def frozen_redis() -> Iterator[tuple[str, socket.socket]]:
    """A "Redis" that accepts connections and never answers (a frozen server); yields its URL and socket."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as server:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0", server


def connections_made(server: socket.socket) -> int:
    server.setblocking(False)
    made = []
    while True:
        try:
            made.append(server.accept()[0])
        except BlockingIOError:
            break
    for connection in made:
        connection.close()
    return len(made)


def test_a_frozen_redis_is_asked_once_per_cooldown_and_warned_about_once(caplog: pytest.LogCaptureFixture) -> None:
    monotonic = FakeClock()
    with frozen_redis() as (url, server):
        breaker = CircuitBreaker("Redis", cooldown=5, clock=monotonic)
        limiter = RedisBuckets(url, per_minute=60, burst=100, breaker=breaker)
        try:
            assert all(limiter.acquire("k").allowed for _ in range(20))  # served by the per-process fallback
            assert connections_made(server) == 1 and breaker.is_open  # only the first request waited on Redis
            monotonic.now += 5
            assert all(limiter.acquire("k").allowed for _ in range(20))
            assert connections_made(server) == 1  # one more try after the cooldown, still frozen
        finally:
            limiter.close()
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        "Redis unavailable (Timeout reading from socket); trying again every 5 s"
    ]


def test_the_breaker_closes_when_redis_answers_again(caplog: pytest.LogCaptureFixture) -> None:
    if not REDIS_URL:
        pytest.skip("QUIZ_TEST_REDIS_URL is empty")
    monotonic = FakeClock()
    breaker = CircuitBreaker("Redis", cooldown=5, clock=monotonic)
    limiter = RedisBuckets(REDIS_URL, 60, 5, namespace=f"test:{uuid.uuid4().hex}", breaker=breaker)
    try:
        breaker.failed(ConnectionError("refused"))  # as during an outage
        assert limiter.acquire("k").allowed and breaker.is_open  # within the cooldown: Redis is not asked
        monotonic.now += 5
        assert limiter.acquire("k").allowed and not breaker.is_open
    finally:
        limiter.client.delete(f"{limiter.namespace}:k")
        limiter.close()
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [
        "Redis unavailable (refused); trying again every 5 s",
        "Redis is reachable again",
    ]


def test_the_settings_choose_the_backend(tmp_path) -> None:  # type: ignore[no-untyped-def]
    memory = make_limiter(Settings(data_dir=tmp_path, api_rate_per_minute=10, api_rate_burst=4))
    assert isinstance(memory, MemoryBuckets) and (memory.rate, memory.burst) == (10 / 60, 4)
    shared = make_limiter(Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:6379/0"))
    assert isinstance(shared, RedisBuckets)
    shared.close()
    with pytest.raises(ValueError, match="positive rate"):
        MemoryBuckets(per_minute=0, burst=1)

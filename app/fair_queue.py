"""Fair admission to the checking workers: each client (a learner, an API key or an IP address) queues behind its
own requests, and waiting clients are served in turn.

`FairQueue(capacity, per_client)` admits at most `capacity` tasks at once (one per worker) and at most `per_client`
of them for any one client, so a client sending expensive answers never holds the whole pool. When a slot frees,
it goes to the next waiting client in round-robin order, and within a client to its oldest request. So a client
with a hundred queued answers delays another client by at most one of them per worker, not by a hundred.

Admission is awaited on the event loop; the slot is released from any thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter, deque


class _Waiter:
    __slots__ = ("future", "granted")

    def __init__(self, future: asyncio.Future[None]) -> None:
        self.future, self.granted = future, False


class FairQueue:
    def __init__(self, capacity: int, per_client: int) -> None:
        if capacity < 1 or per_client < 1:
            raise ValueError("a fair queue needs a capacity and a per-client share of at least 1")
        self.capacity, self.per_client = capacity, per_client
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()
        self._waiting: dict[str, deque[_Waiter]] = {}  # its order is the round-robin order of the clients

    async def acquire(self, client: str, timeout: float) -> bool:
        """Wait for a slot for `client`, at most `timeout` seconds; False if none came in time."""
        with self._lock:
            if client not in self._waiting and self._may_run(client):
                self._running[client] += 1
                return True
            waiter = _Waiter(asyncio.get_running_loop().create_future())
            self._waiting.setdefault(client, deque()).append(waiter)
        try:
            await asyncio.wait_for(waiter.future, timeout)
            return True
        except TimeoutError:
            with self._lock:
                if waiter.granted:
                    return True  # granted as the wait ended: the slot is ours
                self._forget(client, waiter)
            return False
        except asyncio.CancelledError:  # the request went away while queued
            with self._lock:
                granted = waiter.granted
                if not granted:
                    self._forget(client, waiter)
            if granted:
                self.release(client)
            raise

    def release(self, client: str) -> None:
        """Give the slot back; the next waiting client in turn gets it."""
        with self._lock:
            self._running[client] -= 1
            if self._running[client] <= 0:
                del self._running[client]
            self._dispatch()

    @property
    def running(self) -> int:
        with self._lock:
            return self._total()

    def queued(self, client: str) -> int:
        with self._lock:
            return len(self._waiting.get(client, ()))

    # Under the lock

    def _total(self) -> int:
        return sum(self._running.values())

    def _may_run(self, client: str) -> bool:
        return self._total() < self.capacity and self._running[client] < self.per_client

    def _dispatch(self) -> None:
        while self._total() < self.capacity:
            client = next((c for c in self._waiting if self._running[c] < self.per_client), None)
            if client is None:
                return
            queue = self._waiting.pop(client)
            waiter = queue.popleft()
            if queue:
                self._waiting[client] = queue  # to the back of the round
            waiter.granted = True
            self._running[client] += 1
            waiter.future.get_loop().call_soon_threadsafe(_resolve, waiter.future)

    def _forget(self, client: str, waiter: _Waiter) -> None:
        queue = self._waiting.get(client)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            if not queue:
                del self._waiting[client]


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)

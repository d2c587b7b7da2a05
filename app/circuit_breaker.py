"""A circuit breaker for a dependency that may go away (Redis): after a failure, stop calling it for `cooldown`
seconds, then let one call through to see whether it is back.

One warning when the dependency goes away and one note when it is back: an outage is one log line, not one per
request. The clock is injected, so tests never sleep.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class CircuitBreaker:
    def __init__(self, name: str, cooldown: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.name, self.cooldown, self.clock = name, cooldown, clock
        self._lock = threading.Lock()
        self._open_until: float | None = None  # None: closed (calls go through)

    @property
    def is_open(self) -> bool:
        with self._lock:
            return self._open_until is not None

    def allow(self) -> bool:
        """Whether to call the dependency now: always while closed, once per cooldown while open."""
        with self._lock:
            if self._open_until is None:
                return True
            if self.clock() < self._open_until:
                return False
            self._open_until = self.clock() + self.cooldown  # this caller tries; the others keep waiting
            return True

    def succeeded(self) -> None:
        with self._lock:
            was_open, self._open_until = self._open_until is not None, None
        if was_open:
            logger.warning("%s is reachable again", self.name)

    def failed(self, error: BaseException) -> None:
        with self._lock:
            was_closed = self._open_until is None
            self._open_until = self.clock() + self.cooldown
        if was_closed:
            logger.warning("%s unavailable (%s); trying again every %g s", self.name, error, self.cooldown)

"""The problem bank as the service sees it: loaded once, or reloaded when a file changes in development mode."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from app.bank.loader import Bank, SpecError, load_bank, problem_files

logger = logging.getLogger(__name__)


class BankStore:
    """Holds the current `Bank`. With `watch`, a new or edited YAML file shows up on the next request."""

    def __init__(self, root: Path, watch: bool = False) -> None:
        self.root, self.watch = root, watch
        self._lock = threading.Lock()
        self._bank = load_bank(root)
        self._stamp = self._fingerprint()

    def _fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in problem_files(self.root))

    def get(self) -> Bank:
        if self.watch:
            stamp = self._fingerprint()
            if stamp != self._stamp:
                with self._lock:
                    self._stamp = stamp
                    try:
                        self._bank = load_bank(self.root)
                    except SpecError as error:  # keep serving the last good bank while the author fixes it
                        logger.error("problem files not reloaded:\n%s", error)
        return self._bank

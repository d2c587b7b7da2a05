"""The problem bank as the service sees it: loaded once, or reloaded when a file changes in development mode.

A reload checks each new or edited problem as `quizzes validate` does (schema, then the answers, mistakes and
gradients on every validated seed). A file that fails keeps its last good version in service; the failure is
logged and kept in `errors` for the instructor pages, so a wrong answer never goes live silently.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from app.bank.loader import SET_FILE, Bank, SpecError, load_bank, load_problem, load_set, problem_files
from app.bank.models import ProblemSpec
from app.bank.validate import DEFAULT_SEEDS, problem_failures

logger = logging.getLogger(__name__)


class BankStore:
    """Holds the current `Bank`. With `watch`, a new or edited YAML file shows up on the next request."""

    def __init__(self, root: Path, watch: bool = False, seeds: int = DEFAULT_SEEDS) -> None:
        self.root, self.watch, self.seeds = root, watch, seeds
        self._lock = threading.Lock()
        self._bank = load_bank(root)
        self._stamp = self._fingerprint()
        self.errors: dict[str, list[str]] = {}  # file → what keeps its new version out of service

    def _fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in problem_files(self.root))

    def get(self) -> Bank:
        if self.watch:
            stamp = self._fingerprint()
            if stamp != self._stamp:
                with self._lock:
                    if stamp != self._stamp:
                        self._stamp = stamp
                        self._bank, self.errors = self._reload(self._bank)
        return self._bank

    def _reload(self, old: Bank) -> tuple[Bank, dict[str, list[str]]]:
        bank, errors = Bank(), {}
        previous = {str(path): old.problems[pid] for pid, path in old.sources.items()}
        for path in problem_files(self.root):
            if path.name == SET_FILE:
                try:
                    spec = load_set(path)
                    bank.set_specs[spec.id] = spec
                except SpecError as error:
                    errors[str(path)] = [str(error)]
                    bank.set_specs.update({k: v for k, v in old.set_specs.items() if k not in bank.set_specs})
                continue
            failures, problem = self._check(path, old)
            if problem is not None and problem.id in bank.problems:
                failures.append(f"duplicate problem id {problem.id!r} (also in {bank.sources[problem.id]})")
            if failures:
                errors[str(path)] = failures
                logger.error("%s not reloaded; its last good version stays in service:\n%s", path, "\n".join(failures))
                problem = previous.get(str(path))
                if problem is None or problem.id in bank.problems:
                    continue
            assert problem is not None
            bank.problems[problem.id], bank.sources[problem.id] = problem, path
        return bank, errors

    def _check(self, path: Path, old: Bank) -> tuple[list[str], ProblemSpec | None]:
        try:
            problem = load_problem(path)
        except SpecError as error:
            return [str(error)], None
        if old.problems.get(problem.id) == problem:
            return [], problem  # unchanged: validated when it went into service
        return [f"{path}: {problem.id}: {m}" for m in problem_failures(problem, self.seeds)], problem

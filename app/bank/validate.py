"""`quizzes validate`: everything an author can get wrong, found before a student does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.bank.gradcheck import gradient_failures, moment_failures
from app.bank.loader import Bank, SpecError, line_of, load_bank
from app.bank.models import ProblemSpec
from app.bank.variants import make_variant
from app.engine.errors import AuthorError
from app.engine.parameters import render_text
from app.solution_policy import author_problems

DEFAULT_SEEDS = 20


@dataclass
class Report:
    checks: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


def validate_path(root: Path, seeds: int = DEFAULT_SEEDS) -> Report:
    report = Report()
    try:
        bank = load_bank(root)
    except SpecError as error:
        report.failures.extend(f"{path}:{line or 1}: {message}" for path, line, message in error.errors)
        return report
    _duplicate_labels(bank, report)
    _policy_failures(bank, report)
    for problem in bank:
        for message in problem_failures(problem, seeds, report):
            report.failures.append(f"{bank.sources[problem.id]}: {problem.id}: {message}")
    return report


def _duplicate_labels(bank: Bank, report: Report) -> None:
    seen: dict[tuple[str, str], str] = {}
    for problem in bank:
        for part in problem.parts:
            key = (problem.set, part.label)
            if key in seen:
                report.failures.append(f"{bank.sources[problem.id]}: label {part.label!r} also used by {seen[key]}")
            seen[key] = problem.id


def _policy_failures(bank: Bank, report: Report) -> None:
    """Parts whose own solution rules contradict their set's (`app.solution_policy.author_problems`)."""
    for problem in bank:
        source, set_spec = bank.sources[problem.id], bank.set_spec(problem.set)
        for i, part in enumerate(problem.parts):
            for message in author_problems(part, set_spec):
                line = line_of(source, ("parts", i, "max_attempts")) or 1
                report.failures.append(f"{source}:{line}: {problem.id}: part {part.id} ({part.label}): {message}")


def problem_failures(problem: ProblemSpec, seeds: int, report: Report | None = None) -> list[str]:
    """Every failure of a problem over `seeds` seeds, one message each, with the seeds where it happens."""
    report = report if report is not None else Report()
    found: dict[str, list[int]] = {}
    for seed in range(seeds):
        for message in _seed_failures(problem, seed, report):
            found.setdefault(message, []).append(seed)
    return [f"{message} ({_seeds(found[message], seeds)})" for message in found]


def _seeds(seeds: list[int], total: int) -> str:
    if len(seeds) == total and total > 3:
        return f"every seed 0–{total - 1}"
    return ("seed " if len(seeds) == 1 else "seeds ") + ", ".join(map(str, seeds))


def _seed_failures(problem: ProblemSpec, seed: int, report: Report) -> Iterator[str]:
    try:
        variant = make_variant(problem, seed)
    except AuthorError as error:
        yield str(error)
        return
    yield from _placeholder_failures(problem, dict(variant.params))
    report.checks += 1
    yield from gradient_failures(variant)
    yield from moment_failures(variant)
    for part in problem.parts:
        report.checks += 1
        where = f"part {part.id} ({part.label})"
        try:
            yield from (f"{where}: {m}" for m in _reference_failures(part, variant))
            yield from (f"{where}: {m}" for m in part.author_problems(variant))
        except AuthorError as error:
            yield f"{where}: {error}"


def _reference_failures(part: Any, variant: Any) -> Iterator[str]:
    """The author's answer must be graded correct; with a `target`, that is a check against the engine's truth."""
    answer = part.reference_answer(variant)
    if answer is None:
        return
    verdict = part.check(answer, variant)
    if verdict.status in ("correct", "saved"):  # saved: free text, graded by people
        return
    target = getattr(part, "target", None)
    against = f"the engine's value of `{target}`" if target else "the part's own answer key"
    claimed = getattr(part, "answer", answer)
    yield f"the answer {claimed!r} disagrees with {against}: graded {verdict.status}: {verdict.feedback}"


def _placeholder_failures(problem: ProblemSpec, params: dict) -> Iterator[str]:
    """Every `{{ name }}` in the texts students see must name a parameter."""
    texts = [("statement", problem.statement)]
    for part in problem.parts:
        texts += [(f"part {part.id} prompt", part.prompt), (f"part {part.id} solution", part.solution or "")]
        texts += [(f"part {part.id} hint {i + 1}", hint) for i, hint in enumerate(part.hints)]
    for where, text in texts:
        try:
            render_text(text, params)
        except AuthorError as error:
            yield f"{where}: {error}"

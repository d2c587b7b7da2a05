"""`quizzes validate`: everything an author can get wrong, found before a student does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.bank.loader import Bank, SpecError, load_bank
from app.bank.models import ProblemSpec
from app.bank.variants import make_variant, render_text
from app.engine.errors import AuthorError
from app.engine.reference import two_layer_network

DEFAULT_SEEDS = 20
GRADIENT_TRIALS = 3
GRADIENT_CHECKS = (("W1", "delta_W1"), ("b1", "delta_b1"), ("W2", "delta_W2"), ("b2", "delta_b2"))


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
    for problem in bank:
        for message in _problem_failures(problem, seeds, report):
            report.failures.append(f"{bank.sources[problem.id]}: {message}")
    report.checks += len(GRADIENT_CHECKS) * GRADIENT_TRIALS
    report.failures.extend(f"reference engine: {m}" for m in reference_gradient_failures())
    return report


def _duplicate_labels(bank: Bank, report: Report) -> None:
    seen: dict[tuple[str, str], str] = {}
    for problem in bank:
        for part in problem.parts:
            key = (problem.set, part.label)
            if key in seen:
                report.failures.append(
                    f"{bank.sources[problem.id]}: label {part.label!r} also used by {seen[key]}"
                )
            seen[key] = problem.id


def _problem_failures(problem: ProblemSpec, seeds: int, report: Report) -> Iterator[str]:
    for seed in range(seeds):
        try:
            variant = make_variant(problem, seed)
        except AuthorError as error:
            yield f"seed {seed}: {error}"
            continue
        yield from _placeholder_failures(problem, dict(variant.params), seed)
        for part in problem.parts:
            report.checks += 1
            where = f"part {part.id} ({part.label}), seed {seed}"
            try:
                verdict = part.check(part.reference_answer(variant), variant)
                if verdict.status not in ("correct", "saved"):  # saved: free text, graded by people
                    yield f"{where}: the reference answer is graded {verdict.status}: {verdict.feedback}"
                if seed < 2:  # mistakes and spec consistency: two variants are enough, each costs a check
                    yield from (f"{where}: {m}" for m in part.author_problems(variant))
            except AuthorError as error:
                yield f"{where}: {error}"


def _placeholder_failures(problem: ProblemSpec, params: dict, seed: int) -> Iterator[str]:
    """Every `{{ name }}` in the texts students see must name a parameter."""
    texts = [("statement", problem.statement)]
    for part in problem.parts:
        texts += [(f"part {part.id} prompt", part.prompt), (f"part {part.id} solution", part.solution or "")]
        texts += [(f"part {part.id} hint {i + 1}", hint) for i, hint in enumerate(part.hints)]
    for where, text in texts:
        try:
            render_text(text, params)
        except AuthorError as error:
            yield f"seed {seed}: {where}: {error}"


def reference_gradient_failures(trials: int = GRADIENT_TRIALS, h: float = 1e-6) -> list[str]:
    """The network's backward pass against central finite differences of its loss."""
    rng = np.random.default_rng(0)
    failures = []
    for trial in range(trials):
        params = {"x": rng.normal(size=(4, 1)), "W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=(3, 1)),
                  "W2": rng.normal(size=(1, 3)), "b2": float(rng.normal()), "y": float(trial % 2),
                  "alpha": 2.0, "beta": 0.5}  # fmt: skip
        grads = two_layer_network(**params)
        for name, delta in GRADIENT_CHECKS:
            numeric = _numeric_gradient(params, name, h)
            if not np.allclose(numeric, grads[delta], rtol=1e-4, atol=1e-6):
                failures.append(f"{delta} disagrees with finite differences (trial {trial})")
    return failures


def _numeric_gradient(params: dict, name: str, h: float) -> np.ndarray:
    value = np.array(params[name], dtype=float, ndmin=2)
    grad = np.zeros_like(value)
    for index in np.ndindex(value.shape):
        loss = []
        for step in (h, -h):
            shifted = value.copy()
            shifted[index] += step
            replaced = shifted if np.ndim(params[name]) else float(shifted[0, 0])
            loss.append(two_layer_network(**{**params, name: replaced})["loss"])
        grad[index] = (loss[0] - loss[1]) / (2 * h)
    return grad if np.ndim(params[name]) else grad[0, 0]

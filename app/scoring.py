"""The scoring rule, in one place: what counts, best or latest per part, forfeits, and weighting by points.

Every total — the problem and set pages, the learner progress API, the grades API and CSV, LTI grade passback —
reads a learner's counted attempts (`app.storage.scores.scored_attempts`) and totals them here:

- only counted attempts count (an answer that could not be read costs nothing and scores nothing);
- a part's score is that of its best counted attempt (or its latest one, under the `latest` policy), over every
  variant; a saved free-text answer scores what a person graded it (0 until graded);
- a part is solved by a correct answer, or for free text by a graded one;
- a part whose solution the learner asked to see (a give-up) scores 0, whatever came before or after;
- a problem's score is Σ points × part score; it is "done" once every part is solved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from app.bank.models import ProblemSpec
from app.engine.verdict import Verdict

Policy = Literal["best", "latest"]
POLICIES: tuple[Policy, ...] = ("best", "latest")
Key = tuple[str, str]  # (problem id, part id)
Points = Mapping[str, Mapping[str, float]]  # problem → part → points


@dataclass(frozen=True)
class ScoredAttempt:
    """What scoring needs of one counted attempt."""

    problem_id: str
    part_id: str
    attempt_id: int
    score: float
    status: str
    graded_by: str | None = None

    @property
    def solves(self) -> bool:
        return self.status == "correct" or (self.status == "saved" and self.graded_by is not None)


@dataclass(frozen=True)
class PartScore:
    score: float  # 0 to 1, the share of the part's points that counts
    solved: bool
    forfeited: bool = False


@dataclass(frozen=True)
class ProblemScore:
    status: Literal["not started", "partly correct", "done"]
    score: float
    max_score: float
    parts_solved: int
    parts_total: int


def part_scores(
    attempts: Iterable[ScoredAttempt], forfeited: Iterable[Key] = (), policy: Policy = "best"
) -> dict[Key, PartScore]:
    """(problem, part) → the score that counts, for every part with a counted attempt or a give-up."""
    if policy not in POLICIES:
        raise ValueError(f"a grade policy is best or latest, not {policy!r}")
    chosen: dict[Key, ScoredAttempt] = {}
    solved: set[Key] = set()
    for attempt in attempts:
        key = (attempt.problem_id, attempt.part_id)
        if attempt.solves:
            solved.add(key)
        held = chosen.get(key)
        if held is None or _better(attempt, held, policy):
            chosen[key] = attempt
    scores = {key: PartScore(a.score, key in solved) for key, a in chosen.items()}
    for key in forfeited:
        scores[key] = PartScore(0.0, key in solved, forfeited=True)
    return scores


def _better(candidate: ScoredAttempt, held: ScoredAttempt, policy: Policy) -> bool:
    if policy == "latest":
        return candidate.attempt_id > held.attempt_id
    return candidate.score > held.score


def problem_score(problem_id: str, points: Mapping[str, float], scores: Mapping[Key, PartScore]) -> ProblemScore:
    tried = [scores[problem_id, part] for part in points if (problem_id, part) in scores]
    earned = sum(pts * scores[problem_id, part].score for part, pts in points.items() if (problem_id, part) in scores)
    solved = sum(1 for s in tried if s.solved)
    status: Literal["not started", "partly correct", "done"] = (
        "not started" if not tried else "done" if solved == len(points) else "partly correct"
    )
    return ProblemScore(status, earned, float(sum(points.values())), solved, len(points))


def total(points: Points, scores: Mapping[Key, PartScore]) -> tuple[float, float]:
    """(earned, maximum) over every part of `points`."""
    earned = sum(
        pts * scores[problem, part].score
        for problem, parts in points.items()
        for part, pts in parts.items()
        if (problem, part) in scores
    )
    return earned, float(sum(sum(parts.values()) for parts in points.values()))


def set_points(problems: Iterable[ProblemSpec]) -> dict[str, dict[str, dict[str, float]]]:
    """What each part is worth: set → problem → part → points, in the order given (the bank's)."""
    sets: dict[str, dict[str, dict[str, float]]] = {}
    for problem in problems:
        sets.setdefault(problem.set, {})[problem.id] = {part.id: part.points for part in problem.parts}
    return sets


def verdicts_score(problem: ProblemSpec, verdicts: Mapping[str, Verdict]) -> float:
    """Points earned by one set of verdicts (a check's reply): each part's share of its points."""
    return sum(problem.part(pid).points * v.score for pid, v in verdicts.items())

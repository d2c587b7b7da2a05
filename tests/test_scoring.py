"""The scoring rule (app/scoring.py), which every total uses: pages, progress API, grades API/CSV and LTI."""

from __future__ import annotations

import pytest

from app.scoring import PartScore, ScoredAttempt, part_scores, problem_score, total


def attempt(n: int, part: str, score: float, status: str = "incorrect", graded_by: str | None = None) -> ScoredAttempt:
    return ScoredAttempt("p", part, n, score, status, graded_by)


HISTORY = [
    attempt(1, "a", 0.5),
    attempt(2, "a", 1.0, "correct"),
    attempt(3, "a", 0.0),
    attempt(4, "why", 0.0, "saved"),
    attempt(5, "why", 0.5, "saved", "self"),
]


@pytest.mark.parametrize(
    ("policy", "forfeited", "expected"),
    [
        ("best", set(), {"a": PartScore(1.0, True), "why": PartScore(0.5, True)}),
        ("latest", set(), {"a": PartScore(0.0, True), "why": PartScore(0.5, True)}),
        ("best", {("p", "a")}, {"a": PartScore(0.0, True, forfeited=True), "why": PartScore(0.5, True)}),
        (
            "best",
            {("p", "b")},
            {"a": PartScore(1.0, True), "why": PartScore(0.5, True), "b": PartScore(0, False, True)},
        ),
    ],
)
def test_part_scores(policy: str, forfeited: set[tuple[str, str]], expected: dict[str, PartScore]) -> None:
    scores = part_scores(HISTORY, forfeited, policy)  # type: ignore[arg-type]
    assert scores == {("p", part): s for part, s in expected.items()}


def test_a_saved_answer_scores_nothing_and_solves_nothing_until_graded() -> None:
    assert part_scores([attempt(1, "why", 0.0, "saved")]) == {("p", "why"): PartScore(0.0, False)}


def test_an_unknown_policy_is_refused() -> None:
    with pytest.raises(ValueError, match="best or latest"):
        part_scores(HISTORY, policy="worst")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("history", "status", "score", "solved"),
    [
        ([], "not started", 0.0, 0),
        ([attempt(1, "a", 0.5)], "partly correct", 1.0, 0),
        ([attempt(1, "a", 1.0, "correct"), attempt(2, "why", 0.0, "saved")], "partly correct", 2.0, 1),
        ([attempt(1, "a", 1.0, "correct"), attempt(2, "why", 0.25, "saved", "instructor")], "done", 3.0, 2),
    ],
)
def test_problem_score_weighs_parts_by_points(
    history: list[ScoredAttempt], status: str, score: float, solved: int
) -> None:
    result = problem_score("p", {"a": 2.0, "why": 4.0}, part_scores(history))
    assert (result.status, result.score, result.max_score, result.parts_solved, result.parts_total) == (
        status, score, 6.0, solved, 2,
    )  # fmt: skip


def test_total_over_problems() -> None:
    scores = part_scores([attempt(1, "a", 0.5), ScoredAttempt("q", "x", 2, 1.0, "correct")])
    assert total({"p": {"a": 2.0, "b": 1.0}, "q": {"x": 3.0}}, scores) == (4.0, 6.0)

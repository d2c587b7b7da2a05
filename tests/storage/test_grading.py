"""People's grades of saved (free-text) answers, on SQLite and PostgreSQL: written onto the attempt, counted by
progress, an instructor's grade standing over a self-assessment."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.engine.verdict import Verdict
from app.storage import Attempt, Repository
from app.storage.drafts import drafts_for, keep_drafts
from app.storage.grading import GradeRefused, grade, grading_queue, latest_saved

SAVED = Verdict(status="saved", score=0.0, reason="self_assessment", feedback="Saved, not graded.")
POINTS = {"p": {"why": 2.0, "calc": 1.0}}


def save(repo: Repository, learner: str, text: str, seed: int = 0) -> Attempt:
    return repo.record_attempt(learner, "p", "why", seed, text, SAVED, True)


def test_a_saved_answer_counts_as_an_attempt_but_scores_nothing_until_graded(repo: Repository) -> None:
    me = repo.get_or_create_learner().id
    save(repo, me, "asdf")
    summary = repo.part_summaries(me, "p")["why"]
    assert (summary.last_status, summary.attempts_used, summary.best_score, summary.solved) == ("saved", 1, 0.0, False)
    assert repo.problem_progress(me, POINTS)["p"].score == 0.0


def test_a_graded_answer_scores_and_solves_the_part(repo: Repository) -> None:
    me = repo.get_or_create_learner().id
    repo.record_attempt(me, "p", "calc", 0, "1", Verdict.correct(), True)
    grade(repo.session, save(repo, me, "The gradient is zero."), 0.5, "self")
    summary = repo.part_summaries(me, "p")["why"]
    assert (summary.best_score, summary.solved, summary.last_graded_by) == (0.5, True, "self")
    progress = repo.problem_progress(me, POINTS)["p"]
    assert (progress.status, progress.score) == ("done", 2.0)


def test_an_instructors_grade_stands_over_a_self_assessment(repo: Repository) -> None:
    me = repo.get_or_create_learner().id
    attempt = grade(repo.session, save(repo, me, "answer"), 0.25, "instructor", "Say more.")
    with pytest.raises(GradeRefused, match="their grade stands"):
        grade(repo.session, attempt, 1.0, "self")
    assert (attempt.score, attempt.grade_comment) == (0.25, "Say more.")


def test_only_saved_answers_are_graded_and_only_between_0_and_1(repo: Repository) -> None:
    me = repo.get_or_create_learner().id
    checked = repo.record_attempt(me, "p", "calc", 0, "1", Verdict.incorrect("No."), True)
    with pytest.raises(GradeRefused, match="Only saved"):
        grade(repo.session, checked, 1.0, "instructor")
    with pytest.raises(GradeRefused, match="between 0"):
        grade(repo.session, save(repo, me, "x"), 1.5, "instructor")


def test_the_database_refuses_an_unknown_status_or_grader(repo: Repository) -> None:
    me = repo.get_or_create_learner().id
    attempt_id = save(repo, me, "x").id
    for values in ({"status": "right"}, {"graded_by": "robot"}):
        with pytest.raises(IntegrityError):
            repo.session.execute(update(Attempt).where(Attempt.id == attempt_id).values(**values))
            repo.session.commit()
        repo.session.rollback()


def test_the_grading_queue_shows_each_learners_latest_answer_ungraded_first(repo: Repository) -> None:
    ann, bob = repo.get_or_create_learner().id, repo.get_or_create_learner().id
    save(repo, ann, "first try")
    grade(repo.session, save(repo, ann, "second try"), 1.0, "instructor")
    save(repo, bob, "bob's answer", seed=7)
    queue = grading_queue(repo.session, "p", "why")
    assert [(q.learner_id, q.answer, q.graded_by) for q in queue] == [
        (bob, "bob's answer", None),
        (ann, "second try", "instructor"),
    ]
    assert latest_saved(repo.session, bob, "p", "why", 7) is not None
    assert latest_saved(repo.session, bob, "p", "why", 0) is None


def test_drafts_are_kept_per_variant_replaced_and_cleared(repo: Repository) -> None:
    me = repo.get_or_create_learner().id
    keep_drafts(repo.session, me, "p", 0, {"why": "half a thought", "calc": ["A"]}, cleared=[])
    keep_drafts(repo.session, me, "p", 0, {"why": "a whole thought"}, cleared=["calc"])
    assert drafts_for(repo.session, me, "p", 0) == {"why": "a whole thought"}
    assert drafts_for(repo.session, me, "p", 3) == {}

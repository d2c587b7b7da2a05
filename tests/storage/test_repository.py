"""The repository, as the pages and the API use it (each test runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError

from app.engine.verdict import Verdict
from app.storage import PartSummary, ProblemProgress, Repository, WrongAnswer
from app.storage.repository import MAX_SEED, NewAttempt

P = "c147-w23-2"


def learner(repo: Repository) -> str:
    return repo.get_or_create_learner().id


def record(repo: Repository, learner_id: str, part: str, answer: object, verdict: Verdict, **kw: object) -> int:
    counted = verdict.status != "invalid"
    return repo.record_attempt(learner_id, kw.pop("problem", P), part, 0, answer, verdict, counted, **kw).id  # type: ignore[arg-type]


# Learners


def test_first_visit_creates_a_learner_and_later_visits_find_it(repo: Repository) -> None:
    first = repo.get_or_create_learner()
    assert len(first.id) == 32 and int(first.id, 16) >= 0
    assert first.created_at.tzinfo is UTC
    assert repo.get_or_create_learner(first.id).id == first.id


def test_a_cookie_id_unknown_to_the_database_becomes_that_learner(repo: Repository) -> None:
    cookie_id = "0123456789abcdef0123456789abcdef"
    assert repo.get_or_create_learner(cookie_id).id == cookie_id
    assert repo.get_or_create_learner(cookie_id).created_at is not None


def test_a_malformed_learner_id_is_refused(repo: Repository) -> None:
    with pytest.raises(ValueError, match="32 lowercase hex digits"):
        repo.get_or_create_learner("../admin")


def test_an_lti_launch_finds_or_creates_its_learner(repo: Repository) -> None:
    assert repo.learner_by_lti("https://canvas.example", "s-1", create=False) is None
    created = repo.learner_by_lti("https://canvas.example", "s-1")
    assert created is not None and created.lti_subject == "s-1"
    again = repo.learner_by_lti("https://canvas.example", "s-1", create=False)
    assert again is not None and again.id == created.id
    other = repo.learner_by_lti("https://other.example", "s-1")
    assert other is not None and other.id != created.id


def test_lti_learners_are_kept_apart_by_client_id_and_deployment(repo: Repository) -> None:
    def learner(client_id: str, deployment_id: str) -> str:
        found = repo.learner_by_lti("https://cloud.example", "s-2", client_id=client_id, deployment_id=deployment_id)
        assert found is not None
        return found.id

    ids = {learner("tenant-a", "1"), learner("tenant-b", "1"), learner("tenant-a", "2")}
    assert len(ids) == 3 and learner("tenant-a", "1") in ids


def test_a_learner_recorded_before_the_key_included_the_registration_is_adopted_once(repo: Repository) -> None:
    legacy = repo.learner_by_lti("https://one.example", "s-3")
    assert legacy is not None
    adopted = repo.learner_by_lti("https://one.example", "s-3", client_id="c", deployment_id="d", adopt_legacy=True)
    assert adopted is not None and adopted.id == legacy.id and adopted.lti_client_id == "c"
    elsewhere = repo.learner_by_lti("https://one.example", "s-3", client_id="c", deployment_id="e", adopt_legacy=True)
    assert elsewhere is not None and elsewhere.id != legacy.id


# Variants


def test_seed_0_first_then_a_new_variant_is_kept(repo: Repository) -> None:
    me = learner(repo)
    assert repo.seed_for(me, P) == 0
    assert repo.seed_for(me, P) == 0
    seed = repo.new_variant(me, P)
    assert 1 <= seed <= MAX_SEED
    assert repo.seed_for(me, P) == seed
    assert repo.seed_for(me, "other-problem") == 0


# Attempts


def test_invalid_answers_are_stored_but_not_counted(repo: Repository) -> None:
    me = learner(repo)
    record(repo, me, "a", "x @ W", Verdict.incorrect("Shapes differ.", "shape"))
    record(repo, me, "a", "x @@ W", Verdict.invalid("Could not read '@@'.", position=2))
    summary = repo.part_summaries(me, P)["a"]
    assert (summary.attempts_used, summary.submissions) == (1, 2)
    assert (summary.last_status, summary.last_position, summary.last_answer) == ("invalid", 2, "x @@ W")


def test_an_invalid_answer_cannot_be_counted(repo: Repository) -> None:
    me = learner(repo)
    with pytest.raises(ValueError, match="never counted"):
        repo.record_attempt(me, P, "a", 0, "?", Verdict.invalid("Could not read."), counted=True)


def test_a_repeated_idempotency_key_returns_the_first_attempt(repo: Repository) -> None:
    me, other = learner(repo), learner(repo)
    first = record(repo, me, "a", "x", Verdict.incorrect("No."), idempotency_key="k1")
    again = record(repo, me, "a", "changed", Verdict.correct(), idempotency_key="k1")
    assert again == first
    assert repo.part_summaries(me, P)["a"].submissions == 1
    assert record(repo, other, "a", "x", Verdict.correct(), idempotency_key="k1") != first


def test_an_attempt_needs_a_known_learner(repo: Repository) -> None:
    with pytest.raises(IntegrityError):
        repo.record_attempt("f" * 32, P, "a", 0, "x", Verdict.correct(), True)


def test_answers_keep_their_json_shape(repo: Repository) -> None:
    me = learner(repo)
    answers = {"a": "δ_W1 = x", "b": ["1", "2"], "c": {"rows": [[1, 0.5], [None, True]]}}
    for part, answer in answers.items():
        record(repo, me, part, answer, Verdict.incorrect("No."))
    assert {part: s.last_answer for part, s in repo.part_summaries(me, P).items()} == answers


def test_summaries_give_attempts_best_score_and_the_last_verdict(repo: Repository) -> None:
    me = learner(repo)
    record(repo, me, "a", "x", Verdict.incorrect("Half right.", "factor", score=0.5))
    record(repo, me, "a", "y", Verdict.correct(latex="y"))
    record(repo, me, "a", "z", Verdict.incorrect("Sign.", "sign"))
    record(repo, me, "b", "w", Verdict.incorrect("Transposed.", "transpose", latex="w^T"))
    summaries = repo.part_summaries(me, P)
    assert summaries["a"] == PartSummary(
        attempts_used=3,
        best_score=1.0,
        solved=True,
        submissions=3,
        last_status="incorrect",
        last_score=0.0,
        last_feedback="Sign.",
        last_reason="sign",
        last_latex=None,
        last_position=None,
        last_answer="z",
    )
    assert summaries["b"].last_verdict == Verdict.incorrect("Transposed.", "transpose", latex="w^T")
    assert not summaries["b"].solved
    assert repo.part_summaries(me, "other-problem") == {}


def test_summaries_at_a_seed_count_that_variant_only(repo: Repository) -> None:
    me = learner(repo)
    repo.record_attempt(me, P, "a", 0, "x", Verdict.correct(), True)
    repo.record_attempt(me, P, "a", 7, "y", Verdict.incorrect("No."), True)
    assert repo.part_summaries(me, P, seed=7)["a"].attempts_used == 1
    assert not repo.part_summaries(me, P, seed=7)["a"].solved
    assert repo.part_summaries(me, P)["a"].attempts_used == 2


# Hints


def test_hints_are_revealed_one_at_a_time_up_to_the_number_available(repo: Repository) -> None:
    me = learner(repo)
    assert repo.hints_revealed(me, P, "a") == 0
    assert [repo.reveal_hint(me, P, "a", available=2) for _ in range(3)] == [1, 2, 2]
    assert repo.reveal_hint(me, P, "b") == 1
    assert repo.hints_revealed(me, P, "a") == 2


# Progress


def test_progress_is_not_started_then_partly_correct_then_done(repo: Repository) -> None:
    me = learner(repo)
    points = {P: {"a": 2.0, "b": 1.0}, "p3": {"a": 4.0}}
    assert repo.problem_progress(me, points)[P] == ProblemProgress("not started", 0.0, 3.0, 0, 2)

    record(repo, me, "b", "?", Verdict.invalid("Could not read."))
    assert repo.problem_progress(me, points)[P].status == "not started"

    record(repo, me, "a", "x", Verdict.incorrect("Half.", score=0.5))
    assert repo.problem_progress(me, points)[P] == ProblemProgress("partly correct", 1.0, 3.0, 0, 2)

    record(repo, me, "a", "y", Verdict.correct())
    record(repo, me, "b", "z", Verdict.correct())
    record(repo, me, "b", "w", Verdict.incorrect("No."))
    progress = repo.problem_progress(me, points)
    assert progress[P] == ProblemProgress("done", 3.0, 3.0, 2, 2)
    assert progress["p3"] == ProblemProgress("not started", 0.0, 4.0, 0, 1)
    assert repo.problem_progress(me, {}) == {}


# Statistics


def test_statistics_count_learners_and_the_most_common_wrong_answers(repo: Repository) -> None:
    ann, bob, cat = learner(repo), learner(repo), learner(repo)
    wrong = Verdict.incorrect("δ_W1 is D_a1 × D_x.", "shape")
    for who, answer in [(ann, "x @ delta.T"), (bob, "x@delta.T"), (cat, " x  @delta.T ")]:
        record(repo, who, "a", answer, wrong)
    record(repo, ann, "a", "alpha y", Verdict.incorrect("Sign.", "sign"))
    record(repo, bob, "a", "alphay", Verdict.incorrect("Unknown name alphay.", "name"))
    record(repo, bob, "a", "alpha  y", Verdict.incorrect("Check the sign.", "sign"))
    for n in range(4):
        record(repo, cat, "a", f"rare{n}", Verdict.incorrect("No."))
    record(repo, ann, "a", "delta @ x.T", Verdict.correct())
    record(repo, cat, "a", "@@", Verdict.invalid("Could not read."))
    record(repo, ann, "b", ["1", " 2"], Verdict.incorrect("No."))
    record(repo, bob, "b", ["1", "2 "], Verdict.incorrect("No."))

    stats = repo.part_statistics(P)
    a = stats["a"]
    assert (a.attempts, a.learners, a.solved_by) == (11, 3, 1)
    assert a.share_correct == pytest.approx(1 / 11)
    assert a.common_wrong[:2] == (
        WrongAnswer("x@delta.T", 3, ("δ_W1 is D_a1 × D_x.",)),
        WrongAnswer("alpha y", 2, ("Sign.", "Check the sign.")),
    )
    assert len(a.common_wrong) == 5
    assert a.common_wrong[2] == WrongAnswer("alphay", 1, ("Unknown name alphay.",))
    record(repo, ann, "c", {"W": [[" 1", 2]], "b": "0 "}, Verdict.incorrect("No."))
    record(repo, bob, "c", {"b": "0", "W": [["1", 2]]}, Verdict.incorrect("No."))
    assert stats["b"].common_wrong == (WrongAnswer(["1", "2"], 2, ("No.",)),)
    assert repo.part_statistics(P)["c"].common_wrong == (WrongAnswer({"W": [["1", 2]], "b": "0"}, 2, ("No.",)),)
    assert repo.part_statistics("nobody-tried") == {}


def test_a_whole_problem_is_stored_in_one_transaction(engine: Engine, repo: Repository) -> None:
    me = repo.get_or_create_learner().id
    rows = [NewAttempt(f"part{i}", f"answer {i}", Verdict.correct(), True, f"k:part{i}") for i in range(7)]
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(engine, "commit", committed)
    try:
        stored = repo.record_attempts(me, "p", 0, rows)
    finally:
        event.remove(engine, "commit", committed)
    assert len(commits) == 1
    assert [a.part_id for a in stored] == [f"part{i}" for i in range(7)]
    again = repo.record_attempts(me, "p", 0, rows)  # the same submission again: the attempts that stand
    assert [a.id for a in again] == [a.id for a in stored]
    assert len(repo.part_summaries(me, "p")) == 7 and repo.part_summaries(me, "p")["part0"].attempts_used == 1

"""The solution policy: when a learner sees a part's solution, when "Show solution" is offered, and whether an
answer counts — from the part's fields over its set's, what the learner did, the due date and the time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from app.bank.models import SetSpec, SolutionPolicy
from app.kinds import IntegerPart, PartSpec, TextPart
from app.solution_policy import PartPolicy, Record, author_problems, part_policy, set_policy, standing

DUE = datetime(2026, 3, 6, 23, 59, tzinfo=timezone(timedelta(hours=-8)))
BEFORE, AFTER = DUE - timedelta(minutes=1), DUE + timedelta(minutes=1)


def part(**fields: Any) -> PartSpec:
    return IntegerPart(id="p", label="1a", answer="2", solution="Twice one.", **fields)


def set_spec(due: datetime | None = DUE, **rules: Any) -> SetSpec:
    return SetSpec(id="s", title="S", due=due, solutions=SolutionPolicy(**rules))


# --- a part's rules: its own fields over its set's ---------------------------------------------------------------


def test_a_part_that_writes_nothing_follows_its_set() -> None:
    policy = part_policy(part(), set_spec(after_attempts=3, on_request=True, after_due=False))
    assert policy == PartPolicy(max_attempts=None, after_attempts=3, on_request=True, after_due=False, due=DUE)


def test_a_part_that_writes_a_field_overrides_its_set_even_with_null_or_false() -> None:
    rules = set_spec(after_attempts=3, on_request=True)
    assert part_policy(part(solution_after=5), rules).after_attempts == 5
    assert part_policy(part(solution_after=None), rules).after_attempts is None  # only after a right answer
    assert part_policy(part(solution_on_request=False), rules).on_request is False
    assert part_policy(part(max_attempts=4), rules).max_attempts == 4  # the limit is the part's own


@pytest.mark.parametrize(
    ("policy", "words"),
    [
        (PartPolicy(), "Solutions: once you answer right."),
        (PartPolicy(after_attempts=3, on_request=True),
         "Solutions: after 3 attempts, or on request (forfeits the part's points)."),
        (PartPolicy(after_attempts=1, due=DUE), "Solutions: after 1 attempt, or after the due date."),
        (PartPolicy(max_attempts=2, on_request=True, due=DUE),
         "Solutions: after the 2 attempts allowed, on request (forfeits the part's points), or after the due date."),
        (PartPolicy(due=DUE, after_due=False), "Solutions: once you answer right."),
        (PartPolicy(after_attempts=0, on_request=True), "Solutions: shown from the start."),
    ],
)  # fmt: skip
def test_the_policy_in_words(policy: PartPolicy, words: str) -> None:
    assert policy.words() == words


def test_the_sets_words_are_those_of_a_part_that_overrides_nothing() -> None:
    rules = set_spec(after_attempts=3, on_request=True)
    assert set_policy(rules) == part_policy(part(), rules)


# --- where a learner stands ----------------------------------------------------------------------------------------


def test_before_any_answer_the_solution_is_hidden_and_offered_on_request() -> None:
    now = standing(part(), PartPolicy(on_request=True, due=DUE), Record(), BEFORE)
    assert (now.solution_shown, now.offers_solution, now.answering, now.attempts_left) == (False, True, "credit", None)


def test_a_right_answer_shows_the_solution_at_its_variant_only() -> None:
    policy = PartPolicy(on_request=True)
    here = standing(part(), policy, Record(attempts=1, solved=True, attempts_here=1, solved_here=True), BEFORE)
    elsewhere = standing(part(), policy, Record(attempts=1, solved=True), BEFORE)
    assert (here.solution_shown, here.offers_solution, here.answering) == (True, False, "credit")
    assert (elsewhere.solution_shown, elsewhere.answering) == (False, "credit")  # new numbers: not given away


def test_after_attempts_shows_the_solution_and_ends_credit_unless_solved() -> None:
    policy = PartPolicy(after_attempts=3)
    stuck = standing(part(), policy, Record(attempts=3, attempts_here=3), BEFORE)
    assert (stuck.solution_shown, stuck.answering, stuck.attempts_left) == (True, "practice", 0)
    solved = standing(part(), policy, Record(attempts=3, solved=True, attempts_here=3, solved_here=True), BEFORE)
    assert solved.answering == "credit"
    two = standing(part(), policy, Record(attempts=2, attempts_here=2), BEFORE)
    assert (two.solution_shown, two.answering) == (False, "credit")


def test_attempts_over_every_variant_end_credit_but_show_only_the_variant_worked_on() -> None:
    moved_on = standing(part(), PartPolicy(after_attempts=3), Record(attempts=3, attempts_here=0), BEFORE)
    assert (moved_on.solution_shown, moved_on.answering) == (False, "practice")


def test_used_up_attempts_close_the_part_and_show_its_solution_where_they_were_used() -> None:
    policy = PartPolicy(max_attempts=2)
    assert standing(part(), policy, Record(attempts=1, attempts_here=1), BEFORE).attempts_left == 1
    used_up = standing(part(), policy, Record(attempts=2, attempts_here=2), BEFORE)
    assert (used_up.solution_shown, used_up.answering, used_up.attempts_left) == (True, "closed", 0)
    new_variant = standing(part(), policy, Record(attempts=2), BEFORE)
    assert (new_variant.solution_shown, new_variant.answering) == (False, "closed")


def test_a_give_up_shows_the_solution_and_ends_credit() -> None:
    gave_up = standing(part(), PartPolicy(on_request=True), Record(gave_up=True), BEFORE)
    assert (gave_up.solution_shown, gave_up.offers_solution, gave_up.answering) == (True, False, "practice")


def test_after_the_due_date_solutions_show_by_the_policy_and_every_answer_is_practice() -> None:
    shown = standing(part(), PartPolicy(on_request=True, due=DUE), Record(), AFTER)
    assert (shown.past_due, shown.solution_shown, shown.offers_solution, shown.answering) == (
        True, True, False, "practice",
    )  # fmt: skip
    hidden = standing(part(), PartPolicy(on_request=True, due=DUE, after_due=False), Record(), AFTER)
    assert (hidden.solution_shown, hidden.offers_solution) == (False, False)  # a give-up would change a due grade
    closed_before = standing(part(), PartPolicy(max_attempts=1, due=DUE), Record(attempts=1), AFTER)
    assert (closed_before.answering, closed_before.attempts_left) == ("practice", 0)  # checkable again, for practice


def test_the_due_date_passes_at_its_very_minute_in_any_time_zone() -> None:
    policy = PartPolicy(due=DUE)
    assert not policy.past_due(DUE - timedelta(microseconds=1))
    assert policy.past_due(DUE)
    assert policy.past_due(datetime(2026, 3, 7, 7, 59, tzinfo=UTC))  # the same instant, in UTC


def test_a_free_text_part_shows_its_model_answer_once_an_answer_is_saved() -> None:
    text = TextPart(id="t", label="1e", model_answer="Because.")
    assert not standing(text, PartPolicy(), Record(), BEFORE).solution_shown
    assert standing(text, PartPolicy(), Record(attempts=1, attempts_here=1, answered_here=True), BEFORE).solution_shown


def test_an_instructor_sees_every_solution() -> None:
    assert standing(part(), PartPolicy(), Record(), BEFORE, instructor=True).solution_shown


def test_a_solution_shown_from_the_start_leaves_answers_counting() -> None:
    now = standing(part(), PartPolicy(after_attempts=0), Record(), BEFORE)
    assert (now.solution_shown, now.answering) == (True, "credit")


def test_show_solution_is_offered_only_for_a_part_with_something_to_show() -> None:
    bare = IntegerPart(id="p", label="1a", answer="2")
    assert not standing(bare, PartPolicy(on_request=True), Record(), BEFORE).offers_solution


# --- the anonymous check, and authors' mistakes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy", "now", "guarded"),
    [
        (PartPolicy(), BEFORE, False),
        (PartPolicy(max_attempts=2), BEFORE, True),
        (PartPolicy(after_attempts=3), BEFORE, True),
        (PartPolicy(after_attempts=0), BEFORE, False),  # shown from the start: nothing to get round
        (PartPolicy(max_attempts=2, due=DUE), AFTER, False),  # nothing counts any more
    ],
)
def test_the_anonymous_check_refuses_parts_whose_credit_it_would_get_round(
    policy: PartPolicy, now: datetime, guarded: bool
) -> None:
    assert policy.guards_check(now) is guarded


def test_a_limit_below_the_sets_after_attempts_is_an_authors_mistake() -> None:
    rules = set_spec(after_attempts=3)
    assert author_problems(part(max_attempts=2), rules) == [
        "max_attempts (2) is less than the set's solutions.after_attempts (3): the attempts run out first; give the "
        "part `solution_after: 2` (or less), or allow more attempts"
    ]
    assert author_problems(part(max_attempts=3), rules) == []
    assert author_problems(part(max_attempts=2, solution_after=2), rules) == []


def test_a_parts_own_solution_after_beyond_its_limit_is_refused_by_its_model() -> None:
    with pytest.raises(ValueError, match=r"solution_after \(4\) is more than max_attempts \(2\)"):
        part(max_attempts=2, solution_after=4)

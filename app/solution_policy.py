"""The solution policy, in one place: whether a learner sees a part's solution now, whether "Show solution" is
offered, and whether an answer still counts. Pages, the API and practice ask here; nothing else decides it.

A part's rules are its own fields over its set's `solutions:` (`app.bank.models.SolutionPolicy`): a part that
writes `solution_after` or `solution_on_request` (even as null or false) overrides the set; one that leaves them
out follows it. `max_attempts` is the part's own, and the due date is the set's.

The solution of the variant a learner works on shows when

- they answered it right (at this variant), or, for a kind that shows its model answer once answered (free text),
  saved an answer here;
- they made `after_attempts` counted attempts at this variant, or used up `max_attempts` here;
- they asked for it (a give-up: the part's points are forfeited, for good);
- the due date has passed and the policy says `after_due`;
- or an instructor looks.

Solutions show per variant, so drawing new numbers never shows theirs for free; attempts count over every variant,
so new numbers never give attempts back. "Show solution" is offered before the due date only (after it, a give-up
would change a grade already due).

An answer counts (uses an attempt, can score, reaches the LMS) unless:

- the due date has passed: it is checked for **practice**, recorded as late, and counts nothing;
- the part's `max_attempts` are used up (over every variant): it is refused (**closed**);
- the learner has not solved the part and has seen how: they asked for the solution, or made `after_attempts`
  (1 or more) counted attempts over every variant: it is checked for **practice** (copying a solution earns
  nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from app.bank.models import SetSpec
from app.kinds import PartSpec

Clock = Callable[[], datetime]  # the current time, timezone-aware (tests inject theirs)
Answering = Literal["credit", "practice", "closed"]


@dataclass(frozen=True)
class PartPolicy:
    """A part's rules, its own fields over its set's."""

    max_attempts: int | None = None
    after_attempts: int | None = None
    on_request: bool = False
    after_due: bool = True
    due: datetime | None = None

    def past_due(self, now: datetime) -> bool:
        return self.due is not None and now >= self.due

    def guards_check(self, now: datetime) -> bool:
        """Whether checking the part outside the problem page would get round a limit (the anonymous check API
        refuses it): attempts are limited, or the solution ends credit; after the due date nothing counts."""
        limited = self.max_attempts is not None or bool(self.after_attempts)
        return limited and not self.past_due(now)

    def words(self) -> str:
        """The rule as students read it: `Solutions: after 3 attempts, or on request (forfeits the part's points)`."""
        if self.after_attempts == 0:
            return "Solutions: shown from the start."
        ways = []
        if self.after_attempts is not None:
            ways.append(f"after {_attempts(self.after_attempts)}")
        elif self.max_attempts is not None:
            ways.append(f"after the {_attempts(self.max_attempts)} allowed")
        if self.on_request:
            ways.append("on request (forfeits the part's points)")
        if self.due is not None and self.after_due:
            ways.append("after the due date")
        if not ways:
            return "Solutions: once you answer right."
        return "Solutions: " + (", ".join(ways[:-1]) + ", or " if len(ways) > 1 else "") + ways[-1] + "."


def set_policy(set_spec: SetSpec) -> PartPolicy:
    """The rules of a part of the set that overrides nothing and has no attempt limit (what the set page says)."""
    rules = set_spec.solutions
    return PartPolicy(None, rules.after_attempts, rules.on_request, rules.after_due, set_spec.due)


def part_policy(part: PartSpec, set_spec: SetSpec) -> PartPolicy:
    own, inherited = part.model_fields_set, set_spec.solutions
    return PartPolicy(
        max_attempts=part.max_attempts,
        after_attempts=part.solution_after if "solution_after" in own else inherited.after_attempts,
        on_request=part.solution_on_request if "solution_on_request" in own else inherited.on_request,
        after_due=inherited.after_due,
        due=set_spec.due,
    )


class Summary(Protocol):
    """What `Record.of` reads of a learner's summary of a part (`app.storage.repository.PartSummary`)."""

    @property
    def attempts_used(self) -> int: ...
    @property
    def solved(self) -> bool: ...
    @property
    def last_status(self) -> str: ...


@dataclass(frozen=True)
class Record:
    """What a learner has done on a part: counted attempts over every variant, and what happened at the variant
    shown (solutions show per variant)."""

    attempts: int = 0
    solved: bool = False
    attempts_here: int = 0
    solved_here: bool = False  # a right answer at this variant, counted or for practice
    answered_here: bool = False  # a counted answer at this variant
    gave_up: bool = False

    @classmethod
    def of(cls, every_variant: Summary | None, here: Summary | None = None, gave_up: bool = False) -> Record:
        return cls(
            attempts=every_variant.attempts_used if every_variant else 0,
            solved=bool(every_variant and every_variant.solved),
            attempts_here=here.attempts_used if here else 0,
            solved_here=bool(here and (here.solved or here.last_status == "correct")),
            answered_here=bool(here and here.attempts_used > 0),
            gave_up=gave_up,
        )


@dataclass(frozen=True)
class Standing:
    """Where a learner stands on a part now, by its policy."""

    policy: PartPolicy
    past_due: bool
    solution_shown: bool
    offers_solution: bool
    answering: Answering
    attempts_left: int | None  # counted attempts left over every variant; None: unlimited; 0 once nothing counts

    @property
    def counts(self) -> bool:
        return self.answering == "credit"


def standing(
    part: PartSpec, policy: PartPolicy, record: Record, now: datetime, *, instructor: bool = False
) -> Standing:
    past_due = policy.past_due(now)
    shown = instructor or _solution_shown(part, policy, record, past_due)
    answering = _answering(policy, record, past_due)
    if answering != "credit":
        left: int | None = 0
    elif policy.max_attempts is None:
        left = None
    else:
        left = policy.max_attempts - record.attempts
    offers = policy.on_request and part.has_solution() and not shown and not past_due
    return Standing(policy, past_due, shown, offers, answering, left)


def _solution_shown(part: PartSpec, policy: PartPolicy, record: Record, past_due: bool) -> bool:
    if record.gave_up or record.solved_here or (part.solution_once_answered and record.answered_here):
        return True
    if policy.after_attempts is not None and record.attempts_here >= policy.after_attempts:
        return True
    if policy.max_attempts is not None and record.attempts_here >= policy.max_attempts:
        return True
    return past_due and policy.after_due


def _answering(policy: PartPolicy, record: Record, past_due: bool) -> Answering:
    if past_due:
        return "practice"
    if policy.max_attempts is not None and record.attempts >= policy.max_attempts:
        return "closed"
    seen = record.gave_up or (bool(policy.after_attempts) and record.attempts >= (policy.after_attempts or 0))
    return "practice" if seen and not record.solved else "credit"


def author_problems(part: PartSpec, set_spec: SetSpec) -> list[str]:
    """A part whose rules, with its set's, make no sense (its own fields alone are checked by its model)."""
    policy = part_policy(part, set_spec)
    if "solution_after" in part.model_fields_set or policy.max_attempts is None or policy.after_attempts is None:
        return []
    if policy.after_attempts > policy.max_attempts:
        return [
            f"max_attempts ({policy.max_attempts}) is less than the set's solutions.after_attempts "
            f"({policy.after_attempts}): the attempts run out first; give the part `solution_after: "
            f"{policy.max_attempts}` (or less), or allow more attempts"
        ]
    return []


def _attempts(n: int) -> str:
    return f"{n} attempt{'' if n == 1 else 's'}"

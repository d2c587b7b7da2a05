"""Practice: a learner answers parts of a problem; answers are checked in the worker pool and recorded.

A service between the web pages (or the API) and the engine + storage: routes stay thin. Whether an answer counts
is the solution policy's call (`app.solution_policy`): an invalid answer, and one checked for practice (after the
due date, or once the part's solution was seen), is stored but costs no attempt and scores nothing; a graded answer
is committed before the caller reports it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from starlette.concurrency import run_in_threadpool

from app.bank.loader import Bank
from app.bank.models import ProblemSpec
from app.checker import Checker, is_transient
from app.engine.verdict import Status, Verdict
from app.kinds import Answer
from app.limits import bound_answers
from app.solution_policy import Clock, Record, Standing, part_policy, standing
from app.storage.api_keys import attempts_by_key
from app.storage.models import Attempt
from app.storage.repository import NewAttempt, PartSummary, Repository
from app.storage.scores import forfeits

ATTEMPT_KEY_LENGTH = 100  # the length of Attempt.idempotency_key


@dataclass(frozen=True)
class Submission:
    """What one submission got: the variant it was checked at, a verdict per part checked (or refused), and which
    of them count (an answer checked for practice, or one that could not be read, does not)."""

    seed: int
    verdicts: dict[str, Verdict]
    counted: dict[str, bool] = field(default_factory=dict)
    late: bool = False  # sent after the set's due date: checked for practice only

    @property
    def unchecked(self) -> list[str]:
        """Parts that could not be checked right now (busy or crashed workers): retrying may check them."""
        return [part_id for part_id, verdict in self.verdicts.items() if is_transient(verdict)]


def part_key(idempotency_key: str, part_id: str) -> str:
    """The key of one part's attempt under a request's key: `key:part` (the part hashed if that is too long)."""
    derived = f"{idempotency_key}:{part_id}"
    if len(derived) <= ATTEMPT_KEY_LENGTH:
        return derived
    return f"{idempotency_key}:#{hashlib.blake2b(part_id.encode(), digest_size=12).hexdigest()}"


def stored_verdict(attempt: Attempt) -> Verdict:
    status: Status = attempt.status  # type: ignore[assignment]  # the table's check constraint
    return Verdict(
        status=status, score=attempt.score, feedback=attempt.feedback, reason=attempt.reason,
        latex=attempt.latex, position=attempt.position,
    )  # fmt: skip


def attempt_budgets(repo: Repository, learner_id: str, problem_id: str) -> dict[str, PartSummary]:
    """Each part's attempts over every variant of the problem (what the solution policy counts)."""
    return repo.part_summaries(learner_id, problem_id)


def is_blank(answer: Answer) -> bool:
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, list | tuple):  # an empty list is an answer: "none of these" in a select-all part
        return bool(answer) and all(is_blank(a) for a in answer)
    if isinstance(answer, dict):
        return all(is_blank(a) for a in answer.values())
    return False


AfterSubmit = Callable[[str, ProblemSpec, dict[str, Verdict]], Awaitable[None]]


class Practice:
    """`after_submit` hooks (e.g. LTI grade passback) run after answers that count are checked and recorded,
    whichever door they came in through (the pages or the REST API). `bank` gives each set's due date and solution
    policy; `clock` tells the time."""

    def __init__(
        self, repo: Repository, checker: Checker, after_submit: Sequence[AfterSubmit] = (), *, bank: Bank, clock: Clock
    ) -> None:
        self.repo, self.checker, self.after_submit = repo, checker, after_submit
        self.bank, self.clock = bank, clock

    async def submit(
        self,
        learner_id: str,
        problem: ProblemSpec,
        answers: Mapping[str, Answer],
        *,
        seed: int | None = None,
        idempotency_key: str | None = None,
    ) -> Submission:
        """Check and record the answered parts at the learner's current variant (or at `seed`); blank answers are
        skipped, and a part closed by its attempt limit is refused.

        With `idempotency_key`, each part's attempt is stored under `part_key(key, part)`: a retried submission
        finds the attempts already stored under the key and returns their verdicts, at their variant, without
        checking or counting again, and two identical submissions at once store one attempt per part.
        """
        bound_answers(answers, len(problem.parts))  # before anything is checked or stored
        keys = {pid: part_key(idempotency_key, pid) for pid in answers} if idempotency_key else {}
        variant_seed, earlier, standings = await run_in_threadpool(self._prepare, learner_id, problem, keys, seed)
        verdicts: dict[str, Verdict] = {}
        counted: dict[str, bool] = {}
        to_check: dict[str, Answer] = {}
        for part_id, answer in answers.items():
            if part_id in keys and (done := earlier.get(keys[part_id])) is not None:
                verdicts[part_id], counted[part_id] = stored_verdict(done), done.counted
                continue
            if standings[part_id].answering == "closed":
                verdicts[part_id] = Verdict.invalid("You have used every attempt for this part.", "no_attempts")
                counted[part_id] = False
            elif not is_blank(answer):
                to_check[part_id] = answer
        checked = await self.checker.check(problem, to_check, variant_seed)
        # A transient failure is shown (and kept, uncounted) but never under the key: a retry checks again.
        rows = [
            NewAttempt(part_id, to_check[part_id], verdict, verdict.status != "invalid" and standings[part_id].counts,
                       None if is_transient(verdict) else keys.get(part_id))
            for part_id, verdict in checked.items()
        ]  # fmt: skip
        stored = await run_in_threadpool(self.repo.record_attempts, learner_id, problem.id, variant_seed, rows)
        for row, attempt in zip(rows, stored, strict=True):
            # Under a key, the attempt that stands may be a concurrent duplicate's: report that one.
            verdicts[row.part_id] = stored_verdict(attempt) if row.key else row.verdict
            counted[row.part_id] = attempt.counted if row.key else row.counted
        if any(row.counted for row in rows):  # answers for practice change no grade
            for hook in self.after_submit:
                await hook(learner_id, problem, {pid: v for pid, v in verdicts.items() if counted.get(pid)})
        late = any(s.past_due for s in standings.values())
        return Submission(variant_seed, verdicts, counted, late)

    def _prepare(
        self, learner_id: str, problem: ProblemSpec, keys: Mapping[str, str], seed: int | None
    ) -> tuple[int, dict[str, Attempt], dict[str, Standing]]:
        """What checking needs, read in one trip to a thread: the connection goes back to the pool before the
        request waits for a worker, so requests queued for checks never hold the connections pages need."""
        try:
            self.repo.get_or_create_learner(learner_id)
            earlier = attempts_by_key(self.repo.session, learner_id, keys.values()) if keys else {}
            if earlier:
                seed = next(iter(earlier.values())).seed
            elif seed is None:
                seed = self.repo.seed_for(learner_id, problem.id)
            return int(seed), earlier, self._standings(learner_id, problem)
        finally:
            self.repo.release()

    async def standings(self, learner_id: str, problem: ProblemSpec) -> dict[str, Standing]:
        """Where the learner stands on each part now (attempts left, whether answers count), in one trip."""

        def read() -> dict[str, Standing]:
            try:
                return self._standings(learner_id, problem)
            finally:
                self.repo.release()

        return await run_in_threadpool(read)

    def _standings(self, learner_id: str, problem: ProblemSpec) -> dict[str, Standing]:
        budgets = attempt_budgets(self.repo, learner_id, problem.id)  # over every variant
        given_up = forfeits(self.repo.session, [learner_id], [problem.id])[learner_id]
        set_spec, now = self.bank.set_spec(problem.set), self.clock()
        return {
            part.id: standing(
                part,
                part_policy(part, set_spec),
                Record.of(budgets.get(part.id), gave_up=(problem.id, part.id) in given_up),
                now,
            )
            for part in problem.parts
        }

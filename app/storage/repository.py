"""The storage API the services use: learners, variants, attempts, hints, progress and statistics.

Every method that writes commits before it returns, so what a caller acknowledges has reached the database.
Inserts that may race (a learner's first visit, first assignment, first hint) are upserts, so two requests
at once cannot fail on a unique constraint. Supports SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import Select, Table, and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.engine.verdict import Status, Verdict
from app.storage.models import Assignment, Attempt, HintReveal, Learner, new_id, utcnow
from app.storage.statistics import PartStats, part_statistics

ProgressStatus = Literal["not started", "partly correct", "done"]
MAX_SEED = 2**31 - 1  # fits a 32-bit signed integer column
_LEARNER_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class PartSummary:
    """A learner's record on one part: counted attempts, best result, and the last submission (even invalid)."""

    attempts_used: int
    best_score: float
    solved: bool
    submissions: int
    last_status: Status
    last_score: float
    last_feedback: str
    last_reason: str
    last_latex: str | None
    last_position: int | None
    last_answer: Any

    @property
    def last_verdict(self) -> Verdict:
        return Verdict(
            status=self.last_status,
            score=self.last_score,
            feedback=self.last_feedback,
            reason=self.last_reason,
            latex=self.last_latex,
            position=self.last_position,
        )


@dataclass(frozen=True)
class ProblemProgress:
    """Where a learner stands on a problem; `score` is the sum over parts of best score × points."""

    status: ProgressStatus
    score: float
    max_score: float
    parts_solved: int
    parts_total: int


@dataclass(frozen=True)
class NewAttempt:
    """One part's answer of a submission, to be stored with its verdict (`Repository.record_attempts`)."""

    part_id: str
    answer: Any
    verdict: Verdict
    counted: bool
    key: str | None = None


def _attempt(learner_id: str, problem_id: str, seed: int, row: NewAttempt, now: Any) -> Attempt:
    verdict = row.verdict
    return Attempt(
        learner_id=learner_id, problem_id=problem_id, part_id=row.part_id, seed=seed, answer=row.answer,
        status=verdict.status, score=verdict.score, reason=verdict.reason, feedback=verdict.feedback,
        latex=verdict.latex, position=verdict.position, counted=row.counted, created_at=now, idempotency_key=row.key,
    )  # fmt: skip


class Repository:
    """Short, typed queries over one session (one per request)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # Learners

    def release(self) -> None:
        """End the current read transaction, so no connection idles in a transaction during a slow check."""
        self.session.close()

    def get_or_create_learner(self, learner_id: str | None = None) -> Learner:
        """The learner with this id, created on the first visit; a fresh learner when `learner_id` is None."""
        if learner_id is None:
            fresh = Learner(id=new_id(), created_at=utcnow())
            self.session.add(fresh)
            self.session.commit()
            return fresh
        if not _LEARNER_ID.match(learner_id):
            raise ValueError(f"a learner id is 32 lowercase hex digits, not {learner_id!r}")
        known = self.session.get(Learner, learner_id)
        if known is not None:
            return known
        self._insert_ignore(Learner, id=learner_id, created_at=utcnow())
        return self.session.scalars(select(Learner).where(Learner.id == learner_id)).one()

    def learner_by_lti(
        self,
        issuer: str,
        subject: str,
        create: bool = True,
        *,
        client_id: str | None = None,
        deployment_id: str | None = None,
        adopt_legacy: bool = False,
    ) -> Learner | None:
        """The learner a registration (issuer, client id) and deployment know as `sub`; created on the first launch
        unless `create` is False. With `adopt_legacy` (safe only when the issuer has one registration), a learner
        recorded before learners were keyed by client id and deployment takes this key instead of a new one."""
        key = {
            "lti_issuer": issuer,
            "lti_client_id": client_id,
            "lti_deployment_id": deployment_id,
            "lti_subject": subject,
        }
        query = select(Learner).where(*(getattr(Learner, column) == value for column, value in key.items()))
        learner = self.session.scalar(query)
        if learner is None and adopt_legacy and client_id is not None:
            legacy = self.session.scalar(
                select(Learner).where(
                    Learner.lti_issuer == issuer, Learner.lti_subject == subject, Learner.lti_client_id.is_(None)
                )
            )
            if legacy is not None:
                legacy.lti_client_id, legacy.lti_deployment_id = client_id, deployment_id
                self.session.commit()
                return legacy
        if learner is None and create:
            self._insert_ignore(Learner, id=new_id(), created_at=utcnow(), **key)
            learner = self.session.scalars(query).one()
        return learner

    # Variants

    def seed_for(self, learner_id: str, problem_id: str) -> int:
        """The learner's current variant of the problem; seed 0 (the exam as printed) the first time."""
        seed = self._seed(learner_id, problem_id)
        if seed is None:
            self._insert_ignore(Assignment, learner_id=learner_id, problem_id=problem_id, seed=0, assigned_at=utcnow())
            seed = self._seed(learner_id, problem_id)
            assert seed is not None  # inserted just now, or by a concurrent request
        return seed

    def new_variant(self, learner_id: str, problem_id: str) -> int:
        """Assign a fresh random seed (1 to 2**31 - 1) and keep it as the learner's current variant."""
        seed = secrets.randbelow(MAX_SEED) + 1
        values = {"seed": seed, "assigned_at": utcnow()}
        insert = self._insert(Assignment).values(learner_id=learner_id, problem_id=problem_id, **values)
        self.session.execute(insert.on_conflict_do_update(index_elements=["learner_id", "problem_id"], set_=values))
        self.session.commit()
        return seed

    def _seed(self, learner_id: str, problem_id: str) -> int | None:
        return self.session.scalar(
            select(Assignment.seed).where(Assignment.learner_id == learner_id, Assignment.problem_id == problem_id)
        )

    # Attempts

    def record_attempt(
        self,
        learner_id: str,
        problem_id: str,
        part_id: str,
        seed: int,
        answer: Any,
        verdict: Verdict,
        counted: bool,
        idempotency_key: str | None = None,
    ) -> Attempt:
        """Store an answer and its verdict, committed before returning.

        A key the learner has used before returns that earlier attempt and stores nothing (a retried request).
        """
        if counted and verdict.status == "invalid":
            raise ValueError("an invalid answer is stored but never counted as an attempt")
        if idempotency_key is not None and (earlier := self._by_key(learner_id, idempotency_key)) is not None:
            return earlier
        attempt = Attempt(
            learner_id=learner_id,
            problem_id=problem_id,
            part_id=part_id,
            seed=seed,
            answer=answer,
            status=verdict.status,
            score=verdict.score,
            reason=verdict.reason,
            feedback=verdict.feedback,
            latex=verdict.latex,
            position=verdict.position,
            counted=counted,
            created_at=utcnow(),
            idempotency_key=idempotency_key,
        )
        self.session.add(attempt)
        try:
            self.session.commit()
        except IntegrityError:
            self.session.rollback()
            # The same key, sent twice at once: the other request stored it first.
            if idempotency_key is not None and (earlier := self._by_key(learner_id, idempotency_key)) is not None:
                return earlier
            raise
        return attempt

    def record_attempts(self, learner_id: str, problem_id: str, seed: int, rows: list[NewAttempt]) -> list[Attempt]:
        """Store the answers of one submission in one transaction (one commit, one fsync), in `rows`' order.

        Should a keyed row collide with a concurrent duplicate of the request, the rows are stored one by one
        instead, each returning the attempt that stands (see `record_attempt`).
        """
        for row in rows:
            if row.counted and row.verdict.status == "invalid":
                raise ValueError("an invalid answer is stored but never counted as an attempt")
        keys = [row.key for row in rows if row.key is not None]
        if keys and self.session.scalar(
            select(func.count()).where(Attempt.learner_id == learner_id, Attempt.idempotency_key.in_(keys))
        ):
            return self._record_one_by_one(learner_id, problem_id, seed, rows)
        now = utcnow()
        attempts = [_attempt(learner_id, problem_id, seed, row, now) for row in rows]
        self.session.add_all(attempts)
        try:
            self.session.commit()
        except IntegrityError:
            self.session.rollback()
            return self._record_one_by_one(learner_id, problem_id, seed, rows)
        return attempts

    def _record_one_by_one(self, learner_id: str, problem_id: str, seed: int, rows: list[NewAttempt]) -> list[Attempt]:
        return [
            self.record_attempt(
                learner_id, problem_id, row.part_id, seed, row.answer, row.verdict, row.counted, row.key
            )
            for row in rows
        ]

    def _by_key(self, learner_id: str, idempotency_key: str) -> Attempt | None:
        return self.session.scalar(
            select(Attempt).where(Attempt.learner_id == learner_id, Attempt.idempotency_key == idempotency_key)
        )

    def part_summaries(self, learner_id: str, problem_id: str, seed: int | None = None) -> dict[str, PartSummary]:
        """A summary of every part the learner has submitted to, at `seed` only when one is given."""
        where = [Attempt.learner_id == learner_id, Attempt.problem_id == problem_id]
        if seed is not None:
            where.append(Attempt.seed == seed)
        totals = self.session.execute(
            select(
                Attempt.part_id,
                func.count().filter(Attempt.counted),
                func.max(Attempt.score).filter(Attempt.counted),
                func.count().filter(and_(Attempt.counted, Attempt.status == "correct")),
                func.count(),
                func.max(Attempt.id),
            )
            .where(*where)
            .group_by(Attempt.part_id)
        ).all()
        last_ids = [row[5] for row in totals]
        last = {a.part_id: a for a in self.session.scalars(select(Attempt).where(Attempt.id.in_(last_ids)))}
        return {
            part_id: PartSummary(
                attempts_used=used,
                best_score=best or 0.0,
                solved=n_correct > 0,
                submissions=submissions,
                last_status=cast(Status, last[part_id].status),
                last_score=last[part_id].score,
                last_feedback=last[part_id].feedback,
                last_reason=last[part_id].reason,
                last_latex=last[part_id].latex,
                last_position=last[part_id].position,
                last_answer=last[part_id].answer,
            )
            for part_id, used, best, n_correct, submissions, _ in totals
        }

    # Hints

    def reveal_hint(self, learner_id: str, problem_id: str, part_id: str, available: int | None = None) -> int:
        """Show one more hint (never more than `available`, when given); returns how many are now shown."""
        first = 1 if available is None else min(1, available)
        revealed = HintReveal.__table__.c.revealed
        insert = self._insert(HintReveal).values(
            learner_id=learner_id, problem_id=problem_id, part_id=part_id, revealed=first
        )
        self.session.execute(
            insert.on_conflict_do_update(
                index_elements=["learner_id", "problem_id", "part_id"],
                set_={"revealed": revealed + 1},
                where=None if available is None else revealed < available,
            )
        )
        self.session.commit()
        return self.hints_revealed(learner_id, problem_id, part_id)

    def hints_revealed(self, learner_id: str, problem_id: str, part_id: str) -> int:
        count = self.session.scalar(
            select(HintReveal.revealed).where(
                HintReveal.learner_id == learner_id,
                HintReveal.problem_id == problem_id,
                HintReveal.part_id == part_id,
            )
        )
        return count or 0

    # Progress and statistics

    def problem_progress(
        self, learner_id: str, problem_points: Mapping[str, Mapping[str, float]]
    ) -> dict[str, ProblemProgress]:
        """Progress on each problem of `problem_points` (problem → part → points), from counted attempts.

        "done" once every part has a correct answer, "not started" before the first counted attempt.
        """
        if not problem_points:
            return {}
        rows = self.session.execute(
            select(
                Attempt.problem_id,
                Attempt.part_id,
                func.max(Attempt.score),
                func.count().filter(Attempt.status == "correct"),
            )
            .where(Attempt.learner_id == learner_id, Attempt.counted, Attempt.problem_id.in_(list(problem_points)))
            .group_by(Attempt.problem_id, Attempt.part_id)
        ).all()
        best = {(problem_id, part_id): (score, n_correct > 0) for problem_id, part_id, score, n_correct in rows}
        progress = {}
        for problem_id, points in problem_points.items():
            tried = [best[problem_id, part_id] for part_id in points if (problem_id, part_id) in best]
            earned = sum(best[problem_id, p][0] * pts for p, pts in points.items() if (problem_id, p) in best)
            solved = sum(1 for _, ok in tried if ok)
            status: ProgressStatus = (
                "not started" if not tried else "done" if solved == len(points) else "partly correct"
            )
            progress[problem_id] = ProblemProgress(status, earned, float(sum(points.values())), solved, len(points))
        return progress

    def part_statistics(self, problem_id: str, learners: Select[Any] | None = None) -> dict[str, PartStats]:
        """Instructor statistics of every part with counted attempts (see `app.storage.statistics`)."""
        return part_statistics(self.session, problem_id, learners)

    # Upserts: the dialects spell INSERT … ON CONFLICT alike, but SQLAlchemy has one construct per dialect.

    def _insert(self, model: type[Any]) -> Any:
        table: Table = model.__table__
        dialect = self.session.get_bind().dialect.name
        if dialect == "postgresql":
            return postgresql.insert(table)
        if dialect == "sqlite":
            return sqlite.insert(table)
        raise NotImplementedError(f"storage supports SQLite and PostgreSQL, not {dialect}")

    def _insert_ignore(self, model: type[Any], **values: Any) -> None:
        self.session.execute(self._insert(model).values(**values).on_conflict_do_nothing())
        self.session.commit()

"""Grade reports: every learner who attempted a set of problems, with their best counted score on each part.

Pages are keyset-paginated by learner id (stable while new learners arrive). Scores are shares (0 to 1) per part;
the caller weighs them by the parts' points from the problem bank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.storage.models import Attempt, Learner


@dataclass(frozen=True)
class LearnerScores:
    """A learner and the best counted score (0 to 1) of each (problem, part) they attempted."""

    learner_id: str
    display_name: str | None
    lti_issuer: str | None
    lti_subject: str | None
    best: dict[tuple[str, str], float] = field(default_factory=dict)


def grade_page(
    session: Session, problem_ids: Sequence[str], after: str | None = None, limit: int = 100
) -> tuple[list[LearnerScores], bool]:
    """Up to `limit` learners with a counted attempt on one of `problem_ids`, by id after `after`; and whether
    more follow."""
    if not problem_ids:
        return [], False
    in_set = [Attempt.counted, Attempt.problem_id.in_(list(problem_ids))]
    query = select(Attempt.learner_id).where(*in_set).group_by(Attempt.learner_id).order_by(Attempt.learner_id)
    if after is not None:
        query = query.where(Attempt.learner_id > after)
    ids = list(session.scalars(query.limit(limit + 1)))
    more, ids = len(ids) > limit, ids[:limit]
    if not ids:
        return [], False
    learners = {row.id: row for row in session.scalars(select(Learner).where(Learner.id.in_(ids)))}
    rows = {
        lid: LearnerScores(lid, learners[lid].display_name, learners[lid].lti_issuer, learners[lid].lti_subject)
        for lid in ids
    }
    best = session.execute(
        select(Attempt.learner_id, Attempt.problem_id, Attempt.part_id, func.max(Attempt.score))
        .where(*in_set, Attempt.learner_id.in_(ids))
        .group_by(Attempt.learner_id, Attempt.problem_id, Attempt.part_id)
    )
    for learner_id, problem_id, part_id, score in best:
        rows[learner_id].best[problem_id, part_id] = float(score)
    return [rows[lid] for lid in ids], more

"""Grade reports: every learner who attempted a set of problems, with the score that counts on each part (the
best counted one, by `app.scoring`'s rule).

Pages are keyset-paginated by learner id (stable while new learners arrive). Scores are shares (0 to 1) per part;
the caller weighs them by the parts' points from the problem bank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.scoring import part_scores
from app.storage.models import Attempt, Learner
from app.storage.scores import forfeits, scored_attempts


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
    attempts, given_up = scored_attempts(session, ids, problem_ids), forfeits(session, ids, problem_ids)
    for learner_id in ids:
        scores = part_scores(attempts[learner_id], given_up[learner_id], "best")
        rows[learner_id].best.update({key: s.score for key, s in scores.items()})
    return [rows[lid] for lid in ids], more

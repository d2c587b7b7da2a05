"""What an LTI learner's grade is, and queueing it: after each graded attempt, the score of every linked set (or
problem) the attempt belongs to goes into the outbox (`app.lti.outbox` sends it).

The grade of a link is Σ over its parts of points × the part's score, where the part's score is that of its best
counted attempt or of its latest one: the policy, chosen per problem set (per deployment in the platforms file,
else `QUIZ_LTI_SET_GRADE_POLICIES`), else per deployment, else `QUIZ_LTI_GRADE_POLICY` (best by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.bank.loader import Bank
from app.lti.claims import SCOPE_SCORE
from app.lti.config import GRADE_POLICIES
from app.lti.store import launches_covering
from app.scoring import Policy
from app.settings import Settings
from app.storage.lti import LtiDeployment, LtiGradePost, LtiLaunch
from app.storage.scores import learner_part_scores

Points = dict[str, dict[str, float]]  # problem → part → points


@dataclass(frozen=True)
class Score:
    """A score as AGS sends it."""

    given: float
    maximum: float
    activity: str  # InProgress until every part has a counted attempt, then Completed
    grading: str = "FullyGraded"


def target_points(bank: Bank, kind: str, target_id: str) -> Points:
    """The parts (and their points) a link to a set or a problem is graded on; empty when it no longer exists."""
    chosen = [p for p in bank if (p.set if kind == "set" else p.id) == target_id]
    return {p.id: {part.id: float(part.points) for part in p.parts} for p in chosen}


def set_of(bank: Bank, kind: str, target_id: str) -> str:
    problem = bank.problems.get(target_id) if kind == "problem" else None
    return problem.set if problem is not None else target_id


def policy_for(settings: Settings, deployment: LtiDeployment | None, set_id: str) -> str:
    """best | latest for this set under this deployment (see the module's docstring for the order)."""
    candidates = [
        (deployment.set_grade_policies or {}).get(set_id) if deployment else None,
        settings.lti_set_grade_policies.get(set_id),
        deployment.grade_policy if deployment else None,
        settings.lti_grade_policy,
    ]
    policy = next(p for p in candidates if p)
    if policy not in GRADE_POLICIES:
        raise ValueError(f"grade policy for set {set_id!r} must be best or latest, not {policy!r}")
    return policy


def part_scores(session: Session, learner_id: str, problem_ids: list[str], policy: str) -> dict[tuple[str, str], float]:
    """(problem, part) → the score (0..1) that counts under `policy`, by `app.scoring`'s rule."""
    chosen: Policy = "latest" if policy == "latest" else "best"
    return {key: s.score for key, s in learner_part_scores(session, learner_id, problem_ids, chosen).items()}


def compute_score(session: Session, learner_id: str, points: Points, policy: str) -> Score:
    scores = part_scores(session, learner_id, list(points), policy)
    given = sum(
        pts * scores.get((problem, part), 0.0) for problem, parts in points.items() for part, pts in parts.items()
    )
    maximum = sum(sum(parts.values()) for parts in points.values())
    every_part = all((problem, part) in scores for problem, parts in points.items() for part in parts)
    return Score(round(given, 4), round(maximum, 4), "Completed" if every_part else "InProgress")


def enqueue(session: Session, launch: LtiLaunch, score: Score, now: datetime) -> LtiGradePost | None:
    """Queue `score` for the launch's line item, unless it is the score last queued there (never sent twice).
    A newer score supersedes one still pending or failed: only the latest matters to the gradebook."""
    last = session.scalar(
        select(LtiGradePost)
        .where(LtiGradePost.launch_id == launch.id, LtiGradePost.status != "superseded")
        .order_by(LtiGradePost.id.desc())
        .limit(1)
    )
    if last is not None and (last.score_given, last.score_maximum) == (score.given, score.maximum):
        return None
    session.execute(
        update(LtiGradePost)
        .where(LtiGradePost.launch_id == launch.id, LtiGradePost.status.in_(("pending", "failed")))
        .values(status="superseded", lease_until=None)
    )
    post = LtiGradePost(
        launch_id=launch.id, score_given=score.given, score_maximum=score.maximum, activity_progress=score.activity,
        grading_progress=score.grading, scored_at=now, status="pending", tries=0, next_try_at=now, created_at=now,
    )  # fmt: skip
    session.add(post)
    session.commit()
    return post


def queue_grades(
    session: Session, settings: Settings, bank: Bank, learner_id: str, problem_id: str, now: datetime
) -> int:
    """Queue the learner's new grade on every launched link that covers `problem_id`; how many were queued."""
    problem = bank.problems.get(problem_id)
    if problem is None:
        return 0
    queued = 0
    for launch in launches_covering(session, learner_id, problem_id, problem.set):
        if SCOPE_SCORE not in launch.ags_scopes.split() or not (launch.lineitem or launch.lineitems):
            continue  # the platform offers no grade passback for this link
        points = target_points(bank, launch.target_kind, launch.target_id)
        deployment = session.get(LtiDeployment, launch.deployment_pk)
        policy = policy_for(settings, deployment, set_of(bank, launch.target_kind, launch.target_id))
        if points and enqueue(session, launch, compute_score(session, learner_id, points, policy), now):
            queued += 1
    return queued


def graded(verdicts: Mapping[str, object]) -> bool:
    """Whether any verdict counts as an attempt (an answer that could not be read costs nothing, changes nothing)."""
    return any(getattr(v, "status", "invalid") != "invalid" for v in verdicts.values())

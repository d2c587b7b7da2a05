"""The outbox's queries: claiming due posts (a lease, so two app processes never send one post at once), settling
them, line items claimed while one worker finds or creates them, and the listing instructors see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.storage.instructor_sessions import Scope
from app.storage.lti import LtiDeployment, LtiGradePost, LtiLaunch, LtiLineItem, LtiPlatform

LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class OutboxRow:
    """One queued score as instructors and `quizzes lti outbox` see it."""

    id: int
    status: str
    platform: str
    deployment_id: str
    subject: str
    target: str
    score_given: float
    score_maximum: float
    tries: int
    next_try_at: datetime
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


def _free(now: datetime) -> Any:
    return or_(LtiGradePost.lease_until.is_(None), LtiGradePost.lease_until < now)


def claim_due(session: Session, now: datetime, limit: int) -> list[int]:
    """Lease up to `limit` pending posts that are due; their ids."""
    due = session.scalars(
        select(LtiGradePost.id)
        .where(LtiGradePost.status == "pending", LtiGradePost.next_try_at <= now, _free(now))
        .order_by(LtiGradePost.id)
        .limit(limit)
    ).all()
    claimed = []
    for post_id in due:
        result = session.execute(
            update(LtiGradePost)
            .where(LtiGradePost.id == post_id, LtiGradePost.status == "pending", _free(now))
            .values(lease_until=now + LEASE)
        )
        session.commit()
        if result.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(post_id)
    return claimed


def post_context(session: Session, post_id: int) -> tuple[LtiGradePost, LtiLaunch, LtiDeployment, LtiPlatform]:
    row = session.execute(
        select(LtiGradePost, LtiLaunch, LtiDeployment, LtiPlatform)
        .join(LtiLaunch, LtiLaunch.id == LtiGradePost.launch_id)
        .join(LtiDeployment, LtiDeployment.id == LtiLaunch.deployment_pk)
        .join(LtiPlatform, LtiPlatform.id == LtiDeployment.platform_id)
        .where(LtiGradePost.id == post_id)
    ).one()
    return row[0], row[1], row[2], row[3]


def next_due(session: Session) -> datetime | None:
    """When the earliest pending post is due (the background drainer sleeps no longer than that)."""
    return session.scalar(select(func.min(LtiGradePost.next_try_at)).where(LtiGradePost.status == "pending"))


# Line items the tool finds or creates itself (D2L sends no line item for a link)


def claim_line_item(
    session: Session, deployment_pk: int, resource_link_id: str, now: datetime
) -> tuple[str | None, bool]:
    """(the known URL, False), or (None, True) when this worker may look the line item up (and create it), or
    (None, False) while another worker does."""
    dialect = session.get_bind().dialect.name
    table = cast(Table, LtiLineItem.__table__)
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    values = {"deployment_pk": deployment_pk, "resource_link_id": resource_link_id}
    claim = insert.values(**values, url=None, claimed_until=now + LEASE, created_at=now).on_conflict_do_nothing()
    inserted = session.execute(claim.returning(table.c.id)).first() is not None  # rowcount is -1 on psycopg
    session.commit()
    if inserted:
        return None, True
    row = session.scalars(
        select(LtiLineItem)
        .where(LtiLineItem.deployment_pk == deployment_pk, LtiLineItem.resource_link_id == resource_link_id)
        .execution_options(populate_existing=True)
    ).one()
    if row.url is not None:
        return row.url, False
    taken = session.execute(
        update(LtiLineItem)
        .where(LtiLineItem.id == row.id, LtiLineItem.url.is_(None))
        .where(or_(LtiLineItem.claimed_until.is_(None), LtiLineItem.claimed_until < now))
        .values(claimed_until=now + LEASE)
    ).rowcount  # type: ignore[attr-defined]
    session.commit()
    return None, taken == 1


def settle_line_item(session: Session, deployment_pk: int, resource_link_id: str, url: str | None) -> None:
    """Store the URL found or created, or (None) give the claim up so that a later try looks again."""
    session.execute(
        update(LtiLineItem)
        .where(LtiLineItem.deployment_pk == deployment_pk, LtiLineItem.resource_link_id == resource_link_id)
        .values(url=url, claimed_until=None)
    )
    session.commit()


# What instructors see


def _in_scope(scope: Scope | None) -> list[Any]:
    """Where-clauses keeping the posts an instructor's scope may see (those of its course's launches)."""
    if scope is None or scope.everything:
        return []
    launches = (
        select(LtiLaunch.id)
        .join(LtiDeployment, LtiDeployment.id == LtiLaunch.deployment_pk)
        .where(
            LtiDeployment.platform_id == scope.platform_id,
            LtiDeployment.deployment_id == scope.deployment_id,
            LtiLaunch.context_id == scope.context_id,
        )
    )
    return [LtiGradePost.launch_id.in_(launches)]


def rows(
    session: Session, statuses: tuple[str, ...] = ("pending", "failed"), limit: int = 200, scope: Scope | None = None
) -> list[OutboxRow]:
    result = session.execute(
        select(LtiGradePost, LtiLaunch, LtiDeployment, LtiPlatform)
        .join(LtiLaunch, LtiLaunch.id == LtiGradePost.launch_id)
        .join(LtiDeployment, LtiDeployment.id == LtiLaunch.deployment_pk)
        .join(LtiPlatform, LtiPlatform.id == LtiDeployment.platform_id)
        .where(LtiGradePost.status.in_(statuses), *_in_scope(scope))
        .order_by(LtiGradePost.id.desc())
        .limit(limit)
    )
    return [_row(post, launch, deployment, platform) for post, launch, deployment, platform in result]


def _row(post: LtiGradePost, launch: LtiLaunch, deployment: LtiDeployment, platform: LtiPlatform) -> OutboxRow:
    return OutboxRow(
        id=post.id, status=post.status, platform=platform.name or platform.issuer,
        deployment_id=deployment.deployment_id, subject=launch.subject,
        target=f"{launch.target_kind} {launch.target_id}", score_given=post.score_given,
        score_maximum=post.score_maximum, tries=post.tries, next_try_at=post.next_try_at,
        last_error=post.last_error, created_at=post.created_at, sent_at=post.sent_at,
    )  # fmt: skip


def counts(session: Session, scope: Scope | None = None) -> dict[str, int]:
    query = select(LtiGradePost.status, func.count()).where(*_in_scope(scope)).group_by(LtiGradePost.status)
    return {status: n for status, n in session.execute(query)}


def requeue_failed(session: Session, now: datetime, scope: Scope | None = None) -> int:
    """Send the failed posts (of the scope's course) again, after the cause is fixed; how many."""
    result = session.execute(
        update(LtiGradePost)
        .where(LtiGradePost.status == "failed", *_in_scope(scope))
        .values(status="pending", tries=0, next_try_at=now, lease_until=None)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]

"""Queries over the LTI tables: registrations, login states, single-use tickets and launch contexts. Every write
commits before it returns, like `app.storage.repository`."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.lti.claims import LaunchClaims
from app.lti.config import PlatformConfig
from app.storage.lti import LtiDeployment, LtiLaunch, LtiPlatform, LtiState, LtiTicket

PURGE_AFTER = timedelta(days=1)  # expired tickets are kept a day: a replay is named as such
STATE_PURGE_AFTER = timedelta(minutes=10)  # login states, which anyone can create, go sooner


def _insert(session: Session, model: type[Any]) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(cast(Table, model.__table__))


# Registrations


def register(session: Session, config: PlatformConfig, source: str, now: datetime) -> LtiPlatform:
    """Add or update the registration (issuer, client id) and add its deployments (updating their policies)."""
    platform = platform_by(session, config.issuer, config.client_id)
    if platform is None:
        platform = LtiPlatform(issuer=config.issuer, client_id=config.client_id, created_at=now, source=source)
        session.add(platform)
    platform.name = config.name or platform.name or config.issuer
    platform.auth_login_url, platform.auth_token_url = config.auth_login_url, config.auth_token_url
    platform.jwks_url, platform.token_audience = config.jwks_url, config.token_audience
    session.flush()
    known = {d.deployment_id: d for d in deployments_of(session, platform.id)}
    for wanted in config.deployments:
        deployment = known.get(wanted.id)
        if deployment is None:
            deployment = LtiDeployment(platform_id=platform.id, deployment_id=wanted.id, created_at=now)
            session.add(deployment)
        deployment.grade_policy = wanted.grade_policy
        deployment.set_grade_policies = dict(wanted.set_grade_policies)
    session.commit()
    return platform


def platform_by(session: Session, issuer: str, client_id: str) -> LtiPlatform | None:
    return session.scalar(select(LtiPlatform).where(LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id))


def platforms_of_issuer(session: Session, issuer: str) -> list[LtiPlatform]:
    return list(session.scalars(select(LtiPlatform).where(LtiPlatform.issuer == issuer).order_by(LtiPlatform.id)))


def all_platforms(session: Session) -> list[tuple[LtiPlatform, list[LtiDeployment]]]:
    platforms = session.scalars(select(LtiPlatform).order_by(LtiPlatform.issuer, LtiPlatform.client_id))
    return [(p, deployments_of(session, p.id)) for p in platforms]


def deployments_of(session: Session, platform_id: int) -> list[LtiDeployment]:
    query = select(LtiDeployment).where(LtiDeployment.platform_id == platform_id).order_by(LtiDeployment.id)
    return list(session.scalars(query))


def deployment(session: Session, platform_id: int, deployment_id: str) -> LtiDeployment | None:
    return session.scalar(
        select(LtiDeployment).where(
            LtiDeployment.platform_id == platform_id, LtiDeployment.deployment_id == deployment_id
        )
    )


def remove(session: Session, issuer: str, client_id: str, deployment_id: str | None = None) -> bool:
    """Remove one deployment, or the whole registration (with its launches and pending grades) when None."""
    platform = platform_by(session, issuer, client_id)
    if platform is None:
        return False
    if deployment_id is None:
        session.delete(platform)
    else:
        found = deployment(session, platform.id, deployment_id)
        if found is None:
            return False
        session.delete(found)
    session.commit()
    return True


# OIDC login states: single use, expiring, kept server-side (third-party cookies are often blocked in frames)


def create_state(session: Session, platform_id: int, target_link_uri: str, now: datetime, ttl: int) -> LtiState:
    session.execute(delete(LtiState).where(LtiState.expires_at < now - STATE_PURGE_AFTER))
    row = LtiState(
        state=secrets.token_urlsafe(32), nonce=secrets.token_urlsafe(32), platform_id=platform_id,
        target_link_uri=target_link_uri[:2000], created_at=now, expires_at=now + timedelta(seconds=ttl),
    )  # fmt: skip
    session.add(row)
    session.commit()
    return row


def get_state(session: Session, state: str) -> LtiState | None:
    return session.get(LtiState, state) if len(state) <= 64 else None


def consume_state(session: Session, state: str, now: datetime) -> bool:
    """Use the state (and so its nonce) up; False when it was used already or has expired (a replay)."""
    result = session.execute(
        update(LtiState)
        .where(LtiState.state == state, LtiState.used_at.is_(None), LtiState.expires_at > now)
        .values(used_at=now)
    )
    session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


# Tickets: short-lived single-use tokens, of which only a hash is stored


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_ticket(session: Session, kind: str, payload: dict[str, Any], now: datetime, ttl: int) -> str:
    session.execute(delete(LtiTicket).where(LtiTicket.expires_at < now - PURGE_AFTER))
    token = secrets.token_urlsafe(32)
    session.add(LtiTicket(token_hash=_hash(token), kind=kind, payload=payload, expires_at=now + timedelta(seconds=ttl)))
    session.commit()
    return token


def redeem_ticket(session: Session, token: str, kind: str, now: datetime) -> dict[str, Any] | None:
    """The ticket's payload, once: None if unknown, of another kind, expired or already redeemed."""
    if len(token) > 100:
        return None
    result = session.execute(
        update(LtiTicket)
        .where(LtiTicket.token_hash == _hash(token), LtiTicket.kind == kind)
        .where(LtiTicket.used_at.is_(None), LtiTicket.expires_at > now)
        .values(used_at=now)
    )
    session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get_one(LtiTicket, _hash(token)).payload


# Launch contexts


def record_launch(
    session: Session, learner_id: str, deployment_pk: int, claims: LaunchClaims, target: tuple[str, str], now: datetime
) -> LtiLaunch:
    """Remember (or refresh) what this learner's launch of this link opens and where its grades go."""
    assert claims.resource_link_id is not None
    ags = claims.ags
    values = {
        "subject": claims.subject, "context_id": claims.context_id, "target_kind": target[0],
        "target_id": target[1], "lineitem": ags.lineitem if ags else None, "lineitems": ags.lineitems if ags else None,
        "ags_scopes": " ".join(ags.scopes) if ags else "", "updated_at": now,
    }  # fmt: skip
    keys = {"learner_id": learner_id, "deployment_pk": deployment_pk, "resource_link_id": claims.resource_link_id}
    insert = _insert(session, LtiLaunch).values(**keys, **values)
    session.execute(insert.on_conflict_do_update(index_elements=list(keys), set_=values))
    session.commit()
    query = select(LtiLaunch).where(*(getattr(LtiLaunch, k) == v for k, v in keys.items()))
    return session.scalars(query.execution_options(populate_existing=True)).one()


def launches_covering(session: Session, learner_id: str, problem_id: str, set_id: str) -> list[LtiLaunch]:
    """The learner's launches whose link opens this problem or its set: each gets the new grade."""
    query = select(LtiLaunch).where(LtiLaunch.learner_id == learner_id).order_by(LtiLaunch.id)
    return [
        launch
        for launch in session.scalars(query)
        if (launch.target_kind, launch.target_id) in {("problem", problem_id), ("set", set_id)}
    ]

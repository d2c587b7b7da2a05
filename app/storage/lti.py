"""LTI 1.3 state: platforms, deployments, the tool's keys, login states, tickets, launches, line items and the
grade outbox (tables; the queries live in `app.lti.store`).

A tenant is a platform registration (issuer + client id) and one of its deployments: Canvas uses one issuer for
every customer, so the issuer alone names nobody. Every change here needs a change to migration 0003_lti.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.models import PROBLEM_ID_LENGTH, Base, utcnow

URL_LENGTH = 2000
LTI_ID_LENGTH = 255  # issuer, client id, deployment id, subject, context and resource link ids
POST_STATUSES = ("pending", "sent", "failed", "superseded")


class LtiPlatform(Base):
    """A registration of this tool in an LMS: who signs launches (`issuer`) and who we are there (`client_id`)."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    issuer: Mapped[str] = mapped_column(String(LTI_ID_LENGTH))
    client_id: Mapped[str] = mapped_column(String(LTI_ID_LENGTH))
    auth_login_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    auth_token_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    jwks_url: Mapped[str] = mapped_column(String(URL_LENGTH))
    token_audience: Mapped[str | None] = mapped_column(String(URL_LENGTH), doc="`aud` of token requests.")
    source: Mapped[str] = mapped_column(String(10), default="cli", doc="`file` or `cli`: who registered it.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiDeployment(Base):
    """One deployment of a registration (a course, a sub-account, a whole site), with its grading policy."""

    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    deployment_id: Mapped[str] = mapped_column(String(LTI_ID_LENGTH))
    grade_policy: Mapped[str | None] = mapped_column(String(10), doc="best | latest; None: the settings'.")
    set_grade_policies: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, doc="set id → best | latest.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiKey(Base):
    """One of the tool's RSA signing keys. The newest unretired key signs; retired keys stay public for a grace."""

    __tablename__ = "lti_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text, doc="PKCS#8 PEM; never served.")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]


class LtiState(Base):
    """An OIDC login in progress: the `state` we sent and the `nonce` the id_token must carry (used once)."""

    __tablename__ = "lti_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    target_link_uri: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LtiTicket(Base):
    """A short-lived single-use token (only its SHA-256 is kept): open in a new window, or a deep-linking pick."""

    __tablename__ = "lti_tickets"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LtiLaunch(Base):
    """What a learner's last launch of a resource link said: what it opens and where its grades go."""

    __tablename__ = "lti_launches"
    __table_args__ = (UniqueConstraint("learner_id", "deployment_pk", "resource_link_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    deployment_pk: Mapped[int] = mapped_column(ForeignKey("lti_deployments.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(LTI_ID_LENGTH), doc="`sub`: the userId of scores.")
    context_id: Mapped[str | None] = mapped_column(String(LTI_ID_LENGTH))
    resource_link_id: Mapped[str] = mapped_column(String(LTI_ID_LENGTH))
    target_kind: Mapped[str] = mapped_column(String(10), doc="set | problem")
    target_id: Mapped[str] = mapped_column(String(PROBLEM_ID_LENGTH))
    lineitem: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    lineitems: Mapped[str | None] = mapped_column(String(URL_LENGTH))
    ags_scopes: Mapped[str] = mapped_column(String(1000), default="", doc="Space-separated, as granted.")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiLineItem(Base):
    """A line item this tool found or created for a link that came without one (D2L): never created twice."""

    __tablename__ = "lti_line_items"
    __table_args__ = (UniqueConstraint("deployment_pk", "resource_link_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    deployment_pk: Mapped[int] = mapped_column(ForeignKey("lti_deployments.id", ondelete="CASCADE"))
    resource_link_id: Mapped[str] = mapped_column(String(LTI_ID_LENGTH))
    url: Mapped[str | None] = mapped_column(String(URL_LENGTH), doc="None while one worker looks it up.")
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LtiGradePost(Base):
    """The outbox: a score to send to a launch's line item, retried until sent or failed for good."""

    __tablename__ = "lti_grade_posts"
    __table_args__ = (
        CheckConstraint(f"status IN {POST_STATUSES!r}", name="status"),
        Index("ix_lti_grade_posts_due", "status", "next_try_at"),
        Index("ix_lti_grade_posts_launch", "launch_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    launch_id: Mapped[int] = mapped_column(ForeignKey("lti_launches.id", ondelete="CASCADE"))
    score_given: Mapped[float]
    score_maximum: Mapped[float]
    activity_progress: Mapped[str] = mapped_column(String(20))
    grading_progress: Mapped[str] = mapped_column(String(20))
    scored_at: Mapped[datetime] = mapped_column(doc="The score's `timestamp`: the same on every retry.")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    tries: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[datetime]
    lease_until: Mapped[datetime | None] = mapped_column(doc="Claimed by a drainer until then.")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

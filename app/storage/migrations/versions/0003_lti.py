"""LTI 1.3: platforms, deployments, tool keys, login states, tickets, launches, line items, the grade outbox.

Revision 0003_lti (branch `lti`, from 0001), created 2026-11-28. Other features branch from 0001 too;
`migrate()` upgrades to every head.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003_lti"
down_revision: str | None = "0001"
branch_labels: tuple[str, ...] | None = ("lti",)
depends_on: str | None = None

# Written out rather than imported from app.storage: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
URL = sa.String(2000)
LTI_ID = sa.String(255)


def _fk(table: str, column: str, target: str, target_column: str = "id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.{target_column}"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "lti_platforms",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("issuer", LTI_ID, nullable=False),
        sa.Column("client_id", LTI_ID, nullable=False),
        sa.Column("auth_login_url", URL, nullable=False),
        sa.Column("auth_token_url", URL, nullable=False),
        sa.Column("jwks_url", URL, nullable=False),
        sa.Column("token_audience", URL, nullable=True),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lti_platforms"),
        sa.UniqueConstraint("issuer", "client_id", name="uq_lti_platforms_issuer_client_id"),
    )
    op.create_table(
        "lti_deployments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", LTI_ID, nullable=False),
        sa.Column("grade_policy", sa.String(10), nullable=True),
        sa.Column("set_grade_policies", sa.JSON(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        _fk("lti_deployments", "platform_id", "lti_platforms"),
        sa.PrimaryKeyConstraint("id", name="pk_lti_deployments"),
        sa.UniqueConstraint("platform_id", "deployment_id", name="uq_lti_deployments_platform_id_deployment_id"),
    )
    op.create_table(
        "lti_keys",
        sa.Column("kid", sa.String(64), nullable=False),
        sa.Column("private_pem", sa.Text(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("retired_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("kid", name="pk_lti_keys"),
    )
    op.create_table(
        "lti_states",
        sa.Column("state", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(64), nullable=False),
        sa.Column("platform_id", sa.Integer(), nullable=False),
        sa.Column("target_link_uri", URL, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("used_at", TIMESTAMP, nullable=True),
        _fk("lti_states", "platform_id", "lti_platforms"),
        sa.PrimaryKeyConstraint("state", name="pk_lti_states"),
    )
    op.create_table(
        "lti_tickets",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("used_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_lti_tickets"),
    )
    op.create_table(
        "lti_launches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("learner_id", sa.String(32), nullable=False),
        sa.Column("deployment_pk", sa.Integer(), nullable=False),
        sa.Column("subject", LTI_ID, nullable=False),
        sa.Column("context_id", LTI_ID, nullable=True),
        sa.Column("resource_link_id", LTI_ID, nullable=False),
        sa.Column("target_kind", sa.String(10), nullable=False),
        sa.Column("target_id", sa.String(100), nullable=False),
        sa.Column("lineitem", URL, nullable=True),
        sa.Column("lineitems", URL, nullable=True),
        sa.Column("ags_scopes", sa.String(1000), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        _fk("lti_launches", "learner_id", "learners"),
        _fk("lti_launches", "deployment_pk", "lti_deployments"),
        sa.PrimaryKeyConstraint("id", name="pk_lti_launches"),
        sa.UniqueConstraint(
            "learner_id",
            "deployment_pk",
            "resource_link_id",
            name="uq_lti_launches_learner_id_deployment_pk_resource_link_id",
        ),
    )
    op.create_index("ix_lti_launches_learner_id", "lti_launches", ["learner_id"])
    op.create_table(
        "lti_line_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("deployment_pk", sa.Integer(), nullable=False),
        sa.Column("resource_link_id", LTI_ID, nullable=False),
        sa.Column("url", URL, nullable=True),
        sa.Column("claimed_until", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        _fk("lti_line_items", "deployment_pk", "lti_deployments"),
        sa.PrimaryKeyConstraint("id", name="pk_lti_line_items"),
        sa.UniqueConstraint(
            "deployment_pk", "resource_link_id", name="uq_lti_line_items_deployment_pk_resource_link_id"
        ),
    )
    op.create_table(
        "lti_grade_posts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("launch_id", sa.Integer(), nullable=False),
        sa.Column("score_given", sa.Double(), nullable=False),
        sa.Column("score_maximum", sa.Double(), nullable=False),
        sa.Column("activity_progress", sa.String(20), nullable=False),
        sa.Column("grading_progress", sa.String(20), nullable=False),
        sa.Column("scored_at", TIMESTAMP, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("next_try_at", TIMESTAMP, nullable=False),
        sa.Column("lease_until", TIMESTAMP, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed', 'superseded')", name="ck_lti_grade_posts_status"),
        _fk("lti_grade_posts", "launch_id", "lti_launches"),
        sa.PrimaryKeyConstraint("id", name="pk_lti_grade_posts"),
    )
    op.create_index("ix_lti_grade_posts_due", "lti_grade_posts", ["status", "next_try_at"])
    op.create_index("ix_lti_grade_posts_launch", "lti_grade_posts", ["launch_id", "id"])


def downgrade() -> None:
    op.drop_table("lti_grade_posts")
    op.drop_table("lti_line_items")
    op.drop_table("lti_launches")
    op.drop_table("lti_tickets")
    op.drop_table("lti_states")
    op.drop_table("lti_keys")
    op.drop_table("lti_deployments")
    op.drop_table("lti_platforms")

"""Security: LTI learners keyed by (issuer, client id, deployment, sub); server-side instructor sessions.

Revision 0004_security (branch `security`, from 0001), created 2026-11-29. Other features branch from 0001 too;
`migrate()` upgrades to every head.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004_security"
down_revision: str | None = "0001"
branch_labels: tuple[str, ...] | None = ("security",)
depends_on: str | None = None

# Written out rather than imported from app.storage: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
LTI_ID = sa.String(255)


def upgrade() -> None:
    with op.batch_alter_table("learners") as batch:
        batch.add_column(sa.Column("lti_client_id", LTI_ID, nullable=True))
        batch.add_column(sa.Column("lti_deployment_id", LTI_ID, nullable=True))
        batch.drop_constraint("uq_learners_lti_issuer_lti_subject", type_="unique")
        batch.create_unique_constraint(
            "uq_learners_lti_identity", ["lti_issuer", "lti_client_id", "lti_deployment_id", "lti_subject"]
        )
    op.create_table(
        "instructor_sessions",
        sa.Column("id_hash", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(10), nullable=False),
        sa.Column("lti_platform_id", sa.Integer(), nullable=True),
        sa.Column("lti_deployment_id", LTI_ID, nullable=True),
        sa.Column("lti_context_id", LTI_ID, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("expires_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id_hash", name="pk_instructor_sessions"),
        sa.CheckConstraint("origin IN ('token', 'lti')", name="ck_instructor_sessions_origin"),
    )
    op.create_index("ix_instructor_sessions_expires_at", "instructor_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_instructor_sessions_expires_at", "instructor_sessions")
    op.drop_table("instructor_sessions")
    with op.batch_alter_table("learners") as batch:
        batch.drop_constraint("uq_learners_lti_identity", type_="unique")
        batch.create_unique_constraint("uq_learners_lti_issuer_lti_subject", ["lti_issuer", "lti_subject"])
        batch.drop_column("lti_deployment_id")
        batch.drop_column("lti_client_id")

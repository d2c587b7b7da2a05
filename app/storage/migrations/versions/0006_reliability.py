"""Reliability: named leases shared by every app process (one drainer at a time per learner and line item), and
the form posts already acted on (by their hidden idempotency token).

Revision 0006_reliability (branch `reliability`, from 0001), created 2026-11-29.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006_reliability"
down_revision: str | None = "0001"
branch_labels: tuple[str, ...] | None = ("reliability",)
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("holder", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_leases"),
    )
    op.create_table(
        "form_posts",
        sa.Column("learner_id", sa.String(32), nullable=False),
        sa.Column("token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_form_posts_learner_id_learners", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("learner_id", "token", name="pk_form_posts"),
    )


def downgrade() -> None:
    op.drop_table("form_posts")
    op.drop_table("leases")

"""Learners, their assigned variants, attempts and revealed hints.

Revision 0001, created 2026-11-27.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Written out rather than imported from app.storage.models: a migration must not change when the models do.
TIMESTAMP = sa.DateTime(timezone=True)
ANSWER = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
ATTEMPT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _learner_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["learner_id"], ["learners.id"], name=f"fk_{table}_learner_id_learners", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "learners",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.Column("lti_issuer", sa.String(255), nullable=True),
        sa.Column("lti_subject", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_learners"),
        sa.UniqueConstraint("lti_issuer", "lti_subject", name="uq_learners_lti_issuer_lti_subject"),
    )
    op.create_table(
        "assignments",
        sa.Column("learner_id", sa.String(32), nullable=False),
        sa.Column("problem_id", sa.String(100), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("assigned_at", TIMESTAMP, nullable=False),
        _learner_fk("assignments"),
        sa.PrimaryKeyConstraint("learner_id", "problem_id", name="pk_assignments"),
    )
    op.create_table(
        "attempts",
        sa.Column("id", ATTEMPT_ID, autoincrement=True, nullable=False),
        sa.Column("learner_id", sa.String(32), nullable=False),
        sa.Column("problem_id", sa.String(100), nullable=False),
        sa.Column("part_id", sa.String(100), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("answer", ANSWER, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("reason", sa.String(100), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("latex", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("idempotency_key", sa.String(100), nullable=True),
        sa.CheckConstraint("status IN ('correct', 'incorrect', 'invalid')", name="ck_attempts_status"),
        sa.CheckConstraint("score >= 0 AND score <= 1", name="ck_attempts_score"),
        _learner_fk("attempts"),
        sa.PrimaryKeyConstraint("id", name="pk_attempts"),
        sa.UniqueConstraint("learner_id", "idempotency_key", name="uq_attempts_learner_id_idempotency_key"),
    )
    op.create_index("ix_attempts_learner_problem", "attempts", ["learner_id", "problem_id", "part_id", "id"])
    op.create_index("ix_attempts_problem_part", "attempts", ["problem_id", "part_id", "status"])
    op.create_table(
        "hint_reveals",
        sa.Column("learner_id", sa.String(32), nullable=False),
        sa.Column("problem_id", sa.String(100), nullable=False),
        sa.Column("part_id", sa.String(100), nullable=False),
        sa.Column("revealed", sa.Integer(), nullable=False),
        _learner_fk("hint_reveals"),
        sa.PrimaryKeyConstraint("learner_id", "problem_id", "part_id", name="pk_hint_reveals"),
    )


def downgrade() -> None:
    op.drop_table("hint_reveals")
    op.drop_index("ix_attempts_problem_part", table_name="attempts")
    op.drop_index("ix_attempts_learner_problem", table_name="attempts")
    op.drop_table("attempts")
    op.drop_table("assignments")
    op.drop_table("learners")

"""Student work: drafts of unchecked answers (per learner, problem, part and variant); each learner's numbered
variants of a problem; give-ups (a solution asked for, its part's points forfeited); free-text answers are
`saved` (a new attempt status) and graded by people (who graded, a comment, when).

Revision 0005_student (branch `student`, from 0001), created 2026-11-29.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_student"
down_revision: str | None = "0001"
branch_labels: tuple[str, ...] | None = ("student",)
depends_on: str | None = None

# Written out rather than imported from app.storage: a migration must not change when the models do.
ANSWER = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("learner_id", sa.String(32), nullable=False),
        sa.Column("problem_id", sa.String(100), nullable=False),
        sa.Column("part_id", sa.String(100), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("answer", ANSWER, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_drafts_learner_id_learners", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("learner_id", "problem_id", "part_id", "seed", name="pk_drafts"),
    )
    op.create_table(
        "variant_history",
        sa.Column("learner_id", sa.String(32), nullable=False),
        sa.Column("problem_id", sa.String(100), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_variant_history_learner_id_learners", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("learner_id", "problem_id", "number", name="pk_variant_history"),
    )
    op.create_table(
        "give_ups",
        sa.Column("learner_id", sa.String(32), nullable=False),
        sa.Column("problem_id", sa.String(100), nullable=False),
        sa.Column("part_id", sa.String(100), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("given_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_give_ups_learner_id_learners", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("learner_id", "problem_id", "part_id", name="pk_give_ups"),
    )
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("graded_by", sa.String(10), nullable=True))
        batch.add_column(sa.Column("grade_comment", sa.Text(), nullable=True))
        batch.add_column(sa.Column("graded_at", sa.DateTime(timezone=True), nullable=True))
        batch.drop_constraint("ck_attempts_status", type_="check")
        batch.create_check_constraint(
            op.f("ck_attempts_status"), "status IN ('correct', 'incorrect', 'invalid', 'saved')"
        )
        batch.create_check_constraint(
            op.f("ck_attempts_graded_by"), "graded_by IS NULL OR graded_by IN ('self', 'instructor')"
        )


def downgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.drop_constraint("ck_attempts_graded_by", type_="check")
        batch.drop_constraint("ck_attempts_status", type_="check")
        batch.create_check_constraint(op.f("ck_attempts_status"), "status IN ('correct', 'incorrect', 'invalid')")
        batch.drop_column("graded_at")
        batch.drop_column("grade_comment")
        batch.drop_column("graded_by")
    op.drop_table("give_ups")
    op.drop_table("variant_history")
    op.drop_table("drafts")

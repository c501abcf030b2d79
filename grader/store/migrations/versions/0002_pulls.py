"""Pulls: observations of each repository (append-only), extensions, and the resolved pull state.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

APPEND_ONLY = {
    "observation": "observations are append-only",
    "extension": "extensions are append-only",
}


def upgrade() -> None:
    op.create_table(
        "observation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("observed_at", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("ref", sa.Text(), nullable=True),
        sa.Column("sha", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
    )
    op.create_index(
        op.f("ix_observation_assignment_id_student_id"), "observation", ["assignment_id", "student_id"]
    )
    op.create_table(
        "extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("until", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("granted_by", sa.Text(), nullable=False),
        sa.Column("granted_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension")),
    )
    op.create_index(
        op.f("ix_extension_assignment_id_student_id"), "extension", ["assignment_id", "student_id"]
    )
    op.create_table(
        "pull_state",
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("graded_commit", sa.Text(), nullable=True),
        sa.Column("late_minutes", sa.Integer(), nullable=True),
        sa.Column("flags", sa.Text(), server_default="[]", nullable=False),
        sa.Column("pulled_at", sa.Text(), nullable=False),
        sa.Column("checked_out", sa.Text(), nullable=True),
        sa.Column("basis", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", "student_id", name=op.f("pk_pull_state")),
    )
    _refuse_changes()


def _refuse_changes() -> None:
    dialect = op.get_bind().dialect.name
    for table, message in APPEND_ONLY.items():
        if dialect == "sqlite":
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
            guard = f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)"  # noqa: S608  (constant names)
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} {guard} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION grader_append_only('{message}')"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION grader_append_only('{message}')"
            )
        else:
            raise NotImplementedError(f"no append-only triggers for {dialect}")


def downgrade() -> None:
    op.drop_table("pull_state")
    op.drop_table("extension")
    op.drop_table("observation")

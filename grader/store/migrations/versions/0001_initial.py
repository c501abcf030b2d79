"""The gradebook: submissions, current choices, append-only grade and audit events, rubrics.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

APPEND_ONLY = {
    "grade_event": "grade events are append-only",
    "audit_event": "audit events are append-only",
}


def upgrade() -> None:
    op.create_table(
        "submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_by", sa.Text(), server_default="", nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=True),
        sa.Column("flags", sa.Text(), server_default="[]", nullable=False),
        sa.Column("excused", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        sa.UniqueConstraint(
            "assignment_id", "student_id", name=op.f("uq_submission_assignment_id_student_id")
        ),
    )
    op.create_table(
        "criterion_choice",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=True),
        sa.Column("items", sa.Text(), nullable=True),
        sa.Column("points", sa.Text(), nullable=True),
        sa.Column("adjustment", sa.Text(), server_default="0", nullable=False),
        sa.Column("adjustment_comment", sa.Text(), server_default="", nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("submission_id", "criterion_id", name=op.f("pk_criterion_choice")),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_criterion_choice_submission_id_submission"),
        ),
    )
    op.create_table(
        "grade_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("criterion_id", sa.Text(), nullable=False),
        sa.Column("old", sa.Text(), nullable=False),
        sa.Column("new", sa.Text(), nullable=False),
        sa.Column("rubric_hash", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_event")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_grade_event_submission_id_submission")
        ),
        sa.CheckConstraint("outcome IN ('applied', 'conflict')", name=op.f("ck_grade_event_outcome")),
    )
    op.create_index(
        op.f("ix_grade_event_assignment_id_student_id"), "grade_event", ["assignment_id", "student_id"]
    )
    op.create_index(op.f("ix_grade_event_submission_id"), "grade_event", ["submission_id"])
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    op.create_table(
        "rubric_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("rubric_hash", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("accepted_at", sa.Text(), nullable=False),
        sa.Column("accepted_by", sa.Text(), nullable=False),
        sa.Column("is_current", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubric_snapshot")),
        sa.UniqueConstraint(
            "assignment_id", "rubric_hash", name=op.f("uq_rubric_snapshot_assignment_id_rubric_hash")
        ),
    )
    op.create_index(
        op.f("uq_rubric_snapshot_current"),
        "rubric_snapshot",
        ["assignment_id"],
        unique=True,
        sqlite_where=sa.text("is_current"),
        postgresql_where=sa.text("is_current"),
    )
    _refuse_changes_to_events()


def _refuse_changes_to_events() -> None:
    """Make the database itself refuse UPDATE and DELETE (and TRUNCATE) on event tables."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table, message in APPEND_ONLY.items():
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
            # INSERT OR REPLACE deletes the old row without firing delete triggers.
            guard = f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)"  # noqa: S608  (constant names)
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} {guard} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION grader_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'restrict_violation'; "
            "END $$"
        )
        for table, message in APPEND_ONLY.items():
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
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER {table}_no_update")
            op.execute(f"DROP TRIGGER {table}_no_delete")
            op.execute(f"DROP TRIGGER {table}_no_replace")
    op.drop_table("rubric_snapshot")
    op.drop_table("audit_event")
    op.drop_table("grade_event")
    op.drop_table("criterion_choice")
    op.drop_table("submission")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION grader_append_only()")

"""Moderation: the queue of submissions sampled for second marking, and the second marks.

``moderation_queue`` holds one row per sampled submission: its first marker(s), the grader
queued to second-mark it, and the seed and run that sampled it. ``second_mark`` holds each
second mark as its own append-only row (the database refuses UPDATE and DELETE, as for grade
events), apart from grade events so that a second mark never changes the grade.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

MESSAGE = "second marks are append-only"


def upgrade() -> None:
    op.create_table(
        "moderation_queue",
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("first_marker", sa.Text(), nullable=False),
        sa.Column("moderator", sa.Text(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.Text(), nullable=False),
        sa.Column("queued_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", "student_id", name=op.f("pk_moderation_queue")),
    )
    op.create_index(
        op.f("ix_moderation_queue_assignment_id_moderator"),
        "moderation_queue",
        ["assignment_id", "moderator"],
    )
    op.create_table(
        "second_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("criterion_id", sa.Text(), nullable=False),
        sa.Column("choice", sa.Text(), nullable=False),
        sa.Column("rubric_hash", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_mark")),
    )
    op.create_index(
        op.f("ix_second_mark_assignment_id_student_id"), "second_mark", ["assignment_id", "student_id"]
    )
    _append_only()


def _append_only() -> None:
    """The database itself refuses UPDATE and DELETE (and TRUNCATE) of second marks."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER second_mark_no_{action.lower()} BEFORE {action} ON second_mark "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        # INSERT OR REPLACE deletes the old row without firing delete triggers.
        guard = "WHEN EXISTS (SELECT 1 FROM second_mark WHERE id = NEW.id)"
        op.execute(
            f"CREATE TRIGGER second_mark_no_replace BEFORE INSERT ON second_mark {guard} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    elif dialect == "postgresql":  # grader_append_only() is 0001's
        op.execute(
            "CREATE TRIGGER second_mark_append_only BEFORE UPDATE OR DELETE ON second_mark "
            f"FOR EACH ROW EXECUTE FUNCTION grader_append_only('{MESSAGE}')"
        )
        op.execute(
            "CREATE TRIGGER second_mark_no_truncate BEFORE TRUNCATE ON second_mark "
            f"FOR EACH STATEMENT EXECUTE FUNCTION grader_append_only('{MESSAGE}')"
        )
    else:
        raise NotImplementedError(f"no append-only triggers for {dialect}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("no_update", "no_delete", "no_replace"):
            op.execute(f"DROP TRIGGER second_mark_{name}")
    op.drop_index(op.f("ix_second_mark_assignment_id_student_id"), table_name="second_mark")
    op.drop_table("second_mark")
    op.drop_index(op.f("ix_moderation_queue_assignment_id_moderator"), table_name="moderation_queue")
    op.drop_table("moderation_queue")

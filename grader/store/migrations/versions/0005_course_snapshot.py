"""Course snapshot: the validated course files (by the hash of their bytes) and the roster rows.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # A cache, not a record: one row, replaced whenever a course file's bytes change.
    op.create_table(
        "course_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("files", sa.Text(), nullable=False),
        sa.Column("course", sa.Text(), nullable=False),
        sa.Column("rubrics", sa.Text(), nullable=False),
        sa.Column("roster_generation", sa.Integer(), nullable=False),
        sa.Column("roster_size", sa.Integer(), nullable=False),
        sa.Column("written_at", sa.Text(), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_course_snapshot_single")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_snapshot")),
    )
    op.create_table(
        "roster_entry",
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("github", sa.Text(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("canvas_id", sa.Text(), nullable=False),
        sa.Column("sis_user_id", sa.Text(), nullable=False),
        sa.Column("sis_login_id", sa.Text(), nullable=False),
        sa.Column("moodle_idnumber", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("generation", "position", name=op.f("pk_roster_entry")),
    )


def downgrade() -> None:
    op.drop_table("roster_entry")
    op.drop_table("course_snapshot")

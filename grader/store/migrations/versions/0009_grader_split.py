"""The work split: which grader grades which submission (or which criterion) of an assignment.

``grader_split`` holds the split in force, one row per submission (``item_id``: the student id)
or per criterion (``item_id``: the criterion id), all rows of an assignment of one ``mode``.
``position`` keeps the roster (or rubric) order the split was made in. It is not a record:
``grader assign`` replaces an assignment's rows in one transaction, and the audit log keeps
each run (who, when, the graders and their counts).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

MODES = "mode IN ('submissions', 'sections', 'criteria')"


def upgrade() -> None:
    op.create_table(
        "grader_split",
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("item_id", sa.Text(), nullable=False),
        sa.Column("grader", sa.Text(), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.Text(), nullable=False),
        sa.Column("assigned_by", sa.Text(), nullable=False),
        sa.CheckConstraint(MODES, name=op.f("ck_grader_split_mode")),
        sa.PrimaryKeyConstraint("assignment_id", "item_id", name=op.f("pk_grader_split")),
    )
    op.create_index(op.f("ix_grader_split_assignment_id_grader"), "grader_split", ["assignment_id", "grader"])


def downgrade() -> None:
    op.drop_index(op.f("ix_grader_split_assignment_id_grader"), table_name="grader_split")
    op.drop_table("grader_split")

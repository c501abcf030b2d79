"""Rubric checks: the last verification of an assignment's choices in use against its rubric.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    # Not append-only: one row per assignment, replaced by each newer verification.
    op.create_table(
        "rubric_check",
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("rubric_hash", sa.Text(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_rubric_check")),
    )


def downgrade() -> None:
    op.drop_table("rubric_check")

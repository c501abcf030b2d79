"""Similar submissions: cached pair results, runs, and the graders' verdicts.

``similarity_pair`` caches one compared pair (both sides' similarity and the matching fragments),
keyed by the two graded commits and the run's settings, so a re-run reuses what has not changed.
``similarity_run`` records each run's settings and the pairs it found. ``similarity_verdict``
holds each verdict on a pair as its own append-only row (the database refuses UPDATE and DELETE);
the latest is in force, and each is in the audit log too.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None

MESSAGE = "similarity verdicts are append-only"
PAIR_KEY = ["assignment_id", "student_a", "student_b", "commit_a", "commit_b", "cache_key"]


def upgrade() -> None:
    op.create_table(
        "similarity_pair",
        sa.Column("id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Text(), nullable=False) for name in PAIR_KEY),
        sa.Column("source_b", sa.Text(), nullable=False),
        sa.Column("similarity_a", sa.Text(), nullable=False),
        sa.Column("similarity_b", sa.Text(), nullable=False),
        sa.Column("fragments", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_similarity_pair")),
    )
    op.create_index(op.f("ix_similarity_pair_key"), "similarity_pair", PAIR_KEY, unique=True)
    op.create_table(
        "similarity_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("settings", sa.Text(), nullable=False),
        sa.Column("pair_ids", sa.Text(), nullable=False),
        sa.Column("compared", sa.Integer(), nullable=False),
        sa.Column("reused", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_similarity_run")),
    )
    op.create_index(op.f("ix_similarity_run_assignment_id"), "similarity_run", ["assignment_id"])
    op.create_table(
        "similarity_verdict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_a", sa.Text(), nullable=False),
        sa.Column("student_b", sa.Text(), nullable=False),
        sa.Column("verdict", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_similarity_verdict")),
    )
    op.create_index(
        op.f("ix_similarity_verdict_assignment_id_student_a_student_b"),
        "similarity_verdict",
        ["assignment_id", "student_a", "student_b"],
    )
    _append_only()


def _append_only() -> None:
    """The database itself refuses UPDATE and DELETE (and TRUNCATE) of verdicts."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER similarity_verdict_no_{action.lower()} BEFORE {action} "
                f"ON similarity_verdict BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        # INSERT OR REPLACE deletes the old row without firing delete triggers.
        guard = "WHEN EXISTS (SELECT 1 FROM similarity_verdict WHERE id = NEW.id)"
        op.execute(
            f"CREATE TRIGGER similarity_verdict_no_replace BEFORE INSERT ON similarity_verdict {guard} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    elif dialect == "postgresql":  # grader_append_only() is 0001's
        op.execute(
            "CREATE TRIGGER similarity_verdict_append_only BEFORE UPDATE OR DELETE ON similarity_verdict "
            f"FOR EACH ROW EXECUTE FUNCTION grader_append_only('{MESSAGE}')"
        )
        op.execute(
            "CREATE TRIGGER similarity_verdict_no_truncate BEFORE TRUNCATE ON similarity_verdict "
            f"FOR EACH STATEMENT EXECUTE FUNCTION grader_append_only('{MESSAGE}')"
        )
    else:
        raise NotImplementedError(f"no append-only triggers for {dialect}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("no_update", "no_delete", "no_replace"):
            op.execute(f"DROP TRIGGER similarity_verdict_{name}")
    op.drop_index(
        op.f("ix_similarity_verdict_assignment_id_student_a_student_b"), table_name="similarity_verdict"
    )
    op.drop_table("similarity_verdict")
    op.drop_index(op.f("ix_similarity_run_assignment_id"), table_name="similarity_run")
    op.drop_table("similarity_run")
    op.drop_index(op.f("ix_similarity_pair_key"), table_name="similarity_pair")
    op.drop_table("similarity_pair")

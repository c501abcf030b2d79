"""Autograde runs: every run of a rubric's check (append-only), and the current result per criterion.

``autograde_run`` keeps each run as it happened (status, points, reason, tests, the output capped
by the store): like grade events, the database itself refuses to change or delete one.
``autograde_result`` is the layer beside the graders' choices: per submission and criterion, the
latest run's status and reason, and the points of the latest run that produced a score (a run
that could not happen never replaces a score with nothing). Writing a result marks the
submission's summary stale, as writing a choice does, so the saving transaction recomputes it.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

MESSAGE = "autograde runs are append-only"
STATUSES = "status IN ('passed', 'partial', 'failed', 'timeout', 'error', 'refused')"
_MARK_STALE = (
    "INSERT INTO submission_summary (assignment_id, student_id, stamp) "
    "SELECT assignment_id, student_id, '' FROM submission WHERE id = {submission} "
    "ON CONFLICT (assignment_id, student_id) DO UPDATE SET stamp = ''"
)
_SQLITE_STALE = {
    "summary_stale_on_result_insert": ("AFTER INSERT ON autograde_result", "NEW.submission_id"),
    "summary_stale_on_result_update": ("AFTER UPDATE ON autograde_result", "NEW.submission_id"),
    "summary_stale_on_result_delete": ("AFTER DELETE ON autograde_result", "OLD.submission_id"),
}


def upgrade() -> None:
    _create_runs()
    _create_results()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_triggers()
    elif dialect == "postgresql":
        _postgresql_triggers()
    else:
        raise NotImplementedError(f"no autograde triggers for {dialect}")


def _create_runs() -> None:
    op.create_table(
        "autograde_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("criterion_id", sa.Text(), nullable=False),
        sa.Column("graded_commit", sa.Text(), nullable=False),
        sa.Column("check_digest", sa.Text(), nullable=False),
        sa.Column("sandbox", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("points", sa.Text(), nullable=True),
        sa.Column("max_points", sa.Text(), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("tests", sa.Text(), nullable=False),
        sa.Column("output", sa.Text(), nullable=False),
        sa.Column("output_truncated", sa.Boolean(), nullable=False),
        sa.Column("ran_at", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.CheckConstraint(STATUSES, name=op.f("ck_autograde_run_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_autograde_run")),
    )
    op.create_index(
        op.f("ix_autograde_run_assignment_id_student_id_criterion_id"),
        "autograde_run",
        ["assignment_id", "student_id", "criterion_id"],
    )


def _create_results() -> None:
    # Not append-only: one row per (submission, criterion), replaced by each recorded run.
    op.create_table(
        "autograde_result",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("scored_run_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("points", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("tests_passed", sa.Integer(), nullable=True),
        sa.Column("tests_total", sa.Integer(), nullable=True),
        sa.Column("sandbox", sa.Text(), nullable=False),
        sa.CheckConstraint(STATUSES, name=op.f("ck_autograde_result_status")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submission.id"], name=op.f("fk_autograde_result_submission_id_submission")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["autograde_run.id"], name=op.f("fk_autograde_result_run_id_autograde_run")
        ),
        sa.ForeignKeyConstraint(
            ["scored_run_id"],
            ["autograde_run.id"],
            name=op.f("fk_autograde_result_scored_run_id_autograde_run"),
        ),
        sa.PrimaryKeyConstraint("submission_id", "criterion_id", name=op.f("pk_autograde_result")),
    )


def _sqlite_triggers() -> None:
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER autograde_run_no_{action.lower()} BEFORE {action} ON autograde_run "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    # INSERT OR REPLACE deletes the old row without firing delete triggers.
    op.execute(
        "CREATE TRIGGER autograde_run_no_replace BEFORE INSERT ON autograde_run "  # noqa: S608  (constants)
        "WHEN EXISTS (SELECT 1 FROM autograde_run WHERE id = NEW.id) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    for name, (when, submission) in _SQLITE_STALE.items():
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {_MARK_STALE.format(submission=submission)}; END")


def _postgresql_triggers() -> None:
    # grader_append_only (0001) and grader_summary_stale_choice (0006) serve any table: the
    # first raises its argument, the second marks the summary of NEW/OLD.submission_id stale.
    op.execute(
        "CREATE TRIGGER autograde_run_append_only BEFORE UPDATE OR DELETE ON autograde_run "
        f"FOR EACH ROW EXECUTE FUNCTION grader_append_only('{MESSAGE}')"
    )
    op.execute(
        "CREATE TRIGGER autograde_run_no_truncate BEFORE TRUNCATE ON autograde_run "
        f"FOR EACH STATEMENT EXECUTE FUNCTION grader_append_only('{MESSAGE}')"
    )
    op.execute(
        "CREATE TRIGGER autograde_result_summary_stale AFTER INSERT OR UPDATE OR DELETE ON autograde_result "
        "FOR EACH ROW EXECUTE FUNCTION grader_summary_stale_choice()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("autograde_run_no_update", "autograde_run_no_delete", "autograde_run_no_replace"):
            op.execute(f"DROP TRIGGER {name}")
        for name in _SQLITE_STALE:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("autograde_result")
    op.drop_index(op.f("ix_autograde_run_assignment_id_student_id_criterion_id"), table_name="autograde_run")
    op.drop_table("autograde_run")

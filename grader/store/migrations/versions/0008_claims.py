"""Claims and change stamps: who is grading which submission, and what changed since when.

``submission_claim`` holds one lease per submission being graded: the grader's name, a token
that tells two processes of one name apart, and when the lease expires. It is not a record
(nothing is graded by it) and rows come and go; taking a claim over is audited in audit_event.

``submission_summary.changed_at`` is the database's own clock at the latest write of the
summary row, which every change to a choice, flag, excuse, pull state or autograde result
already touches (0006, 0007): a screen asks "which submissions changed since T" in one indexed
query. On PostgreSQL every statement that writes a summary or a claim also notifies the
channel ``grader_gradebook`` (payload: the schema), so open screens wake without polling.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

CHANNEL = "grader_gradebook"
_SUMMARY_COLUMNS = (
    "stamp, status, score, max_score, final, pulled, excused, flagged, mastery_graded, skills, unscored"
)
_SQLITE_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_SQLITE_STAMP = (
    f"UPDATE submission_summary SET changed_at = {_SQLITE_NOW} "  # noqa: S608  (constants)
    "WHERE assignment_id = NEW.assignment_id AND student_id = NEW.student_id"
)
_SQLITE_TRIGGERS = {
    "summary_changed_on_insert": "AFTER INSERT ON submission_summary",
    # Not OF changed_at, so the stamp's own UPDATE fires nothing.
    "summary_changed_on_update": f"AFTER UPDATE OF {_SUMMARY_COLUMNS} ON submission_summary",
}
_POSTGRESQL_NOTIFY = {
    "submission_summary_notify": "submission_summary",
    "submission_claim_notify": "submission_claim",
}


def upgrade() -> None:
    op.create_table(
        "submission_claim",
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("claimed_at", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", "student_id", name=op.f("pk_submission_claim")),
    )
    op.add_column("submission_summary", sa.Column("changed_at", sa.Text(), server_default="", nullable=False))
    op.create_index(op.f("ix_submission_summary_changed_at"), "submission_summary", ["changed_at"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, when in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {_SQLITE_STAMP}; END")
    elif dialect == "postgresql":
        _postgresql_triggers()
    else:
        raise NotImplementedError(f"no change triggers for {dialect}")


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION grader_summary_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "NEW.changed_at := to_char(clock_timestamp() AT TIME ZONE 'UTC', "
        '\'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\'); '
        "RETURN NEW; "
        "END $$"
    )
    op.execute(
        "CREATE TRIGGER submission_summary_changed BEFORE INSERT OR UPDATE ON submission_summary "
        "FOR EACH ROW EXECUTE FUNCTION grader_summary_changed()"
    )
    # One notification per transaction: PostgreSQL folds identical payloads of one transaction.
    op.execute(
        "CREATE FUNCTION grader_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN PERFORM pg_notify('{CHANNEL}', current_schema()); RETURN NULL; END $$"
    )
    for name, table in _POSTGRESQL_NOTIFY.items():
        op.execute(
            f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION grader_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name, table in _POSTGRESQL_NOTIFY.items():
            op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute("DROP TRIGGER submission_summary_changed ON submission_summary")
        op.execute("DROP FUNCTION grader_notify_change()")
        op.execute("DROP FUNCTION grader_summary_changed()")
    op.drop_index(op.f("ix_submission_summary_changed_at"), table_name="submission_summary")
    op.drop_column("submission_summary", "changed_at")
    op.drop_table("submission_claim")

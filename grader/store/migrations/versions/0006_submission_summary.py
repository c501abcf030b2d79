"""Submission summaries: each submission's status, score and mastery evidence, kept by every save.

A derived cache (the gradebook stores choices, not totals), so this migration cannot compute it:
it needs the course's rubric files and late policies. Every submission that exists is given a
row marked stale (stamp ''), which the first count or ``grader db upgrade`` computes. Triggers
keep the cache honest from here on: any write to a choice, a flag, an excuse or a pull state
marks the submission's summary stale in the same transaction, whoever writes it, so a summary
that is not stale always describes the choices it summarises.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

_MARK_STALE = (
    "ON CONFLICT (assignment_id, student_id) DO UPDATE SET stamp = ''"  # a stale summary is recomputed
)
_SQLITE_TRIGGERS = {
    "summary_stale_on_choice_insert": ("AFTER INSERT ON criterion_choice", "NEW.submission_id"),
    "summary_stale_on_choice_update": ("AFTER UPDATE ON criterion_choice", "NEW.submission_id"),
    "summary_stale_on_choice_delete": ("AFTER DELETE ON criterion_choice", "OLD.submission_id"),
    "summary_stale_on_review": ("AFTER UPDATE OF flags, excused ON submission", None),
    "summary_stale_on_pull_insert": ("AFTER INSERT ON pull_state", None),
    "summary_stale_on_pull_update": ("AFTER UPDATE ON pull_state", None),
}
_POSTGRESQL_TRIGGERS = {
    "criterion_choice_summary_stale": (
        "AFTER INSERT OR UPDATE OR DELETE ON criterion_choice",
        "grader_summary_stale_choice",
    ),
    "submission_summary_stale": ("AFTER UPDATE OF flags, excused ON submission", "grader_summary_stale_key"),
    "pull_state_summary_stale": ("AFTER INSERT OR UPDATE ON pull_state", "grader_summary_stale_key"),
}


def upgrade() -> None:
    false = sa.false()
    op.create_table(
        "submission_summary",
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("stamp", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.Text(), server_default="", nullable=False),
        sa.Column("score", sa.Text(), nullable=True),
        sa.Column("max_score", sa.Text(), server_default="0", nullable=False),
        sa.Column("final", sa.Boolean(), server_default=false, nullable=False),
        sa.Column("pulled", sa.Boolean(), server_default=false, nullable=False),
        sa.Column("excused", sa.Boolean(), server_default=false, nullable=False),
        sa.Column("flagged", sa.Boolean(), server_default=false, nullable=False),
        sa.Column("mastery_graded", sa.Boolean(), server_default=false, nullable=False),
        sa.Column("skills", sa.Text(), server_default="", nullable=False),
        sa.Column("unscored", sa.Text(), server_default="[]", nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", "student_id", name=op.f("pk_submission_summary")),
    )
    op.execute(
        "INSERT INTO submission_summary (assignment_id, student_id, stamp) "
        "SELECT assignment_id, student_id, '' FROM submission "
        "UNION SELECT assignment_id, student_id, '' FROM pull_state"
    )
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_triggers()
    elif dialect == "postgresql":
        _postgresql_triggers()
    else:
        raise NotImplementedError(f"no summary triggers for {dialect}")


def _sqlite_triggers() -> None:
    for name, (when, submission_id) in _SQLITE_TRIGGERS.items():
        if submission_id is not None:  # a choice names its submission by id
            mark = (
                "INSERT INTO submission_summary (assignment_id, student_id, stamp) "  # noqa: S608  (constants)
                f"SELECT assignment_id, student_id, '' FROM submission WHERE id = {submission_id} "
            )
        else:
            mark = (
                "INSERT INTO submission_summary (assignment_id, student_id, stamp) "
                "VALUES (NEW.assignment_id, NEW.student_id, '') "
            )
        op.execute(f"CREATE TRIGGER {name} {when} BEGIN {mark}{_MARK_STALE}; END")


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION grader_summary_stale_choice() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
        "DECLARE chosen integer; "
        "BEGIN "
        "IF TG_OP = 'DELETE' THEN chosen := OLD.submission_id; ELSE chosen := NEW.submission_id; END IF; "
        "INSERT INTO submission_summary (assignment_id, student_id, stamp) "
        f"SELECT assignment_id, student_id, '' FROM submission WHERE id = chosen {_MARK_STALE}; "
        "RETURN NULL; "
        "END $$"
    )
    op.execute(
        "CREATE FUNCTION grader_summary_stale_key() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608
        "BEGIN "
        "INSERT INTO submission_summary (assignment_id, student_id, stamp) "
        f"VALUES (NEW.assignment_id, NEW.student_id, '') {_MARK_STALE}; "
        "RETURN NULL; "
        "END $$"
    )
    for name, (when, function) in _POSTGRESQL_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for name, (when, _) in _POSTGRESQL_TRIGGERS.items():
            table = when.split(" ON ")[-1]
            op.execute(f"DROP TRIGGER {name} ON {table}")
        op.execute("DROP FUNCTION grader_summary_stale_choice()")
        op.execute("DROP FUNCTION grader_summary_stale_key()")
    op.drop_table("submission_summary")

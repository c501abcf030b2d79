"""Anonymous grading: pseudonyms per student and assignment, and the reveals.

``pseudonym`` holds each student's pseudonym in an anonymous assignment, drawn once at random
(unique within the assignment) and never changed: the database refuses UPDATE and DELETE, so
every grader of a team sees the same pseudonym all term. ``identity_reveal`` holds the
assignments whose identities were revealed (one row each, also never changed); each reveal is
in the audit log too.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None

TABLES = {"pseudonym": "pseudonyms never change", "identity_reveal": "a reveal cannot be undone"}
KEYS = {
    "pseudonym": "assignment_id = NEW.assignment_id AND student_id = NEW.student_id",
    "identity_reveal": "assignment_id = NEW.assignment_id",
}


def upgrade() -> None:
    op.create_table(
        "pseudonym",
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("pseudonym", sa.Text(), nullable=False),
        sa.Column("drawn_at", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", "student_id", name=op.f("pk_pseudonym")),
    )
    op.create_index(
        op.f("ix_pseudonym_assignment_id_pseudonym"), "pseudonym", ["assignment_id", "pseudonym"], unique=True
    )
    op.create_table(
        "identity_reveal",
        sa.Column("assignment_id", sa.Text(), nullable=False),
        sa.Column("revealed_at", sa.Text(), nullable=False),
        sa.Column("revealed_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("assignment_id", name=op.f("pk_identity_reveal")),
    )
    for table, message in TABLES.items():
        _unchangeable(table, message)


def _unchangeable(table: str, message: str) -> None:
    """The database itself refuses UPDATE and DELETE (and TRUNCATE) of the table's rows."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        # INSERT OR REPLACE deletes the old row without firing delete triggers.
        guard = f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {KEYS[table]})"  # noqa: S608 (constants)
        op.execute(
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} {guard} "
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        )
    elif dialect == "postgresql":  # grader_append_only() is 0001's
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
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            for name in ("no_update", "no_delete", "no_replace"):
                op.execute(f"DROP TRIGGER {table}_{name}")
    op.drop_table("identity_reveal")
    op.drop_index(op.f("ix_pseudonym_assignment_id_pseudonym"), table_name="pseudonym")
    op.drop_table("pseudonym")

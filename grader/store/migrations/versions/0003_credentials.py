"""Credentials: issued microcredentials (append-only), review flags and revocations (append-only).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

APPEND_ONLY = {
    "credential": "issued credentials are append-only",
    "credential_review": "credential reviews are append-only",
    "revocation": "a revocation cannot be undone",
}


def upgrade() -> None:
    op.create_table(
        "credential",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("student_id", sa.Text(), nullable=False),
        sa.Column("badge_id", sa.Text(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.Text(), nullable=False),
        sa.Column("issued_by", sa.Text(), nullable=False),
        sa.Column("key_id", sa.Text(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential")),
        sa.UniqueConstraint("student_id", "badge_id", name=op.f("uq_credential_student_id_badge_id")),
        sa.UniqueConstraint("status_index", name=op.f("uq_credential_status_index")),
    )
    op.create_table(
        "credential_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_review")),
        sa.ForeignKeyConstraint(
            ["credential_id"], ["credential.id"], name=op.f("fk_credential_review_credential_id_credential")
        ),
    )
    op.create_index(op.f("ix_credential_review_credential_id"), "credential_review", ["credential_id"])
    op.create_table(
        "revocation",
        sa.Column("credential_id", sa.Text(), nullable=False),
        sa.Column("revoked_at", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("revoked_by", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("credential_id", name=op.f("pk_revocation")),
        sa.ForeignKeyConstraint(
            ["credential_id"], ["credential.id"], name=op.f("fk_revocation_credential_id_credential")
        ),
    )
    _refuse_changes()


def _refuse_changes() -> None:
    dialect = op.get_bind().dialect.name
    for table, message in APPEND_ONLY.items():
        if dialect == "sqlite":
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
            key = "credential_id" if table == "revocation" else "id"
            guard = f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key})"  # noqa: S608  (constant names)
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} {guard} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        elif dialect == "postgresql":
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
    op.drop_table("revocation")
    op.drop_table("credential_review")
    op.drop_table("credential")

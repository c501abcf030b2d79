"""The autograde layer's tables (migration 0007), registered on the gradebook's METADATA.

Imported by grader.store.tables, so every user of METADATA sees them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKeyConstraint, Index, Integer, Text
from sqlmodel import Field

from grader.store.tables import METADATA, GradebookTable

STATUSES = "status IN ('passed', 'partial', 'failed', 'timeout', 'error', 'refused')"


class AutogradeRunRow(GradebookTable, table=True):
    """One run of a criterion's check on a graded commit. Append-only: triggers refuse UPDATE and
    DELETE. ``output`` is capped by the store; ``tests`` is a JSON list of [name, outcome, points]."""

    __tablename__ = "autograde_run"
    __table_args__ = (
        CheckConstraint(STATUSES, name="status"),
        Index(None, "assignment_id", "student_id", "criterion_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: str = Field(sa_type=Text)
    student_id: str = Field(sa_type=Text)
    criterion_id: str = Field(sa_type=Text)
    graded_commit: str = Field(sa_type=Text)
    check_digest: str = Field(sa_type=Text)
    sandbox: str = Field(sa_type=Text)
    status: str = Field(sa_type=Text)
    points: str | None = Field(default=None, sa_type=Text)
    max_points: str = Field(sa_type=Text)
    exit_code: int | None = Field(default=None, sa_type=Integer)
    duration_s: float = Field(sa_type=Float)
    reason: str = Field(sa_type=Text)
    tests: str = Field(sa_type=Text)
    output: str = Field(sa_type=Text)
    output_truncated: bool = Field(sa_type=Boolean)
    ran_at: str = Field(sa_type=Text)
    actor: str = Field(sa_type=Text)


class AutogradeResultRow(GradebookTable, table=True):
    """The current autograde result of one criterion of one submission, beside the graders' choice.

    ``status``, ``reason``, the test counts and ``sandbox`` are the latest run's (``run_id``);
    ``points`` are those of the latest run that produced a score (``scored_run_id``), so a run
    that could not happen (error, refused) never replaces a score with nothing.
    """

    __tablename__ = "autograde_result"
    __table_args__ = (
        CheckConstraint(STATUSES, name="status"),
        ForeignKeyConstraint(["submission_id"], ["submission.id"]),
        ForeignKeyConstraint(["run_id"], ["autograde_run.id"]),
        ForeignKeyConstraint(["scored_run_id"], ["autograde_run.id"]),
    )

    submission_id: int = Field(primary_key=True, sa_type=Integer)
    criterion_id: str = Field(primary_key=True, sa_type=Text)
    run_id: int = Field(sa_type=Integer)
    scored_run_id: int | None = Field(default=None, sa_type=Integer)
    status: str = Field(sa_type=Text)
    points: str | None = Field(default=None, sa_type=Text)
    reason: str = Field(sa_type=Text)
    tests_passed: int | None = Field(default=None, sa_type=Integer)
    tests_total: int | None = Field(default=None, sa_type=Integer)
    sandbox: str = Field(sa_type=Text)


AUTOGRADE_RUN = METADATA.tables["autograde_run"]
AUTOGRADE_RESULT = METADATA.tables["autograde_result"]

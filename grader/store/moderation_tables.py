"""Moderation's tables (migration 0010), registered on the gradebook's METADATA.

Imported by grader.store.tables, so every user of METADATA sees them.
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, Text
from sqlmodel import Field

from grader.store.tables import METADATA, GradebookTable


class ModerationQueueRow(GradebookTable, table=True):
    """A submission sampled for second marking, and who is to second-mark it."""

    __tablename__ = "moderation_queue"
    __table_args__ = (Index(None, "assignment_id", "moderator"),)

    assignment_id: str = Field(primary_key=True, sa_type=Text)
    student_id: str = Field(primary_key=True, sa_type=Text)
    first_marker: str = Field(sa_type=Text)
    """The graders of the submission's current choices when sampled, joined by ", "."""
    moderator: str = Field(sa_type=Text)
    seed: int = Field(sa_type=Integer)
    queued_at: str = Field(sa_type=Text)
    queued_by: str = Field(sa_type=Text)


class SecondMarkRow(GradebookTable, table=True):
    """One second mark of one criterion. Append-only: triggers refuse UPDATE and DELETE; the
    latest row of a (submission, criterion) is the second mark in force."""

    __tablename__ = "second_mark"
    __table_args__ = (Index(None, "assignment_id", "student_id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: str = Field(sa_type=Text)
    actor: str = Field(sa_type=Text)
    assignment_id: str = Field(sa_type=Text)
    student_id: str = Field(sa_type=Text)
    criterion_id: str = Field(sa_type=Text)
    choice: str = Field(sa_type=Text)
    rubric_hash: str = Field(sa_type=Text)


MODERATION_QUEUE = METADATA.tables["moderation_queue"]
SECOND_MARK = METADATA.tables["second_mark"]

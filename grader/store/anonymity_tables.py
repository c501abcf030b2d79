"""Anonymous grading's tables (migration 0011), registered on the gradebook's METADATA.

Imported by grader.store.tables, so every user of METADATA sees them.
"""

from __future__ import annotations

from sqlalchemy import Index, Text
from sqlmodel import Field

from grader.store.tables import METADATA, GradebookTable


class PseudonymRow(GradebookTable, table=True):
    """A student's pseudonym in one anonymous assignment: drawn once, never changed."""

    __tablename__ = "pseudonym"
    __table_args__ = (Index(None, "assignment_id", "pseudonym", unique=True),)

    assignment_id: str = Field(primary_key=True, sa_type=Text)
    student_id: str = Field(primary_key=True, sa_type=Text)
    pseudonym: str = Field(sa_type=Text)
    drawn_at: str = Field(sa_type=Text)


class RevealRow(GradebookTable, table=True):
    """An anonymous assignment whose identities were revealed to its graders (for good)."""

    __tablename__ = "identity_reveal"

    assignment_id: str = Field(primary_key=True, sa_type=Text)
    revealed_at: str = Field(sa_type=Text)
    revealed_by: str = Field(sa_type=Text)


PSEUDONYM = METADATA.tables["pseudonym"]
IDENTITY_REVEAL = METADATA.tables["identity_reveal"]

"""The claims table (migration 0008), registered on the gradebook's METADATA.

Imported by grader.store.tables, so every user of METADATA sees it.
"""

from __future__ import annotations

from sqlalchemy import Text
from sqlmodel import Field

from grader.store.tables import METADATA, GradebookTable


class ClaimRow(GradebookTable, table=True):
    """A lease on one submission by the grader grading it: held until ``expires_at`` unless
    renewed. ``token`` names the process holding it (two TUIs of one grader name differ)."""

    __tablename__ = "submission_claim"

    assignment_id: str = Field(primary_key=True, sa_type=Text)
    student_id: str = Field(primary_key=True, sa_type=Text)
    actor: str = Field(sa_type=Text)
    token: str = Field(sa_type=Text)
    claimed_at: str = Field(sa_type=Text)
    expires_at: str = Field(sa_type=Text)


CLAIM = METADATA.tables["submission_claim"]

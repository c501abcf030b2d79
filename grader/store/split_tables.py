"""The work split's table (migration 0009), registered on the gradebook's METADATA.

Imported by grader.store.tables, so every user of METADATA sees it.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index, Integer, Text
from sqlmodel import Field

from grader.store.tables import METADATA, GradebookTable

MODES = "mode IN ('submissions', 'sections', 'criteria')"


class GraderSplitRow(GradebookTable, table=True):
    """One submission (``item_id``: the student id) or one criterion of an assignment, and the
    grader it is split to. Replaced as a whole by each ``grader assign``; audited there."""

    __tablename__ = "grader_split"
    __table_args__ = (CheckConstraint(MODES, name="mode"), Index(None, "assignment_id", "grader"))

    assignment_id: str = Field(primary_key=True, sa_type=Text)
    item_id: str = Field(primary_key=True, sa_type=Text)
    grader: str = Field(sa_type=Text)
    mode: str = Field(sa_type=Text)
    position: int = Field(sa_type=Integer)
    """The item's place in roster (or rubric) order when the split was made."""
    assigned_at: str = Field(sa_type=Text)
    assigned_by: str = Field(sa_type=Text)


GRADER_SPLIT = METADATA.tables["grader_split"]

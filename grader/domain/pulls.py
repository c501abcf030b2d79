"""The state of a repository after pulls, as the gradebook keeps it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PullState:
    assignment_id: str
    student_id: str
    result: str
    reason: str
    graded_commit: str | None
    late_minutes: int | None
    flags: tuple[str, ...]
    pulled_at: datetime
    checked_out: str | None = None
    """The commit whose files are in the checkout (differs from graded_commit if a checkout failed)."""
    basis: str = ""
    """The deadline, grace and extension the graded commit was resolved against."""


@dataclass(frozen=True)
class Extension:
    assignment_id: str
    student_id: str
    until: datetime
    reason: str
    granted_by: str
    granted_at: datetime

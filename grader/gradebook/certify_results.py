"""What `grader certify` says about each (student, badge): the statuses and one result row."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ISSUED = "issued"
WOULD_ISSUE = "would issue"
FLAGGED_NOW = "flagged for review"
CLEARED = "review cleared"
WOULD_FLAG = "would be flagged for review"


@dataclass(frozen=True)
class CertifyResult:
    student_id: str
    badge_id: str
    status: str
    """``issued`` (now), ``would issue`` (dry run), ``active``, ``flagged for review``,
    ``review cleared`` or ``revoked``."""
    credential_id: str | None
    path: Path | None
    detail: str = ""
    """Why it was flagged, or what the learner's files need (e.g. a font to install)."""

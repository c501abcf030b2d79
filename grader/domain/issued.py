"""Issued credentials as the gradebook keeps them: who, which badge, where in the status list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from grader.domain.errors import GraderError

ACTIVE = "active"
FLAGGED = "flagged for review"
REVOKED = "revoked"


@dataclass(frozen=True)
class Revocation:
    revoked_at: datetime
    reason: str
    revoked_by: str


@dataclass(frozen=True)
class IssuedCredential:
    credential_id: str
    """A random UUID (``urn:uuid:`` is added in the credential itself)."""
    student_id: str
    badge_id: str
    status_index: int
    """Its bit in the issuer's revocation status list."""
    issued_at: datetime
    issued_by: str
    key_id: str
    """The verification method that signed it."""
    document: str
    """The signed credential JSON, exactly as handed to the learner."""
    review: str = ""
    """Why it is flagged for review (e.g. a regrade fell below a threshold); empty when not."""
    revocation: Revocation | None = None

    @property
    def status(self) -> str:
        if self.revocation is not None:
            return REVOKED
        return FLAGGED if self.review else ACTIVE


STATUS_LIST_SIZE = 131_072
"""Entries in a W3C Bitstring Status List (16 KiB): the minimum that keeps holders anonymous."""


class StatusIndexTaken(GraderError):
    """Another credential took this status-list index first; sign again with another one."""

    def __init__(self, index: int) -> None:
        super().__init__(f"status list index {index} was taken by another credential")
        self.index = index

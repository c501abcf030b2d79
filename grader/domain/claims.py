"""Claims: which grader is grading a submission right now, as a lease that runs out by itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Claimant:
    """Who holds a claim: the grader's name, and a token naming the process (two TUIs of one
    grader name are two claimants; both are shown by name)."""

    actor: str
    token: str


@dataclass(frozen=True)
class Claim:
    """A lease on one submission: held by ``actor`` (its process: ``token``) until ``expires_at``."""

    assignment_id: str
    student_id: str
    actor: str
    token: str
    claimed_at: datetime
    expires_at: datetime

    @property
    def claimant(self) -> Claimant:
        return Claimant(self.actor, self.token)

    def is_held_by(self, claimant: Claimant) -> bool:
        return self.claimant == claimant

    def is_active(self, now: datetime) -> bool:
        return now < self.expires_at


TAKEN_OVER = "claim taken over"
"""The audit action of a take-over; its details name the assignment, the student, who held the
claim (``from``) and who took it (``to``)."""


def being_graded(claim: Claim) -> str:
    """What others are told: "being graded by NAME"."""
    return f"being graded by {claim.actor}"

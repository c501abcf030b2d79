"""The store's claims: who is grading which submission, one unit of work per method."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from grader.domain.claims import TAKEN_OVER, Claim, Claimant
from grader.store import claims, records
from grader.store.base import StoreBase
from grader.store.claims import Lease
from grader.store.codec import timestamp


def _lease(claimant: Claimant, now: datetime, lease: timedelta) -> Lease:
    return Lease(claimant, timestamp(now), timestamp(now + lease))


class ClaimAccess(StoreBase):
    """Leases on submissions (table ``submission_claim``); taking one over is audited."""

    def claim(
        self, assignment_id: str, student_id: str, claimant: Claimant, *, now: datetime, lease: timedelta
    ) -> Claim:
        """Claim a submission, or renew the claimant's claim, until ``now + lease``; a claim of
        someone else that has not expired stays. Returns the claim standing afterwards."""
        with self._writing() as session:
            return claims.take(session, assignment_id, student_id, _lease(claimant, now, lease), force=False)

    def take_over(
        self, assignment_id: str, student_id: str, claimant: Claimant, *, now: datetime, lease: timedelta
    ) -> tuple[Claim, Claim | None]:
        """Take a submission's claim whoever holds it; audited when it was someone else's and
        active. Returns the claimant's claim and the one it replaced (None: it was free)."""
        at = timestamp(now)
        with self._writing() as session:
            held = claims.standing(session, assignment_id, student_id, lock=True)
            before = (
                held if held is not None and held.is_active(now) and not held.is_held_by(claimant) else None
            )
            mine = claims.take(session, assignment_id, student_id, _lease(claimant, now, lease), force=True)
            if before is not None:
                details: dict[str, object] = {
                    "assignment": assignment_id,
                    "student_id": student_id,
                    "from": before.actor,
                    "to": claimant.actor,
                }
                records.append_audit(session, TAKEN_OVER, details, actor=claimant.actor, at=at)
            return mine, before

    def release_claim(self, assignment_id: str, student_id: str, claimant: Claimant) -> bool:
        """Drop the claimant's claim on a submission; False when it held none."""
        with self._writing() as session:
            return claims.release(session, assignment_id, student_id, claimant)

    def release_claims(self, claimant: Claimant) -> int:
        """Drop every claim of the claimant (its process is leaving)."""
        with self._writing() as session:
            return claims.release_all(session, claimant)

    def active_claims(self, *, now: datetime, assignment_ids: Iterable[str] | None = None) -> list[Claim]:
        """Claims not expired at ``now`` (of these assignments, or all), oldest first."""
        with self._reading() as session:
            return claims.active(session, timestamp(now), assignment_ids)

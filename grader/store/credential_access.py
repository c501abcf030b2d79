"""The store's credentials: issued once per (student, badge), reviewed, revoked for good."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from grader.domain.issued import IssuedCredential, Revocation, StatusIndexTaken
from grader.store import credentials, records
from grader.store.base import StoreBase
from grader.store.codec import timestamp


class CredentialAccess(StoreBase):
    """Issued credentials, their reviews and revocations (each with its audit entry)."""

    def issue_credential(self, credential: IssuedCredential) -> IssuedCredential:
        """Record a signed credential, once per (student, badge): the one already issued wins.

        Raises StatusIndexTaken when another credential took its status-list index meanwhile
        (the caller signs again with a fresh index).
        """
        (stands,) = self.issue_credentials([credential])
        if stands is None:
            raise StatusIndexTaken(credential.status_index)
        return stands

    def issue_credentials(self, candidates: Sequence[IssuedCredential]) -> list[IssuedCredential | None]:
        """Record several signed credentials in one transaction, each once per (student, badge).

        For each candidate, in order: the credential that stands (the candidate, or the one issued
        before it for the same student and badge), or None when its status-list index is taken (the
        caller signs it again with a fresh index). All are durable when this returns.
        """
        if not candidates:
            return []
        try:
            with self._writing() as session:
                return credentials.record_credentials(session, candidates)
        except IntegrityError:
            pass  # another writer got there between our reads and inserts: settle them one by one
        settled: list[IssuedCredential | None] = []
        for candidate in candidates:
            try:
                with self._writing() as session:
                    settled += credentials.record_credentials(session, [candidate])
            except IntegrityError:
                again = self.credentials(student_id=candidate.student_id)
                settled.append(next((c for c in again if c.badge_id == candidate.badge_id), None))
        return settled

    def credentials(self, student_id: str | None = None) -> list[IssuedCredential]:
        """Every issued credential (or a student's), oldest first, with review and revocation."""
        with self._reading() as session:
            return credentials.read_credentials(session, student_id=student_id)

    def credential(self, credential_id: str) -> IssuedCredential | None:
        with self._reading() as session:
            found = credentials.read_credentials(session, credential_id=credential_id)
        return found[0] if found else None

    def used_status_indexes(self) -> set[int]:
        with self._reading() as session:
            return credentials.used_status_indexes(session)

    def review_credential(self, credential_id: str, reason: str, *, actor: str, now: datetime) -> None:
        """Flag a credential for review (``reason``), or clear the flag (empty ``reason``)."""
        at = timestamp(now)
        with self._writing() as session:
            credentials.append_review(session, credential_id, reason, by=actor, at=at)
            action = "credential flagged for review" if reason else "credential review cleared"
            details: dict[str, object] = {"credential_id": credential_id, "reason": reason}
            records.append_audit(session, action, details, actor=actor, at=at)

    def revoke_credential(self, credential_id: str, revocation: Revocation) -> None:
        """Revoke for good: a second revocation of the same credential is refused by the database."""
        with self._writing() as session:
            credentials.insert_revocation(session, credential_id, revocation)
            records.append_audit(
                session,
                "credential revoked",
                {"credential_id": credential_id, "reason": revocation.reason},
                actor=revocation.revoked_by,
                at=timestamp(revocation.revoked_at),
            )

"""The store's part of anonymous grading: pseudonyms drawn once per student and assignment
(never changed), and the reveals, each with its audit entry in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from grader.domain.anonymity import IDENTITIES_REVEALED, Reveal
from grader.domain.events import AuditEntry
from grader.store import records
from grader.store.anonymity_tables import IDENTITY_REVEAL, PSEUDONYM
from grader.store.base import ID_CHUNK, StoreBase, serialise
from grader.store.codec import parse_timestamp, timestamp


class AnonymityAccess(StoreBase):
    """Pseudonyms and reveals; one unit of work per method."""

    def pseudonyms(
        self,
        assignment_id: str,
        student_ids: Sequence[str],
        draw: Callable[[int, Collection[str]], list[str]],
        *,
        now: datetime,
    ) -> dict[str, str]:
        """Student id → pseudonym for every given student; the missing ones are drawn with
        ``draw(count, taken)`` and saved first (one transaction, serialised per assignment)."""
        with self._reading() as session:
            found = _pseudonyms(session, assignment_id)
        if all(sid in found for sid in student_ids):
            return found
        with self._writing() as session:
            serialise(session, "pseudonym", assignment_id)
            found = _pseudonyms(session, assignment_id)
            missing = list(dict.fromkeys(sid for sid in student_ids if sid not in found))
            codes = draw(len(missing), set(found.values()))
            at = timestamp(now)
            rows = [
                {"assignment_id": assignment_id, "student_id": sid, "pseudonym": code, "drawn_at": at}
                for sid, code in zip(missing, codes, strict=True)
            ]
            for start in range(0, len(rows), ID_CHUNK):
                session.execute(insert(PSEUDONYM), rows[start : start + ID_CHUNK])
            found.update(zip(missing, codes, strict=True))
        return found

    def reveal_of(self, assignment_id: str) -> Reveal | None:
        """When and by whom the assignment's identities were revealed, or None."""
        c = IDENTITY_REVEAL.c
        with self._reading() as session:
            row = session.execute(
                select(c.revealed_at, c.revealed_by).where(c.assignment_id == assignment_id)
            ).one_or_none()
        return Reveal(assignment_id, parse_timestamp(row.revealed_at), row.revealed_by) if row else None

    def reveal(
        self, assignment_id: str, details: dict[str, object], *, actor: str, now: datetime
    ) -> tuple[Reveal, AuditEntry | None]:
        """Reveal the assignment's identities to its graders, audited; a second reveal changes
        nothing and returns the first (with no audit entry)."""
        at = timestamp(now)
        with self._writing() as session:
            serialise(session, "reveal", assignment_id)
            c = IDENTITY_REVEAL.c
            row = session.execute(
                select(c.revealed_at, c.revealed_by).where(c.assignment_id == assignment_id)
            ).one_or_none()
            if row is not None:
                return Reveal(assignment_id, parse_timestamp(row.revealed_at), row.revealed_by), None
            session.execute(
                insert(IDENTITY_REVEAL).values(assignment_id=assignment_id, revealed_at=at, revealed_by=actor)
            )
            entry = records.append_audit(session, IDENTITIES_REVEALED, details, actor=actor, at=at)
        return Reveal(assignment_id, parse_timestamp(at), actor), entry


def _pseudonyms(session: Session, assignment_id: str) -> dict[str, str]:
    c = PSEUDONYM.c
    rows = session.execute(select(c.student_id, c.pseudonym).where(c.assignment_id == assignment_id))
    return {row.student_id: row.pseudonym for row in rows}

"""The store's records beside the grades: rubrics accepted and checked, the course snapshot, and
the logs (grade events, the audit log)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from grader.domain.choices import CriterionChoice
from grader.domain.events import AuditEntry, EventOutcome, GradeEvent
from grader.domain.roster import Student
from grader.store import history, reading, records, review, snapshots
from grader.store.base import StoreBase
from grader.store.codec import parse_timestamp, timestamp


class RecordAccess(StoreBase):
    """Accepted rubrics, rubric checks, the course snapshot, grade events and the audit log."""

    def choices_in_use(self, assignment_id: str) -> list[tuple[str, CriterionChoice, int]]:
        """(criterion id, level / items / points, submissions) of each distinct choice in use."""
        with self._reading() as session:
            return review.choices_in_use(session, assignment_id)

    def last_event_id(self) -> int:
        """The newest grade event's id: unchanged means no choice changed anywhere."""
        with self._reading() as session:
            return review.last_event_id(session)

    def choices_since(
        self, assignment_id: str, after_event_id: int, *, limit: int = 5000
    ) -> tuple[int, list[tuple[str, CriterionChoice]]] | None:
        """The newest event id read and (criterion, new choice) of an assignment's applied events
        since ``after_event_id``; None when that cannot be told cheaply and exactly: more than
        ``limit`` events of the gradebook came since, or PostgreSQL (ids are not in commit order)."""
        with self._reading() as session:
            return review.choices_since(session, assignment_id, after_event_id, limit)

    @property
    def events_in_commit_order(self) -> bool:
        """True when events committed after a mark always have higher ids (SQLite), so that
        ``choices_since`` can answer and a rubric verification can be extended across processes."""
        return review.events_in_commit_order(self.dialect)

    def rubric_check(self, assignment_id: str) -> tuple[str, int, datetime] | None:
        """(rubric hash, newest grade event id covered, when checked in full) of the last
        verification that no choice in use of the assignment is stale, or None."""
        with self._reading() as session:
            found = review.rubric_check(session, assignment_id)
        return None if found is None else (found[0], found[1], parse_timestamp(found[2]))

    def record_rubric_check(
        self, assignment_id: str, rubric_hash: str, event_id: int, *, checked_at: datetime
    ) -> None:
        """Record that, with every applied event up to ``event_id`` saved, no choice in use was
        stale under ``rubric_hash`` (checked in full at ``checked_at``); replaces the last one."""
        try:
            with self._writing() as session:
                review.record_rubric_check(
                    session, assignment_id, rubric_hash, event_id, timestamp(checked_at)
                )
        except IntegrityError:
            pass  # a concurrent verification was recorded instead; it is as true as this one

    # The course snapshot (the TUI opens from it while the course files are unchanged)

    def record_course_snapshot(
        self,
        *,
        files: dict[str, str],
        roster_file: str,
        course: dict[str, object],
        rubrics: dict[str, object],
        students: Sequence[Student],
        now: datetime,
    ) -> bool:
        """Record the fully validated course files (``files``: name -> SHA-256 of the bytes
        validated) unless the snapshot holds them already; True when it was written. SQLite
        only (the quick open reads the file directly): False on PostgreSQL."""
        if self.dialect != "sqlite":
            return False
        with self._reading() as session:
            if snapshots.snapshot_files(session) == files:
                return False
        with self._writing() as session:
            return snapshots.write_snapshot(
                session,
                files=files,
                roster_file=roster_file,
                course=course,
                rubrics=rubrics,
                students=students,
                written_at=timestamp(now),
            )

    # Events

    def events(self, assignment_id: str | None = None, student_id: str | None = None) -> list[GradeEvent]:
        """Grade events, applied and refused, oldest first."""
        with self._reading() as session:
            return reading.read_events(session, assignment_id=assignment_id, student_id=student_id)

    def criterion_changes(
        self, assignment_id: str, student_id: str, criterion_id: str, after_version: int
    ) -> list[GradeEvent]:
        """The applied changes of one criterion of one submission since ``after_version``, oldest
        first (the autograder's runs left out): what a grader who saw that version has not seen."""
        with self._reading() as session:
            return history.criterion_changes(session, assignment_id, student_id, criterion_id, after_version)

    def event_log(
        self,
        *,
        assignment_id: str | None = None,
        student_id: str | None = None,
        actor: str | None = None,
        since: datetime | None = None,
    ) -> Iterator[GradeEvent]:
        """Grade events, applied and refused, oldest first, streamed from one read transaction
        (a consistent snapshot, fetched in chunks)."""
        with self._reading() as session:
            yield from history.stream_events(
                session, assignment_id=assignment_id, student_id=student_id, actor=actor, since=since
            )

    def audit_log(self, *, actor: str | None = None, since: datetime | None = None) -> Iterator[AuditEntry]:
        """Audit entries (actions beside grading), oldest first, streamed like ``event_log``."""
        with self._reading() as session:
            yield from history.stream_audit(session, actor=actor, since=since)

    def replay(self, assignment_id: str) -> dict[str, dict[str, CriterionChoice]]:
        """The assignment's current choices per student, rebuilt from applied events alone."""
        with self._reading() as session:
            events = reading.read_events(
                session, assignment_id=assignment_id, outcomes=(EventOutcome.APPLIED,)
            )
        return reading.replay(events)

    # Rubrics and the audit log

    def accepted_rubric(self, assignment_id: str) -> tuple[str, dict[str, object]] | None:
        """(hash, Rubric.to_dict() content) of the rubric in force, or None."""
        with self._reading() as session:
            return records.current_rubric(session, assignment_id)

    def accept_rubric(
        self,
        assignment_id: str,
        rubric_hash: str,
        content: dict[str, object],
        *,
        actor: str,
        now: datetime,
    ) -> None:
        with self._writing() as session:
            records.accept_rubric(
                session, assignment_id, rubric_hash, content, actor=actor, at=timestamp(now)
            )

    def audit(self, action: str, details: dict[str, object], *, actor: str, now: datetime) -> AuditEntry:
        with self._writing() as session:
            return records.append_audit(session, action, details, actor=actor, at=timestamp(now))

    def audit_entries(self, action: str | None = None) -> list[AuditEntry]:
        with self._reading() as session:
            return records.read_audit(session, action)

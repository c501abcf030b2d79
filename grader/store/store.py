"""The gradebook store: the one way into the database, speaking only domain values."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import (
    AuditEntry,
    ChoiceChange,
    EventOutcome,
    EventSource,
    GradeEvent,
    SubmissionGrade,
)
from grader.domain.issued import IssuedCredential, Revocation, StatusIndexTaken
from grader.domain.pulls import Extension, PullState
from grader.domain.roster import Student
from grader.domain.submission import Observation
from grader.store import credentials, pulls, reading, records, review, snapshots, undoing
from grader.store.backup import copy_sqlite
from grader.store.codec import parse_timestamp, timestamp
from grader.store.conflicts import record_conflicts
from grader.store.engine import make_engine, writer
from grader.store.migrate import current_revision, prepare
from grader.store.mounts import PROC_MOUNTS
from grader.store.saving import Key, SaveRefused, Stamp, apply_changes
from grader.store.tables import SUBMISSION

BATCH_SIZE = 1000
ID_CHUNK = 500
"""Student ids per IN (...) list, well under every database's parameter limit."""


def open_store(url: str, *, mounts_file: Path = PROC_MOUNTS, script_location: Path | None = None) -> Store:
    """Open (creating or upgrading as needed) the gradebook at ``url``."""
    engine = make_engine(url, mounts_file=mounts_file)
    try:
        prepare(engine, script_location=script_location)
    except DBAPIError as error:
        engine.dispose()
        where = engine.url.render_as_string(hide_password=True)
        raise GraderError(f"cannot open the gradebook {where}: {error.orig}") from None
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


class Store:
    """Grades, grade events, accepted rubrics and the audit log of one gradebook.

    Every method is one unit of work with its own session, so a Store may be shared by threads.
    Times passed in must be timezone-aware; they are kept as UTC.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._writer = writer(engine)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def revision(self) -> str | None:
        """The database's schema revision (the code's head once opened)."""
        return current_revision(self._engine)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with self._failing_as("read"), Session(self._engine) as session, session.begin():
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """A write transaction: BEGIN IMMEDIATE on SQLite; committed, or rolled back on error."""
        with self._failing_as("write"), Session(self._writer) as session, session.begin():
            yield session

    @contextmanager
    def _failing_as(self, verb: str) -> Iterator[None]:
        """Turn a database the user must attend to (locked, full, read-only, gone) into a message."""
        try:
            yield
        except OperationalError as error:
            where = self._engine.url.render_as_string(hide_password=True)
            raise GraderError(f"could not {verb} the gradebook {where}: {error.orig}") from error

    # Grades

    def grade(self, assignment_id: str, student_id: str) -> SubmissionGrade:
        """One submission's grade; version 0 and no choices if it was never saved."""
        with self._reading() as session:
            found = reading.read_grades(
                session,
                (SUBMISSION.c.assignment_id == assignment_id) & (SUBMISSION.c.student_id == student_id),
            )
        return found.get(student_id) or reading.empty_grade(assignment_id, student_id)

    def grades(self, assignment_id: str) -> dict[str, SubmissionGrade]:
        """Every saved grade of an assignment, keyed by student id (one query)."""
        with self._reading() as session:
            return reading.read_grades(session, SUBMISSION.c.assignment_id == assignment_id)

    def grades_of(self, assignment_id: str, student_ids: Sequence[str]) -> dict[str, SubmissionGrade]:
        """The saved grades of some students of an assignment (those never saved are absent)."""
        found: dict[str, SubmissionGrade] = {}
        with self._reading() as session:
            for start in range(0, len(student_ids), ID_CHUNK):
                chunk = list(student_ids[start : start + ID_CHUNK])
                found.update(
                    reading.read_grades(
                        session,
                        (SUBMISSION.c.assignment_id == assignment_id) & SUBMISSION.c.student_id.in_(chunk),
                    )
                )
        return found

    def save(
        self,
        changes: Sequence[ChoiceChange],
        *,
        actor: str,
        rubric_hash: str,
        source: EventSource,
        now: datetime,
    ) -> dict[Key, int]:
        """Save a batch all or nothing; return the new version per (assignment, student).

        A change naming a stale ``expected_version`` refuses the whole batch: the refused
        attempts are logged as 'conflict' events and ConflictError says who changed what.
        """
        if not changes:
            return {}
        stamp = Stamp(actor=actor, at=timestamp(now), rubric_hash=rubric_hash, source=source)
        return self._apply(changes, stamp)

    def _apply(
        self,
        changes: Sequence[ChoiceChange],
        stamp: Stamp,
        then: Callable[[Session, dict[Key, int]], None] | None = None,
    ) -> dict[Key, int]:
        """Apply changes (and ``then``) in one write transaction; a stale one is logged and raised."""
        try:
            with self._writing() as session:
                versions = apply_changes(session, changes, stamp)
                if then is not None:
                    then(session, versions)
                return versions
        except SaveRefused as refused:
            with self._writing() as session:
                error = record_conflicts(session, refused.conflicts, stamp, batch_size=len(changes))
            raise error from None

    def save_many(
        self,
        changes: Sequence[ChoiceChange],
        *,
        actor: str,
        rubric_hash: str,
        source: EventSource,
        now: datetime,
        batch_size: int = BATCH_SIZE,
    ) -> dict[Key, int]:
        """Save many changes as consecutive batches, each all or nothing (bulk imports)."""
        versions: dict[Key, int] = {}
        for start in range(0, len(changes), batch_size):
            versions.update(
                self.save(
                    changes[start : start + batch_size],
                    actor=actor,
                    rubric_hash=rubric_hash,
                    source=source,
                    now=now,
                )
            )
        return versions

    def save_undo(
        self, change: ChoiceChange, undone: GradeEvent, *, actor: str, rubric_hash: str, now: datetime
    ) -> int:
        """Save the choice that undoes ``undone`` and mark it undone, together; return the version."""
        stamp = Stamp(actor=actor, at=timestamp(now), rubric_hash=rubric_hash, source=EventSource.UNDO)
        key = (change.assignment_id, change.student_id)

        def mark(session: Session, versions: dict[Key, int]) -> None:
            details: dict[str, object] = {
                "event_id": undone.id,
                "assignment": change.assignment_id,
                "student_id": change.student_id,
                "criterion": change.criterion_id,
                "version": versions.get(key, 0),
            }
            records.append_audit(session, undoing.UNDONE, details, actor=actor, at=stamp.at)

        return self._apply([change], stamp, mark).get(key, 0)

    def last_undoable(
        self,
        actor: str,
        *,
        assignment_id: str | None = None,
        student_id: str | None = None,
        sources: Sequence[EventSource] = (EventSource.GRADER, EventSource.BATCH),
    ) -> GradeEvent | None:
        """The actor's latest applied grade event (of ``sources``) that is not undone yet."""
        with self._reading() as session:
            return undoing.last_undoable(
                session, actor, assignment_id=assignment_id, student_id=student_id, sources=sources
            )

    # Review state: flags and excused submissions

    def set_flag(self, assignment_id: str, student_id: str, note: str, *, actor: str, now: datetime) -> None:
        """Flag a submission for a second look with ``note`` (empty: clear the flag); audited."""
        at = timestamp(now)
        with self._writing() as session:
            review.set_review(session, assignment_id, student_id, flag_note=note)
            details: dict[str, object] = {"assignment": assignment_id, "student_id": student_id, "note": note}
            action = "submission flagged" if note else "submission flag cleared"
            records.append_audit(session, action, details, actor=actor, at=at)

    def set_excused(
        self, assignment_id: str, student_id: str, excused: bool, reason: str, *, actor: str, now: datetime
    ) -> None:
        """Excuse a student from an assignment (or withdraw it), with the reason; audited."""
        at = timestamp(now)
        with self._writing() as session:
            review.set_review(session, assignment_id, student_id, excused=excused)
            details: dict[str, object] = {
                "assignment": assignment_id,
                "student_id": student_id,
                "reason": reason,
            }
            action = "submission excused" if excused else "submission excuse withdrawn"
            records.append_audit(session, action, details, actor=actor, at=at)

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

    # Pulls and extensions

    def record_pull(self, observation: Observation, state: PullState) -> None:
        """Append what a pull observed and the graded commit resolved from all observations."""
        self.record_pulls([(observation, state)])

    def record_pulls(self, pulled: Sequence[tuple[Observation, PullState]]) -> None:
        """Several pulls' observations and states in one transaction (all or nothing)."""
        if not pulled:
            return
        with self._writing() as session:
            pulls.record_pulls(session, pulled)

    def set_pull_state(self, state: PullState) -> None:
        """Replace a submission's resolved state (e.g. after an extension), observing nothing new."""
        with self._writing() as session:
            pulls.write_states(session, [state])

    def observations(self, assignment_id: str, student_id: str) -> list[Observation]:
        """Every observation of one repository, oldest first."""
        with self._reading() as session:
            return pulls.read_observations(session, assignment_id, student_id).get(student_id, [])

    def all_observations(self, assignment_id: str) -> dict[str, list[Observation]]:
        """Every observation of an assignment's repositories per student, oldest first (one query)."""
        with self._reading() as session:
            return pulls.read_observations(session, assignment_id)

    def pull_states(self, assignment_id: str, student_id: str | None = None) -> dict[str, PullState]:
        """The resolved pull state of every pulled submission of an assignment (one query),
        or of one student's."""
        with self._reading() as session:
            return pulls.read_states(session, assignment_id, student_id)

    def pull_states_of(self, assignment_id: str, student_ids: Sequence[str]) -> dict[str, PullState]:
        """The resolved pull states of some students of an assignment (never pulled: absent)."""
        found: dict[str, PullState] = {}
        with self._reading() as session:
            for start in range(0, len(student_ids), ID_CHUNK):
                chunk = student_ids[start : start + ID_CHUNK]
                found.update(pulls.read_states(session, assignment_id, student_ids=chunk))
        return found

    def grant_extension(self, extension: Extension) -> None:
        with self._writing() as session:
            pulls.append_extension(session, extension)
            records.append_audit(
                session,
                "extension granted",
                {
                    "assignment": extension.assignment_id,
                    "student_id": extension.student_id,
                    "until": timestamp(extension.until),
                    "reason": extension.reason,
                },
                actor=extension.granted_by,
                at=timestamp(extension.granted_at),
            )

    def extensions(self, assignment_id: str, student_id: str | None = None) -> dict[str, Extension]:
        """The extension in force per student of an assignment (or of one student)."""
        with self._reading() as session:
            return pulls.read_extensions(session, assignment_id, student_id)

    # Credentials

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

    # Maintenance

    def backup(self, dest: Path, *, overwrite: bool = False) -> Path:
        """A consistent copy of the gradebook, taken while others keep writing."""
        if self.dialect != "sqlite":
            raise GraderError(
                "this gradebook is in PostgreSQL: back it up with pg_dump "
                "(e.g. pg_dump --format=custom --file=grades.dump DBNAME)"
            )
        return copy_sqlite(self._engine, dest, overwrite=overwrite)

    def integrity_check(self) -> str:
        """SQLite's own check of the file: 'ok', or what is damaged."""
        if self.dialect != "sqlite":
            raise GraderError("integrity_check is for SQLite; PostgreSQL checks its own pages")
        with self._engine.connect() as connection:
            rows = connection.exec_driver_sql("PRAGMA integrity_check").scalars().all()
        return "\n".join(str(row) for row in rows)

"""The gradebook store: the one way into the database, speaking only domain values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import NotRequired, TypedDict, Unpack

from sqlalchemy import Engine, bindparam
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from grader.domain.errors import GraderError
from grader.domain.events import (
    ChoiceChange,
    EventSource,
    GradeEvent,
    SubmissionGrade,
)
from grader.store import reading, records, review, summaries, undoing
from grader.store.anonymity import AnonymityAccess
from grader.store.autograde_access import AutogradeAccess
from grader.store.backup import copy_sqlite
from grader.store.base import ID_CHUNK
from grader.store.changes import ChangeAccess
from grader.store.claim_access import ClaimAccess
from grader.store.codec import timestamp
from grader.store.conflicts import record_conflicts
from grader.store.credential_access import CredentialAccess
from grader.store.engine import make_engine
from grader.store.migrate import prepare
from grader.store.moderation import ModerationAccess
from grader.store.mounts import PROC_MOUNTS
from grader.store.pull_access import PullAccess
from grader.store.record_access import RecordAccess
from grader.store.saving import Key, SaveRefused, Stamp, apply_changes
from grader.store.similarity import SimilarityAccess
from grader.store.split import SplitAccess
from grader.store.summary_store import SummaryStore
from grader.store.summary_values import Summarize
from grader.store.tables import SUBMISSION

BATCH_SIZE = 1000


class SaveStamp(TypedDict):
    """Who saves a batch, under which rubric, from where, when (the keywords of :meth:`Store.save`)."""

    actor: str
    rubric_hash: str
    source: EventSource
    now: datetime
    summarize: NotRequired[Summarize | None]


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


class Store(
    PullAccess,
    CredentialAccess,
    RecordAccess,
    AutogradeAccess,
    SplitAccess,
    ClaimAccess,
    ChangeAccess,
    ModerationAccess,
    AnonymityAccess,
    SimilarityAccess,
):
    """Grades and their review state here; pulls, credentials, rubrics, logs, autograde runs,
    the work split, claims, change detection, moderation and anonymity in the parts it is made
    of (``pull_access``, ``credential_access``, ``record_access``, ``autograde_access``,
    ``split``, ``claim_access``, ``moderation``, ``anonymity``, ``changes``).

    Every method is one unit of work with its own session, so a Store may be shared by threads.
    Times passed in must be timezone-aware; they are kept as UTC.

    Each write that changes a submission's choices, flag, excuse or pull state takes a
    ``summarize`` callback: the submission's summary is recomputed with it from what the
    transaction wrote, in that same transaction (without one it is left stale for the next count).
    """

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.summaries = SummaryStore(self._reading, self._writing)
        """Per-submission summaries: counted in grouped queries, rebuilt when stale."""

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
        # One statement, compiled once: the ids are an expanding parameter, not a literal list.
        where = (SUBMISSION.c.assignment_id == bindparam("b_assignment")) & SUBMISSION.c.student_id.in_(
            bindparam("b_students", expanding=True)
        )
        with self._reading() as session:
            for start in range(0, len(student_ids), ID_CHUNK):
                chunk = list(student_ids[start : start + ID_CHUNK])
                params = {"b_assignment": assignment_id, "b_students": chunk}
                found.update(reading.read_grades(session, where, params))
        return found

    def save(
        self,
        changes: Sequence[ChoiceChange],
        *,
        actor: str,
        rubric_hash: str,
        source: EventSource,
        now: datetime,
        summarize: Summarize | None = None,
    ) -> dict[Key, int]:
        """Save a batch all or nothing; return the new version per (assignment, student).

        A change naming a stale ``expected_version`` refuses the whole batch: the refused
        attempts are logged as 'conflict' events and ConflictError says who changed what.
        """
        if not changes:
            return {}
        stamp = Stamp(actor=actor, at=timestamp(now), rubric_hash=rubric_hash, source=source)
        return self._apply(changes, stamp, summarize=summarize)

    def _apply(
        self,
        changes: Sequence[ChoiceChange],
        stamp: Stamp,
        then: Callable[[Session, dict[Key, int]], None] | None = None,
        *,
        summarize: Summarize | None,
    ) -> dict[Key, int]:
        """Apply changes (and ``then``) in one write transaction, the submissions' summaries
        recomputed in it; a stale change is logged and raised."""
        keys = sorted({(change.assignment_id, change.student_id) for change in changes})
        try:
            with self._writing() as session:
                summaries.lock(session, keys)
                versions = apply_changes(session, changes, stamp)
                if then is not None:
                    then(session, versions)
                summaries.refresh(session, keys, summarize)
                return versions
        except SaveRefused as refused:
            with self._writing() as session:
                error = record_conflicts(session, refused.conflicts, stamp, batch_size=len(changes))
            raise error from None

    def save_many(
        self, changes: Sequence[ChoiceChange], *, batch_size: int = BATCH_SIZE, **stamp: Unpack[SaveStamp]
    ) -> dict[Key, int]:
        """Save many changes as consecutive batches, each all or nothing (bulk imports); ``stamp``
        is what :meth:`save` takes besides the changes."""
        versions: dict[Key, int] = {}
        for start in range(0, len(changes), batch_size):
            versions.update(self.save(changes[start : start + batch_size], **stamp))
        return versions

    def save_undo(
        self,
        change: ChoiceChange,
        undone: GradeEvent,
        *,
        actor: str,
        rubric_hash: str,
        now: datetime,
        summarize: Summarize | None = None,
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

        return self._apply([change], stamp, mark, summarize=summarize).get(key, 0)

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

    def set_flag(
        self,
        assignment_id: str,
        student_id: str,
        note: str,
        *,
        actor: str,
        now: datetime,
        summarize: Summarize | None = None,
    ) -> None:
        """Flag a submission for a second look with ``note`` (empty: clear the flag); audited."""
        self._set_review(assignment_id, student_id, actor, now, summarize, flag_note=note)

    def set_excused(
        self,
        assignment_id: str,
        student_id: str,
        excused: bool,
        reason: str,
        *,
        actor: str,
        now: datetime,
        summarize: Summarize | None = None,
    ) -> None:
        """Excuse a student from an assignment (or withdraw it), with the reason; audited."""
        self._set_review(assignment_id, student_id, actor, now, summarize, excused=excused, reason=reason)

    def _set_review(
        self,
        assignment_id: str,
        student_id: str,
        actor: str,
        now: datetime,
        summarize: Summarize | None,
        *,
        flag_note: str | None = None,
        excused: bool | None = None,
        reason: str = "",
    ) -> None:
        """Change a submission's flag or excused mark, refresh its summary, and audit the change."""
        at = timestamp(now)
        key = [(assignment_id, student_id)]
        details: dict[str, object] = {"assignment": assignment_id, "student_id": student_id}
        if flag_note is not None:
            action = "submission flagged" if flag_note else "submission flag cleared"
            details["note"] = flag_note
        else:
            action = "submission excused" if excused else "submission excuse withdrawn"
            details["reason"] = reason
        with self._writing() as session:
            summaries.lock(session, key)
            review.set_review(session, assignment_id, student_id, flag_note=flag_note, excused=excused)
            summaries.refresh(session, key, summarize)
            records.append_audit(session, action, details, actor=actor, at=at)

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

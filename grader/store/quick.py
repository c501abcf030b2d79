"""A read-only view of an SQLite gradebook with the stdlib alone: what the TUI needs to show its
first screen without loading SQLAlchemy, pydantic or the roster file.

:func:`open_quick` answers only when the gradebook is at the code's schema revision and holds a
course snapshot (written by the normal open, grader.store.snapshots); which files that snapshot
covers and whether they still hold the same bytes is the caller's to check (grader.gradebook.quick).
Rows are decoded by grader.store.decode, as the SQLAlchemy store decodes them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, overload
from urllib.parse import quote, unquote

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import EventOutcome, EventSource, SubmissionGrade
from grader.domain.pulls import PullState
from grader.domain.roster import Student
from grader.store.codec import choice_from_json, load_json_dict, parse_timestamp
from grader.store.decode import autograde_from_rows, grades_from_rows, states_from_rows
from grader.store.revision import HEAD

ID_CHUNK = 500
"""Student ids per IN (...) list (as the store's)."""
ROSTER_PAGE = 512
"""Roster rows read at a time by the lazy roster."""
BUSY_TIMEOUT_SECONDS = 30

_GRADES = """
SELECT s.assignment_id, s.student_id, s.version, s.updated_by, s.updated_at, s.flags, s.excused,
       c.criterion_id, c.level, c.items, c.points, c.adjustment, c.adjustment_comment, c.comment
FROM submission AS s LEFT OUTER JOIN criterion_choice AS c ON c.submission_id = s.id
WHERE s.assignment_id = ? AND s.student_id IN ({marks})
ORDER BY s.student_id, c.criterion_id
"""
_AUTOGRADE = """
SELECT s.student_id, r.criterion_id, r.status, r.points, r.reason, r.tests_passed, r.tests_total, r.sandbox
FROM submission AS s JOIN autograde_result AS r ON r.submission_id = s.id
WHERE s.assignment_id = ? AND s.student_id IN ({marks})
"""
_STATES = """
SELECT assignment_id, student_id, result, reason, graded_commit, late_minutes, flags, pulled_at,
       checked_out, basis
FROM pull_state WHERE assignment_id = ? AND student_id IN ({marks})
"""
_ROSTER = """
SELECT student_id, name, email, github, section, canvas_id, sis_user_id, sis_login_id, moodle_idnumber
FROM roster_entry WHERE generation = ? AND position >= ? AND position < ? ORDER BY position
"""
"""Columns in STUDENT_FIELDS order (a test checks)."""


def sqlite_path(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL; None for anything else (PostgreSQL, options).

    Percent-escapes are decoded as SQLAlchemy decodes them (``%20`` is a space), so this is the
    very file the normal open uses, never a look-alike beside it.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or url == prefix:
        return None
    database = unquote(url.removeprefix(prefix))
    return Path(database) if database and database != ":memory:" else None


@dataclass(frozen=True)
class Snapshot:
    """The course snapshot as recorded: file hashes, course and rubrics as JSON values."""

    files: dict[str, Any]
    course: dict[str, Any]
    rubrics: dict[str, Any]
    roster_generation: int
    roster_size: int


class QuickReader:
    """Reads of one SQLite gradebook, opened read-only (``mode=ro``); safe to share by threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        uri = f"file:{quote(str(path.absolute()))}?mode=ro"
        self._connection = sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False, isolation_level=None
        )
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._connection.close()

    def _all(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._lock:
                return self._connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise GraderError(f"could not read the gradebook {self.path}: {error}") from error

    def revision(self) -> str | None:
        try:
            rows = self._all("SELECT version_num FROM alembic_version")
        except GraderError:
            return None
        return str(rows[0][0]) if len(rows) == 1 else None

    def snapshot(self) -> Snapshot | None:
        """The course snapshot, or None when the gradebook has none (or is not at HEAD)."""
        if self.revision() != HEAD:
            return None
        rows = self._all("SELECT files, course, rubrics, roster_generation, roster_size FROM course_snapshot")
        if len(rows) != 1:
            return None
        files, course, rubrics, generation, size = rows[0]
        return Snapshot(
            load_json_dict(files), load_json_dict(course), load_json_dict(rubrics), generation, size
        )

    def roster(self, snapshot: Snapshot) -> SnapshotRoster:
        return SnapshotRoster(self, snapshot.roster_generation, snapshot.roster_size)

    def roster_rows(self, generation: int, start: int, stop: int) -> list[tuple[Any, ...]]:
        return self._all(_ROSTER, (generation, start, stop))

    def grades_of(self, assignment_id: str, student_ids: Sequence[str]) -> dict[str, SubmissionGrade]:
        """As Store.grades_of: the saved grades of these students (never saved: absent)."""
        found: dict[str, SubmissionGrade] = {}
        for start in range(0, len(student_ids), ID_CHUNK):
            chunk = list(student_ids[start : start + ID_CHUNK])
            marks = ", ".join("?" * len(chunk))
            layers = autograde_from_rows(self._all(_AUTOGRADE.format(marks=marks), (assignment_id, *chunk)))
            found.update(
                grades_from_rows(self._all(_GRADES.format(marks=marks), (assignment_id, *chunk)), layers)
            )
        return found

    def pull_states_of(self, assignment_id: str, student_ids: Sequence[str]) -> dict[str, PullState]:
        """As Store.pull_states_of: the resolved pull states of these students."""
        found: dict[str, PullState] = {}
        for start in range(0, len(student_ids), ID_CHUNK):
            chunk = list(student_ids[start : start + ID_CHUNK])
            sql = _STATES.format(marks=", ".join("?" * len(chunk)))
            found.update(states_from_rows(self._all(sql, (assignment_id, *chunk))))
        return found

    def rubric_check(self, assignment_id: str) -> tuple[str, int, datetime] | None:
        """As Store.rubric_check: (rubric hash, newest event id covered, when checked in full)."""
        rows = self._all(
            "SELECT rubric_hash, event_id, checked_at FROM rubric_check WHERE assignment_id = ?",
            (assignment_id,),
        )
        if not rows:
            return None
        rubric_hash, event_id, checked_at = rows[0]
        return str(rubric_hash), int(event_id), parse_timestamp(checked_at)

    def choices_since(
        self, assignment_id: str, after_event_id: int, *, limit: int = 5000
    ) -> tuple[int, list[tuple[str, CriterionChoice]]] | None:
        """As Store.choices_since on SQLite: the newest event id read and (criterion, new
        choice) of the assignment's applied grader events since; None past ``limit`` events."""
        rows = self._all(
            "SELECT id, assignment_id, criterion_id, new FROM grade_event "
            "WHERE id > ? AND outcome = ? AND source != ? ORDER BY id LIMIT ?",
            (after_event_id, EventOutcome.APPLIED.value, EventSource.AUTOGRADER.value, limit + 1),
        )
        if len(rows) > limit:
            return None
        newest = rows[-1][0] if rows else after_event_id
        return newest, [
            (criterion, choice_from_json(new)) for _, a, criterion, new in rows if a == assignment_id
        ]


class SnapshotRoster(Sequence[Student]):
    """The snapshot's roster in file order, each Student made when first asked for (a page at a time)."""

    def __init__(self, reader: QuickReader, generation: int, size: int) -> None:
        self._reader = reader
        self._generation = generation
        self._size = size
        self._pages: dict[int, list[Student]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> Student: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Student]: ...

    def __getitem__(self, index: int | slice) -> Student | Sequence[Student]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("roster index out of range")
        page, offset = divmod(index, ROSTER_PAGE)
        return self._page(page)[offset]

    def __iter__(self) -> Iterator[Student]:
        for page in range(0, (self._size + ROSTER_PAGE - 1) // ROSTER_PAGE):
            yield from self._page(page)

    def _page(self, page: int) -> list[Student]:
        with self._lock:
            found = self._pages.get(page)
        if found is not None:
            return found
        start = page * ROSTER_PAGE
        stop = min(start + ROSTER_PAGE, self._size)
        rows = self._reader.roster_rows(self._generation, start, stop)
        if len(rows) != stop - start:  # a newer roster replaced this one meanwhile
            raise GraderError("the roster changed while the course was opening: open it again")
        students = [Student(*row) for row in rows]
        with self._lock:
            self._pages[page] = students
        return students

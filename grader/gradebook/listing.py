"""One assignment's submissions in roster order, read from the store a page at a time.

A class of 100,000 is never read whole to show a screen: :meth:`SubmissionList.rows` reads just
the asked students (grades and pull states by id) and caches them; whole-class work (filters,
"next flagged" far away) is a generator yielding progress, run by the caller in a worker.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from grader.domain.anonymity import Identities, shown_students
from grader.domain.claims import Claim
from grader.domain.errors import RubricChangeRefused
from grader.domain.progress import Progress
from grader.domain.roster import Student
from grader.domain.rubric import Rubric
from grader.domain.scoring import Scorer
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.quick import QuickContext
from grader.gradebook.rubrics import rubric_in_force
from grader.gradebook.status import EXCUSED, FLAGGED, GRADED, SubmissionStatus, status_row

PAGE_SIZE = 100
"""Students read per store query when scrolling (a screenful or two)."""
SCAN_CHUNK = 2_000
"""Students read per store query by whole-class scans (filters, next ungraded/flagged)."""
CACHE_LIMIT = 20_000
"""Rows kept; past this the cache is dropped and refilled as rows are shown again."""
DONE = frozenset({GRADED, EXCUSED})


@dataclass(frozen=True)
class SubmissionFilter:
    """Which rows to show; empty fields do not filter."""

    text: str = ""
    """Case-insensitive substring of the student id, name or GitHub handle."""
    status: str = ""
    """One of ``STATUSES``; "flagged" (a flag, not a status) keeps the flagged rows."""
    flagged: bool = False
    late: bool = False
    grader: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.text.strip() or self.status or self.flagged or self.late or self.grader.strip())

    @property
    def needs_store(self) -> bool:
        """True when the filter looks at grades or pulls, not only at the roster."""
        return bool(self.status or self.flagged or self.late or self.grader.strip())

    def matches_student(self, student: Student, *, anonymous: bool = False) -> bool:
        """``anonymous``: ``student`` is masked (its name is its pseudonym; its id is never
        matched, or typing a real id would find the student)."""
        needle = self.text.strip().casefold()
        if not needle:
            return True
        values = (student.name,) if anonymous else (student.student_id, student.name, student.github)
        return any(needle in value.casefold() for value in values)

    def matches_row(self, row: SubmissionStatus) -> bool:
        if self.status == FLAGGED:
            if not is_flagged(row):
                return False
        elif self.status and row.status != self.status:
            return False
        if self.flagged and not is_flagged(row):
            return False
        if self.late and not is_late(row):
            return False
        grader = self.grader.strip().casefold()
        return not grader or row.graded_by.casefold() == grader


def _identities(ctx: CourseContext | QuickContext, assignment_id: str) -> Identities:
    """How the assignment's students are shown. A quick open never lists an anonymous assignment,
    so the pseudonyms (and the gradebook reads behind them) load only with the full open."""
    if isinstance(ctx, QuickContext):
        return Identities(assignment_id)
    from grader.gradebook.anonymity import identities

    return identities(ctx, assignment_id)


def is_flagged(row: SubmissionStatus) -> bool:
    """Flagged by a grader for attention (a note), not merely carrying a pull warning."""
    return row.flagged


def is_late(row: SubmissionStatus) -> bool:
    return row.late_minutes is not None and row.late_minutes > 0


def is_ungraded(row: SubmissionStatus) -> bool:
    """Still needs a grader: a manual criterion not scored, and not excused (a flag changes nothing)."""
    return row.status not in DONE


class SubmissionList:
    """The submissions of one assignment in roster order, each row read when it is asked for."""

    def __init__(self, ctx: CourseContext | QuickContext, assignment_id: str) -> None:
        assignment = ctx.files.course.assignment(assignment_id)
        if assignment is None:
            ctx.files.rubric(assignment_id)  # raises the "unknown assignment" error
        assert assignment is not None
        self.ctx = ctx
        self.assignment = assignment
        self.identities = _identities(ctx, assignment_id)
        """How students are shown (a quick open never lists an anonymous assignment)."""
        self.students: Sequence[Student] = shown_students(self.identities, ctx.files.students)
        """In roster order; masked and in pseudonym order while identities are hidden."""
        self._rows: dict[int, SubmissionStatus] = {}
        self._positions: dict[str, int] | None = None
        self._rubric: tuple[Rubric, bool] | None = None
        self._lock = threading.Lock()
        self.claims: dict[str, Claim] = {}
        """Other graders' claims on this assignment by student, as last read (see read_claims)."""
        self.similar: dict[str, str] | None = None
        """Student → verdict of a similar pair to discuss or confirmed; read once per refresh."""

    def __len__(self) -> int:
        return len(self.students)

    @property
    def assignment_id(self) -> str:
        return self.assignment.id

    @property
    def reads_locally(self) -> bool:
        """Rows come from the quick open's local snapshot (a screenful reads in milliseconds)."""
        return isinstance(self.ctx, QuickContext)

    def use_context(self, ctx: CourseContext) -> None:
        """Read through the fully opened course from now on (same files: the rows stay valid)."""
        self.ctx = ctx

    def rubric(self) -> tuple[Rubric, bool]:
        """The rubric rows are scored with, and whether a rubric edit is refused (no scores then)."""
        found = self._rubric
        if found is None and isinstance(self.ctx, QuickContext):
            found = self._rubric = (self.ctx.rubric_in_force(self.assignment.id), False)
        if found is None:
            assert isinstance(self.ctx, CourseContext)
            try:
                found = (rubric_in_force(self.ctx, self.assignment.id), False)
            except RubricChangeRefused:
                found = (self.ctx.files.rubric(self.assignment.id), True)
            self._rubric = found
        return found

    def cached(self, index: int) -> SubmissionStatus | None:
        """The row at a roster index if it was read already (never reads)."""
        return self._rows.get(index)

    def rows(self, start: int, stop: int) -> list[SubmissionStatus]:
        """Rows start..stop-1 in roster order, reading the missing ones a page at a time."""
        stop = min(stop, len(self.students))
        first, last = start - start % PAGE_SIZE, stop + (-stop % PAGE_SIZE)
        wanted = range(max(first, 0), min(last, len(self.students)))
        self.rows_at(wanted)
        return [row for i in range(start, stop) if (row := self._rows.get(i)) is not None]

    def rows_at(self, indexes: Iterable[int]) -> list[SubmissionStatus]:
        """The rows at these roster indexes, reading only those not cached."""
        wanted = list(indexes)
        missing = [i for i in wanted if i not in self._rows]
        if missing:
            read = self._read(missing)
            self.read_claims()  # shown with the rows: one small query
            if self.similar is None:
                self.read_similar()
            with self._lock:
                if len(self._rows) + len(read) > CACHE_LIMIT:
                    self._rows.clear()
                self._rows.update(read)
        return [row for i in wanted if (row := self._rows.get(i)) is not None]

    def _read(self, indexes: Sequence[int]) -> dict[int, SubmissionStatus]:
        """Read some students' grades and pull states (one query each per chunk of ids)."""
        rubric, refused = self.rubric()
        students = [self.students[i] for i in indexes]
        ids = [s.student_id for s in students]
        reader = self.ctx.view if isinstance(self.ctx, QuickContext) else self.ctx.store
        grades = reader.grades_of(self.assignment.id, ids)
        pulls = reader.pull_states_of(self.assignment.id, ids)
        scorer = Scorer(rubric, self.assignment.late)
        return {
            index: status_row(
                self.assignment,
                rubric,
                student,
                grades.get(student.student_id),
                pulls.get(student.student_id),
                refused,
                scorer,
            )
            for index, student in zip(indexes, students, strict=True)
        }

    def read_claims(self) -> dict[str, Claim]:
        """Read who else is grading which submission of this assignment now (none on a quick,
        read-only open: claims show once the course is fully open)."""
        if isinstance(self.ctx, CourseContext):
            from grader.gradebook.claims import others_claims

            found = others_claims(self.ctx, [self.assignment.id])
            self.claims = {student_id: claim for (_, student_id), claim in found.items()}
        return self.claims

    def read_similar(self) -> dict[str, str]:
        """Read which students are in a similar pair to discuss or confirmed (one query; none on
        a quick, read-only open)."""
        found: dict[str, str] = {}
        if isinstance(self.ctx, CourseContext):
            from grader.gradebook.similarity_marks import similarity_marks

            found = similarity_marks(self.ctx, self.assignment.id)
        self.similar = found
        return found

    def claim_of(self, student_id: str) -> Claim | None:
        """Another grader's claim on this student's submission, if it has not run out."""
        found = self.claims.get(student_id)
        return found if found is not None and found.is_active(utc_now()) else None

    def needs_grader(self, criterion_id: str | None = None) -> Callable[[SubmissionStatus], bool]:
        """Whether a row still needs grading (the submission, or just ``criterion_id``; never
        excused) and nobody else is grading it: claims are read once, now."""
        claimed = set(self.read_claims())

        def needs(row: SubmissionStatus) -> bool:
            if row.student_id in claimed:
                return False
            if criterion_id is None:
                return is_ungraded(row)
            return not row.excused and not any(
                c.criterion_id == criterion_id and c.choice.is_scored for c in row.criteria
            )

        return needs

    def invalidate(self, student_ids: Iterable[str]) -> None:
        """Forget these students' rows (they changed); they are read again when shown."""
        with self._lock:
            for student_id in student_ids:
                index = self.position_of(student_id)
                if index is not None:
                    self._rows.pop(index, None)

    def refresh(self) -> None:
        """Forget every row and the rubric (grades or the rubric may have changed anywhere)."""
        with self._lock:
            self._rows.clear()
            self._rubric = None
            self.similar = None

    def position_of(self, student_id: str) -> int | None:
        """The roster index of a student, or None when not on the roster."""
        if self._positions is None:
            self._positions = {s.student_id: i for i, s in enumerate(self.students)}
        return self._positions.get(student_id)

    def next_matching(
        self,
        after: int,
        predicate: Callable[[SubmissionStatus], bool],
        *,
        within: Sequence[int] | None = None,
    ) -> int | None:
        """The first roster index after ``after`` (wrapping, itself last) whose row matches.

        ``within`` limits the scan to those roster indexes (a filtered view), in their order.
        Rows are read a page at a time, so a match nearby costs one small query.
        """
        order: Sequence[int] = within if within is not None else range(len(self.students))
        if not order:
            return None
        start = _position_in(order, after) + 1
        count = len(order)
        for offset in range(0, count, PAGE_SIZE):
            chunk = [order[(start + k) % count] for k in range(offset, min(offset + PAGE_SIZE, count))]
            for index, row in zip(chunk, self.rows_at(chunk), strict=True):
                if predicate(row):
                    return index
        return None

    def next_ungraded(self, after_student_id: str | None) -> str | None:
        """The next student (roster order, wrapping) whose submission still needs grading and
        is not being graded by someone else."""
        after = -1 if after_student_id is None else self.position_of(after_student_id)
        found = self.next_matching(-1 if after is None else after, self.needs_grader())
        return None if found is None else self.students[found].student_id

    def next_to_grade(self, after_student_id: str, criterion_id: str | None = None) -> str | None:
        """The next student after this one (roster order, wrapping, never this one) still to
        grade: the whole submission, or with ``criterion_id`` just that criterion (never excused);
        a submission another grader has claimed is skipped."""
        after = self.position_of(after_student_id)
        found = self.next_matching(-1 if after is None else after, self.needs_grader(criterion_id))
        return None if found is None or found == after else self.students[found].student_id

    def matching(self, wanted: SubmissionFilter) -> Iterator[Progress | list[int]]:
        """Progress, then the roster indexes of the rows the filter keeps (the whole class)."""
        total = len(self.students)
        hidden = self.identities.hidden
        candidates = [i for i, s in enumerate(self.students) if wanted.matches_student(s, anonymous=hidden)]
        if not wanted.needs_store:
            yield Progress(total, total, "filtered")
            yield candidates
            return
        kept: list[int] = []
        for start in range(0, len(candidates), SCAN_CHUNK):
            chunk = candidates[start : start + SCAN_CHUNK]
            rows = self._read(chunk)
            kept += [i for i in chunk if wanted.matches_row(rows[i])]
            yield Progress(start + len(chunk), len(candidates), "filtering")
        yield kept


def _position_in(order: Sequence[int], index: int) -> int:
    """Where a roster index sits in an ascending order (-1 when before the first)."""
    if isinstance(order, range):
        return min(index, len(order) - 1) if index >= 0 else -1
    low, high = 0, len(order)
    while low < high:
        middle = (low + high) // 2
        if order[middle] <= index:
            low = middle + 1
        else:
            high = middle
    return low - 1

"""Which grades an LMS file carries, so that importing it never clears a grade by accident.

Canvas and Moodle both read a blank cell (or ``-``) as "no grade" and apply it over the grade
they hold; Canvas applies every cell that differs, Moodle every cell of a mapped column. So a
grade that is not final (or, for Moodle, excused: its import has no excused value) is never
written as a blank unless clearing is asked for (``clear_missing``). By default:

- an assignment with no grade the file can carry is left out whole (its column, or its grade
  and feedback pair);
- a student row is written only when every assignment left in the file carries a grade in it,
  so a row never holds a blank; the final grades of a row left out are listed, and exporting
  their assignment alone (``--assignment``) writes them;
- what is left out is listed per student and assignment, with why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from grader.domain.roster import Student
from grader.exports.csv_safety import render
from grader.exports.formats import Shape
from grader.exports.grade_rows import StudentGrades

WITH_ROW = "final, but its row has a grade that cannot be written: "


class LeftOut(NamedTuple):
    """A grade not in the file, and why."""

    student: Student
    assignment_id: str
    reason: str
    final: bool = False
    """A final grade left out with its row (its assignment alone would write it)."""


class _Row(NamedTuple):
    student: Student
    cells: list[str]
    blocked: tuple[str, ...]
    """Per assignment: why its grade cannot be written ("" when it can)."""


@dataclass
class LmsFile:
    """An LMS file's text (None: nothing to write), and what it left out or clears."""

    text: str | None
    students: int
    """Student rows in the file."""
    assignment_ids: list[str]
    """The assignments the file holds."""
    dropped: list[str] = field(default_factory=list)
    """Assignments left out whole: none of their grades can be written."""
    left_out: list[LeftOut] = field(default_factory=list)
    cleared: Counter[str] = field(default_factory=Counter)
    """With clearing asked for: per assignment, the blank cells that clear the LMS's grade."""


class LmsRows:
    """Collects the rows of an LMS shape a chunk at a time; ``file`` decides what is written."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.rows: list[_Row] = []
        self._none: tuple[str, ...] = ("",) * len(shape.assignments)

    def add(self, graded: StudentGrades) -> None:
        blocked = tuple(map(self.shape.blocked, graded.grades))
        if blocked == self._none:
            blocked = self._none  # most rows: one shared tuple
        self.rows.append(_Row(graded.student, self.shape.lms_cells(graded), blocked))

    def file(self, *, clear_missing: bool) -> LmsFile:
        shape = self.shape
        ids = [a.id for a in shape.assignments]
        if clear_missing:
            blanks = [sum(bool(row.blocked[i]) for row in self.rows) for i in range(len(ids))]
            cleared = Counter({ids[i]: n for i, n in enumerate(blanks) if n})  # in assignment order
            text = (
                self._render(list(range(len(ids))), [row.cells for row in self.rows]) if self.rows else None
            )
            return LmsFile(text, len(self.rows), ids, cleared=cleared)
        kept = [i for i in range(len(ids)) if any(not row.blocked[i] for row in self.rows)]
        written: list[list[str]] = []
        left_out: list[LeftOut] = []
        for row in self.rows:
            blocking = [ids[i] for i in kept if row.blocked[i]]
            for i, why in enumerate(row.blocked):
                if why:
                    left_out.append(LeftOut(row.student, ids[i], why))
                elif blocking:
                    left_out.append(LeftOut(row.student, ids[i], WITH_ROW + ", ".join(blocking), final=True))
            if not blocking:
                written.append(self._select(row.cells, kept))
        text = self._render(kept, written) if kept and written else None
        dropped = [ids[i] for i in range(len(ids)) if i not in kept]
        return LmsFile(text, len(written) if text else 0, [ids[i] for i in kept], dropped, left_out)

    def _select(self, cells: list[str], kept: list[int]) -> list[str]:
        """The cells of the identity, the ``kept`` assignments' groups and the trailing cells."""
        start, width, count = self.shape.identity_width, self.shape.group_width, len(self.shape.assignments)
        if len(kept) == count:
            return cells
        chosen = cells[:start]
        for i in kept:
            chosen += cells[start + i * width : start + (i + 1) * width]
        return chosen + cells[start + count * width :]

    def _render(self, kept: list[int], rows: list[list[str]]) -> str:
        return render([self.shape.header(kept), *self.shape.leading(kept), *rows])

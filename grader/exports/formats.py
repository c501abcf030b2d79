"""The five grade CSV shapes: long, wide, Canvas, Moodle gradebook and Moodle grading worksheet.

Each shape gives its header, any rows before the students (Canvas's ``Points Possible``) and the
cells of one student, as texts already made safe (``csv_safety``). The spreadsheet shapes (long,
wide) hold every grade, a blank where it is not final and a ``not_final`` column saying why. The
LMS shapes are laid out as the student's identity, then a group of cells per assignment, then
any trailing cells, so that the assignments whose grades must not be written can be left out
(``lms_file``): an LMS reads a blank as "no grade" and clears what it holds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from grader.domain.roster import Student
from grader.exports.csv_safety import Cell, Verbatim, neutralise, row_texts
from grader.exports.grade_rows import (
    AssignmentGrade,
    ExportAssignment,
    StudentGrades,
    choice_label,
    feedback_text,
)
from grader.exports.worksheet import Worksheet

LMS_PLACES = 2
"""Canvas compares and exports scores at 2 decimal places; Moodle shows 2 by default."""
EXCUSED = Verbatim("EX")
CANVAS_STUDENT_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_KEYS = {"idnumber": "ID number", "email": "Email address"}
MOODLE_DOWNLOADED = "Last downloaded from this course"
WORKSHEET_HEADER = (
    "Identifier",
    "Full name",
    "Email address",
    "Status",
    "Grade",
    "Maximum Grade",
    "Grade can be changed",
    "Last modified (submission)",
    "Last modified (grade)",
    "Feedback comments",
)
LONG_HEADER = (
    "student_id",
    "name",
    "email",
    "section",
    "assignment",
    "criterion",
    "choice",
    "points",
    "max_points",
    "adjustment",
    "adjustment_comment",
    "comment",
    "status",
    "late_minutes",
    "penalty",
    "score",
    "not_final",
)
IDENTITY_HEADER = ("student_id", "name", "email", "github", "section")
NOT_FINAL = "not_final"
"""long and wide: why the grade (wide: each grade of the row) is not final; empty once final."""
EXCUSED_IN_MOODLE = "excused: Moodle's grade import has no excused value, and a blank clears the grade"
_DIGITS = re.compile(r"[0-9]+")


class ExportFormat(StrEnum):
    LONG = "long"
    WIDE = "wide"
    CANVAS = "canvas"
    MOODLE = "moodle"
    MOODLE_WORKSHEET = "moodle-worksheet"

    @property
    def is_lms(self) -> bool:
        return self in (ExportFormat.CANVAS, ExportFormat.MOODLE, ExportFormat.MOODLE_WORKSHEET)

    @property
    def shows_choices(self) -> bool:
        """Its rows show what was chosen per criterion (not only points and totals)."""
        return self in (ExportFormat.LONG, ExportFormat.MOODLE, ExportFormat.MOODLE_WORKSHEET)


@dataclass(frozen=True)
class FormatOptions:
    criteria: bool = False
    """wide: a column per criterion after each assignment's score."""
    moodle_key: str = "idnumber"
    """moodle: identify students by ``idnumber`` (roster moodle_idnumber) or ``email``."""
    last_downloaded: int | None = None
    """moodle: Unix time for Moodle's ``Last downloaded from this course`` overwrite guard."""
    worksheet: Worksheet | None = None
    """moodle-worksheet: the worksheet downloaded from Moodle (its participant identifiers)."""


def canvas_header(assignment: ExportAssignment) -> str:
    return f"{assignment.title} ({assignment.canvas_id})" if assignment.canvas_id else assignment.title


def moodle_headers(assignment: ExportAssignment) -> tuple[str, str]:
    item = f"Assignment: {assignment.moodle_item}"
    return f"{item} (Real)", f"{item} (Feedback)"


def identity_problem(student: Student, fmt: ExportFormat, options: FormatOptions) -> str | None:
    """Why the LMS could not match ``student`` from this export, or None."""
    if fmt is ExportFormat.CANVAS:
        if not student.canvas_id:
            return "no canvas_id"
        if not _DIGITS.fullmatch(student.canvas_id):
            return f"canvas_id '{student.canvas_id}' is not a number"
    elif fmt is ExportFormat.MOODLE:
        column, key = (
            ("email", student.email)
            if options.moodle_key == "email"
            else ("moodle_idnumber", student.moodle_idnumber)
        )
        if not key:
            return f"no {column}"
        if neutralise(key) != key:
            return f"{column} '{key}' starts like a spreadsheet formula, so it cannot be written as it is"
    elif fmt is ExportFormat.MOODLE_WORKSHEET and (
        options.worksheet is None or options.worksheet.row_for(student.email) is None
    ):
        return "no row with their email address in the worksheet"
    return None


def _copied(value: str) -> Cell:
    """A worksheet value written back as Moodle wrote it: its ``-`` (never) is not a formula."""
    return Verbatim(value) if value == "-" else value


def _score(grade: AssignmentGrade) -> Cell:
    return EXCUSED if grade.excused else grade.score


def not_final_text(assignments: Sequence[ExportAssignment], grades: Sequence[AssignmentGrade]) -> str:
    """Each grade of the row that is not final, with why: "a1: autograde pending; a3: in progress"."""
    return "; ".join(
        f"{a.id}: {g.pending or 'not final'}" for a, g in zip(assignments, grades, strict=True) if not g.final
    )


@dataclass
class Shape:
    """A format applied to some assignments: its header, leading rows and each student's cells."""

    fmt: ExportFormat
    assignments: tuple[ExportAssignment, ...]
    options: FormatOptions
    identity_width: int = field(init=False)
    """LMS shapes: the cells before the first assignment's group."""
    group_width: int = field(init=False)
    """LMS shapes: the cells of one assignment."""

    def __post_init__(self) -> None:
        self.identity_width, self.group_width = {
            ExportFormat.CANVAS: (len(CANVAS_STUDENT_COLUMNS), 1),
            ExportFormat.MOODLE: (1, 2),
            ExportFormat.MOODLE_WORKSHEET: (0, len(WORKSHEET_HEADER)),
        }.get(self.fmt, (0, 0))

    def header(self, kept: Sequence[int] | None = None) -> list[str]:
        """The header; an LMS shape's holds only the ``kept`` assignments (default: all)."""
        chosen = [self.assignments[i] for i in self._kept(kept)]
        if self.fmt is ExportFormat.CANVAS:
            return [*CANVAS_STUDENT_COLUMNS, *(canvas_header(a) for a in chosen)]
        if self.fmt is ExportFormat.MOODLE:
            header = [MOODLE_KEYS[self.options.moodle_key]]
            for a in chosen:
                header += moodle_headers(a)
            return header + ([MOODLE_DOWNLOADED] if self.options.last_downloaded is not None else [])
        if self.fmt is ExportFormat.MOODLE_WORKSHEET:
            return list(WORKSHEET_HEADER)
        if self.fmt is ExportFormat.WIDE:
            header = [*IDENTITY_HEADER, NOT_FINAL]
            for a in chosen:
                header.append(a.id)
                if self.options.criteria:
                    header += [f"{a.id}:{c.id}" for c in a.criteria]
            return header
        return list(LONG_HEADER)

    def leading(self, kept: Sequence[int] | None = None) -> list[list[str]]:
        """The rows between the header and the students (Canvas's ``Points Possible``)."""
        if self.fmt is not ExportFormat.CANVAS:
            return []
        points = [self.assignments[i].max_points for i in self._kept(kept)]
        return [["Points Possible", "", "", "", "", *row_texts(points, LMS_PLACES)]]

    def _kept(self, kept: Sequence[int] | None) -> Sequence[int]:
        return range(len(self.assignments)) if kept is None else kept

    def blocked(self, grade: AssignmentGrade) -> str:
        """Why an LMS shape cannot carry this grade ("" when it can): a blank would clear a grade."""
        if not grade.final:
            return grade.pending or "not final"
        if grade.excused and self.fmt is not ExportFormat.CANVAS:
            return EXCUSED_IN_MOODLE
        return ""

    def lms_cells(self, graded: StudentGrades) -> list[str]:
        """An LMS row with every assignment: identity, a group per assignment, trailing cells.

        A grade the LMS cannot carry (``blocked``) is blank in its group; ``lms_file`` leaves such
        groups out unless clearing is asked for.
        """
        student = graded.student
        if self.fmt is ExportFormat.CANVAS:
            cells: list[Cell] = [
                student.name,
                student.canvas_id,
                student.sis_user_id,
                student.sis_login_id,
                student.section,
            ]
            cells += [_score(g) if g.final else None for g in graded.grades]
            return row_texts(cells, LMS_PLACES)
        if self.fmt is ExportFormat.MOODLE:
            key = student.moodle_idnumber if self.options.moodle_key == "idnumber" else student.email
            cells = [key]
            for assignment, grade in zip(self.assignments, graded.grades, strict=True):
                written = not self.blocked(grade)
                cells += [
                    grade.score if written else None,
                    feedback_text(assignment, grade) if written else None,
                ]
            if self.options.last_downloaded is not None:
                cells.append(self.options.last_downloaded)
            return row_texts(cells, LMS_PLACES)
        return self._worksheet_cells(student, graded.grades[0])

    def _worksheet_cells(self, student: Student, grade: AssignmentGrade) -> list[str]:
        worksheet = self.options.worksheet
        found = worksheet.row_for(student.email) if worksheet else None
        assert found is not None, "identity_problem leaves out students without a worksheet row"
        assignment = self.assignments[0]
        maximum: Cell = found.maximum or assignment.max_points
        written = not self.blocked(grade)
        cells: list[Cell] = [
            Verbatim(found.identifier),
            student.name,
            student.email,
            found.status,
            grade.score if written else None,
            maximum,
            found.can_change,
            _copied(found.submission_modified),
            _copied(found.grade_modified),
            feedback_text(assignment, grade) if written else None,
        ]
        return row_texts(cells, LMS_PLACES)

    def rows(self, graded: StudentGrades) -> list[list[str]]:
        """The rows of one student in a spreadsheet shape: wide (one) or long (one per criterion)."""
        student, grades = graded.student, graded.grades
        if self.fmt is not ExportFormat.WIDE:
            return self._long_rows(student, grades)
        cells: list[Cell] = [
            student.student_id,
            student.name,
            student.email,
            student.github,
            student.section,
            not_final_text(self.assignments, grades),
        ]
        for grade in grades:
            cells.append(_score(grade))
            if self.options.criteria:
                cells += grade.points
        return [row_texts(cells)]

    def _long_rows(self, student: Student, grades: tuple[AssignmentGrade, ...]) -> list[list[str]]:
        rows: list[list[str]] = []
        for assignment, grade in zip(self.assignments, grades, strict=True):
            for criterion, points in zip(assignment.criteria, grade.points, strict=True):
                choice = grade.choices.get(criterion.id)
                cells: list[Cell] = [
                    student.student_id,
                    student.name,
                    student.email,
                    student.section,
                    assignment.id,
                    criterion.id,
                    choice_label(choice),
                    points,
                    criterion.max_points,
                    choice.adjustment if choice is not None and choice.adjustment else None,
                    choice.adjustment_comment if choice is not None else None,
                    choice.comment if choice is not None else None,
                    grade.status,
                    grade.late_minutes,
                    grade.penalty if grade.penalty else None,
                    _score(grade),
                    "" if grade.final else grade.pending or "not final",
                ]
                rows.append(row_texts(cells))
        return rows

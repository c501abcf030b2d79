"""The five grade CSV shapes: long, wide, Canvas, Moodle gradebook and Moodle grading worksheet.

Each shape gives its header, any rows before the students (Canvas's ``Points Possible``) and the
rows of one student, as cell texts already made safe (``csv_safety``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from grader.domain.roster import Student
from grader.exports.csv_safety import Cell, Verbatim, neutralise, row_texts
from grader.exports.grade_rows import (
    AssignmentGrade,
    ExportAssignment,
    GradeSheet,
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
)
IDENTITY_HEADER = ("student_id", "name", "email", "github", "section")
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


@dataclass
class Shape:
    """A format applied to one sheet: its header, leading rows, and the rows of each student."""

    fmt: ExportFormat
    sheet: GradeSheet
    options: FormatOptions
    header: list[str] = field(init=False)
    leading: list[list[str]] = field(init=False)

    def __post_init__(self) -> None:
        assignments = self.sheet.assignments
        self.leading = []
        if self.fmt is ExportFormat.CANVAS:
            self.header = [*CANVAS_STUDENT_COLUMNS, *(canvas_header(a) for a in assignments)]
            points = [a.max_points for a in assignments]
            self.leading = [["Points Possible", "", "", "", "", *row_texts(points, LMS_PLACES)]]
        elif self.fmt is ExportFormat.MOODLE:
            self.header = [MOODLE_KEYS[self.options.moodle_key]]
            for a in assignments:
                self.header += moodle_headers(a)
            if self.options.last_downloaded is not None:
                self.header.append(MOODLE_DOWNLOADED)
        elif self.fmt is ExportFormat.MOODLE_WORKSHEET:
            self.header = list(WORKSHEET_HEADER)
        elif self.fmt is ExportFormat.WIDE:
            self.header = list(IDENTITY_HEADER)
            for a in assignments:
                self.header.append(a.id)
                if self.options.criteria:
                    self.header += [f"{a.id}:{c.id}" for c in a.criteria]
        else:
            self.header = list(LONG_HEADER)

    def rows(self, graded: StudentGrades) -> list[list[str]]:
        """The rows of one student (none, for a worksheet row without a final grade)."""
        student, grades = graded.student, graded.grades
        if self.fmt is ExportFormat.WIDE:
            cells: list[Cell] = [
                student.student_id,
                student.name,
                student.email,
                student.github,
                student.section,
            ]
            for grade in grades:
                cells.append(_score(grade))
                if self.options.criteria:
                    cells += grade.points
            return [row_texts(cells)]
        if self.fmt is ExportFormat.CANVAS:
            cells = [
                student.name,
                student.canvas_id,
                student.sis_user_id,
                student.sis_login_id,
                student.section,
            ]
            return [row_texts([*cells, *(_score(g) for g in grades)], LMS_PLACES)]
        if self.fmt is ExportFormat.MOODLE:
            key = student.moodle_idnumber if self.options.moodle_key == "idnumber" else student.email
            cells = [key]
            for assignment, grade in zip(self.sheet.assignments, grades, strict=True):
                final = grade.score is not None
                cells += [grade.score, feedback_text(assignment, grade) if final else None]
            if self.options.last_downloaded is not None:
                cells.append(self.options.last_downloaded)
            return [row_texts(cells, LMS_PLACES)]
        if self.fmt is ExportFormat.MOODLE_WORKSHEET:
            return self._worksheet_rows(student, grades[0])
        return self._long_rows(student, grades)

    def _worksheet_rows(self, student: Student, grade: AssignmentGrade) -> list[list[str]]:
        worksheet = self.options.worksheet
        found = worksheet.row_for(student.email) if worksheet else None
        if found is None or grade.score is None:
            return []
        assignment = self.sheet.assignments[0]
        maximum: Cell = found.maximum or assignment.max_points
        cells: list[Cell] = [
            Verbatim(found.identifier),
            student.name,
            student.email,
            found.status,
            grade.score,
            maximum,
            found.can_change,
            _copied(found.submission_modified),
            _copied(found.grade_modified),
            feedback_text(assignment, grade),
        ]
        return [row_texts(cells, LMS_PLACES)]

    def _long_rows(self, student: Student, grades: tuple[AssignmentGrade, ...]) -> list[list[str]]:
        rows: list[list[str]] = []
        for assignment, grade in zip(self.sheet.assignments, grades, strict=True):
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
                ]
                rows.append(row_texts(cells))
        return rows

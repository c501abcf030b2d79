"""Small grade sheets built by hand, and the export pipeline run on them without a gradebook."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from grader.domain.choices import CriterionChoice
from grader.domain.roster import Student
from grader.exports.csv_safety import render
from grader.exports.formats import ExportFormat, FormatOptions, Shape
from grader.exports.grade_rows import (
    AssignmentGrade,
    ExportAssignment,
    ExportCriterion,
    GradeSheet,
    StudentGrades,
)
from grader.exports.lms_file import LmsFile, LmsRows

D = Decimal
THIRTY, TWENTY, ZERO = D(30), D(20), D(0)

CALCULATOR = ExportAssignment(
    id="a1-calculator",
    title="Calculator",
    max_points=D(80),
    criteria=(
        ExportCriterion("correctness", "Correct results", D(40)),
        ExportCriterion("style", "Code quality", D(20)),
        ExportCriterion("tests", "Test suite passes", D(20)),
    ),
    canvas_id="123456",
)
WEBPAGE = ExportAssignment(
    id="a2-webpage",
    title="Web page",
    max_points=D(50),
    criteria=(ExportCriterion("structure", "Structure", D(50)),),
    canvas_id="123457",
    moodle_name="Personal web page",
)


def student(n: int, name: str = "", **lms: str) -> Student:
    sid = f"{n:05d}"
    return Student(
        student_id=sid,
        name=name or f"Student {n}",
        email=f"s{n}@example.edu",
        github=f"student-{n}",
        section="CS101-01",
        canvas_id=lms.get("canvas_id", str(900000 + n)),
        sis_user_id=lms.get("sis_user_id", f"S{sid}"),
        sis_login_id=lms.get("sis_login_id", f"s{n}"),
        moodle_idnumber=lms.get("moodle_idnumber", sid),
    )


def calculator_grade(
    correctness: str | None = "Proficient",
    correctness_points: Decimal | None = THIRTY,
    style_items: tuple[str, ...] | None = ("Dead code",),
    tests: Decimal | None = TWENTY,
    *,
    late_minutes: int | None = 0,
    penalty: Decimal = ZERO,
    comment: str = "",
    final: bool = True,
) -> AssignmentGrade:
    choices: dict[str, CriterionChoice] = {}
    if correctness is not None:
        choices["correctness"] = CriterionChoice(level=correctness, comment=comment)
    if style_items is not None:
        choices["style"] = CriterionChoice(items=style_items)
    if tests is not None:
        choices["tests"] = CriterionChoice(points=tests)
    points = (correctness_points, D(17) if style_items is not None else None, tests)
    subtotal = sum((p for p in points if p is not None), D(0))
    score = subtotal - penalty if final else None
    status = "graded" if final else "in progress"
    pending = "" if final else "in progress"
    return AssignmentGrade(status, score, late_minutes, penalty, points, choices, pending=pending)


def webpage_grade(points: Decimal | None) -> AssignmentGrade:
    choices = {"structure": CriterionChoice(points=points)} if points is not None else {}
    status = "graded" if points is not None else "not pulled"
    pending = "" if points is not None else "not pulled"
    return AssignmentGrade(status, points, None, D(0), (points,), choices, pending=pending)


def excused(grade: AssignmentGrade) -> AssignmentGrade:
    unscored = tuple(None for _ in grade.points)
    return grade._replace(status="excused", score=None, points=unscored, excused=True, pending="")


def sheet(*rows: tuple[Student, AssignmentGrade, AssignmentGrade]) -> GradeSheet:
    return GradeSheet((CALCULATOR, WEBPAGE), [StudentGrades(s, (a, b)) for s, a, b in rows])


def lms_file(
    fmt: ExportFormat,
    grades: GradeSheet,
    options: FormatOptions | None = None,
    *,
    clear_missing: bool = False,
) -> LmsFile:
    """An LMS file as the export decides it: what it carries, and what it leaves out."""
    collected = LmsRows(Shape(fmt, grades.assignments, options or FormatOptions()))
    for graded in grades.students:
        collected.add(graded)
    return collected.file(clear_missing=clear_missing)


def export_text(
    fmt: ExportFormat,
    grades: GradeSheet,
    options: FormatOptions | None = None,
    *,
    clear_missing: bool = False,
) -> str:
    if fmt.is_lms:
        text = lms_file(fmt, grades, options, clear_missing=clear_missing).text
        assert text is not None, "nothing to write"
        return text
    shape = Shape(fmt, grades.assignments, options or FormatOptions())
    rows = [shape.header()]
    for graded in grades.students:
        rows += shape.rows(graded)
    return render(rows)


def read_rows(text: str) -> list[list[str]]:
    """The file as a plain CSV reader (any spreadsheet or LMS) sees it."""
    return list(csv.reader(io.StringIO(text, newline="")))

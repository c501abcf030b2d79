"""`grader export grades`: a grade CSV in one of five shapes, checked, then written atomically."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from grader.domain.errors import GraderError, Problem, ValidationFailed
from grader.domain.progress import Progress
from grader.domain.roster import Student
from grader.exports.against import Comparison, compare
from grader.exports.atomic import write_atomically
from grader.exports.csv_safety import encode, render
from grader.exports.formats import ExportFormat, FormatOptions, Shape, identity_problem
from grader.exports.grade_rows import GradeSheet, StudentGrades
from grader.exports.lms_checks import check_canvas
from grader.exports.moodle_checks import check_moodle, check_worksheet
from grader.exports.worksheet import Worksheet, parse_worksheet
from grader.files.reading import decode_utf8, read_capped
from grader.gradebook.context import CourseContext
from grader.gradebook.grade_sheet import grade_sheet

MAX_INPUT_BYTES = 512_000_000
PROGRESS_EVERY = 10_000
SHOWN = 10
_TRAILING_ID = re.compile(r"\s\([0-9]+\)$")


@dataclass(frozen=True)
class GradesRequest:
    fmt: ExportFormat
    assignment_ids: tuple[str, ...] = ()
    excel: bool = False
    skip_unmatched: bool = False
    criteria: bool = False
    moodle_key: str = "idnumber"
    last_downloaded: int | None = None
    worksheet: Path | None = None
    canvas_titles_only: bool = False
    moodle_grade_max: Decimal = Decimal(100)
    target: str = "<stdout>"
    """How problems name the output (the -o file, or stdout)."""


@dataclass(frozen=True)
class GradesExport:
    text: str
    data: bytes
    students: int
    """Students with a row in the file."""
    skipped: list[tuple[Student, str]] = field(default_factory=list)
    """Students left out with --skip-unmatched, and why."""
    blank: int = 0
    """Grades left empty because they are not final (a blank cell clears the LMS's grade)."""


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large export allocates millions of small objects.

    They hold no reference cycles (reference counting frees them), but each collection would
    walk all of them: on a 100,000-student class this halves the export time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_text(path: Path, advice: str) -> str:
    return decode_utf8(read_capped(path, str(path), MAX_INPUT_BYTES), str(path), advice)


def chosen_assignments(ctx: CourseContext, request: GradesRequest) -> list[str]:
    known = [a.id for a in ctx.files.course.assignments]
    for assignment_id in request.assignment_ids:
        ctx.files.rubric(assignment_id)  # names the known assignments when it is not one
    chosen = list(dict.fromkeys(request.assignment_ids)) or known
    if request.fmt is ExportFormat.MOODLE_WORKSHEET and len(chosen) != 1:
        raise GraderError(
            "a Moodle grading worksheet holds one assignment: add --assignment ID "
            f"(one of: {', '.join(known)})"
        )
    return chosen


def _canvas_ids(ctx: CourseContext, request: GradesRequest, chosen: list[str]) -> None:
    assignments = [ctx.files.course.assignment(a) for a in chosen]
    lacking = [a for a in assignments if a is not None and not a.canvas_id]
    if lacking and not request.canvas_titles_only:
        names = ", ".join(a.id for a in lacking)
        raise GraderError(
            f"Canvas matches assignments by id, and course.yaml gives none for: {names}. Add "
            "'canvas_id: 123456' to each (the number ending the assignment's Canvas URL, "
            ".../assignments/123456), or pass --canvas-titles to let Canvas match them by exact "
            "title (creating an assignment when none has that title)"
        )
    ambiguous = [a.title for a in lacking if _TRAILING_ID.search(a.title)]
    if ambiguous:
        raise GraderError(
            f"Canvas would read the end of the title {ambiguous[0]!r} as an assignment id; "
            "add its canvas_id to course.yaml"
        )


def _worksheet(request: GradesRequest) -> Worksheet | None:
    if request.fmt is not ExportFormat.MOODLE_WORKSHEET:
        return None
    if request.worksheet is None:
        raise GraderError(
            "a Moodle grading worksheet needs the participant numbers only Moodle knows: download the "
            "worksheet (Assignment > View all submissions > Grading action > Download grading "
            "worksheet) and pass it with --worksheet FILE"
        )
    return parse_worksheet(
        _read_text(request.worksheet, "download the worksheet again"), str(request.worksheet)
    )


def _matched(
    rows: list[StudentGrades], request: GradesRequest, options: FormatOptions
) -> tuple[list[StudentGrades], list[tuple[Student, str]]]:
    kept: list[StudentGrades] = []
    unmatched: list[tuple[Student, str]] = []
    for row in rows:
        problem = identity_problem(row.student, request.fmt, options)
        if problem is None:
            kept.append(row)
        else:
            unmatched.append((row.student, problem))
    if unmatched and not request.skip_unmatched:
        lines = [f"  {s.student_id} {s.name}: {why}" for s, why in unmatched[:SHOWN]]
        if len(unmatched) > SHOWN:
            lines.append(f"  ... and {len(unmatched) - SHOWN} more")
        fix = {
            ExportFormat.CANVAS: "add their canvas_id to the roster (grader roster import reads a Canvas "
            "gradebook export)",
            ExportFormat.MOODLE: "add their moodle_idnumber to the roster, or use --moodle-key email",
            ExportFormat.MOODLE_WORKSHEET: "check their email in the roster and in the worksheet",
        }[request.fmt]
        raise GraderError(
            f"{len(unmatched)} student(s) cannot be matched in {request.fmt.value}:\n"
            + "\n".join(lines)
            + f"\n{fix}, or pass --skip-unmatched to leave them out"
        )
    return kept, unmatched


def check(fmt: ExportFormat, text: str, target: str, *, now: int, grade_max: Decimal) -> None:
    """Re-read the file with its importer's rules; raise ValidationFailed naming each problem."""
    problems: list[Problem] = []
    if fmt is ExportFormat.CANVAS:
        problems = check_canvas(text, target)
    elif fmt is ExportFormat.MOODLE:
        problems = check_moodle(text, target, now=now, grade_max=grade_max)
    elif fmt is ExportFormat.MOODLE_WORKSHEET:
        problems = check_worksheet(text, target)
    if problems:
        raise ValidationFailed(
            [*problems, Problem(target, 0, "", f"failed the {fmt.value} import check; nothing was written")]
        )


def build_export(
    ctx: CourseContext, request: GradesRequest, *, now: int
) -> Iterator[Progress | GradesExport]:
    """Gather, shape, render and check the export, yielding progress; the export comes last."""
    chosen = chosen_assignments(ctx, request)
    if request.fmt is ExportFormat.CANVAS:
        _canvas_ids(ctx, request, chosen)
    options = FormatOptions(
        criteria=request.criteria,
        moodle_key=request.moodle_key,
        last_downloaded=request.last_downloaded,
        worksheet=_worksheet(request),
    )
    sheet: GradeSheet | None = None
    for item in grade_sheet(ctx, chosen, choices=request.fmt.shows_choices):
        if isinstance(item, Progress):
            yield item
        else:
            sheet = item
    assert sheet is not None
    kept, skipped = _matched(sheet.students, request, options)
    shape = Shape(request.fmt, sheet, options)
    rows: list[list[str]] = [shape.header, *shape.leading]
    written = blank = 0
    for index, graded in enumerate(kept, start=1):
        student_rows = shape.rows(graded)
        rows += student_rows
        written += bool(student_rows)
        blank += sum(1 for grade in graded.grades if grade.score is None and not grade.excused)
        if index % PROGRESS_EVERY == 0:
            yield Progress(index, len(kept), "writing rows")
    text = render(rows)
    yield Progress(len(kept), len(kept), f"checking the {request.fmt.value} file")
    check(request.fmt, text, request.target, now=now, grade_max=request.moodle_grade_max)
    yield GradesExport(text, encode(text, bom=request.excel), written, skipped, blank)


def write_export(export: GradesExport, path: Path) -> None:
    write_atomically(path, [export.data])


def compare_export(
    ctx: CourseContext, request: GradesRequest, previous: Path, *, now: int
) -> Iterator[Progress | Comparison]:
    """What importing this export would change over ``previous``; nothing is written."""
    previous_text = _read_text(previous, "compare with the file as the LMS or grader exported it")
    for item in build_export(ctx, request, now=now):
        if isinstance(item, Progress):
            yield item
        else:
            yield compare(request.fmt, previous_text, str(previous), item.text, moodle_key=request.moodle_key)

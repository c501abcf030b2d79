"""`grader export grades`: a grade CSV in one of five shapes, checked, then written atomically.

The grades are read, scored and rendered a chunk of students at a time into a spool
(``grades_export``), so a class of any size exports in bounded memory. An
LMS file is decided whole before it is written (``lms_file``: which assignments and students it
can carry without clearing a grade) and re-read with its importer's rules first.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

from grader.domain.anonymity import Identities, pseudonymous, shown_students
from grader.domain.errors import GraderError, Problem, ValidationFailed
from grader.domain.progress import Progress
from grader.domain.roster import Student
from grader.durable import write_shared
from grader.exports.against import Comparison, compare
from grader.exports.csv_safety import encode, render
from grader.exports.formats import ExportFormat, FormatOptions, Shape, identity_problem
from grader.exports.grade_rows import GradeSheet, StudentGrades
from grader.exports.grades_export import GradesExport, new_spool
from grader.exports.lms_checks import check_canvas
from grader.exports.lms_file import LmsRows
from grader.exports.moodle_checks import check_moodle, check_worksheet
from grader.exports.worksheet import Worksheet, parse_worksheet
from grader.files.reading import decode_utf8, read_capped
from grader.gradebook.anonymity import identities
from grader.gradebook.context import CourseContext
from grader.gradebook.grade_sheet import grade_sheet

MAX_INPUT_BYTES = 512_000_000
SHOWN = 10
_TRAILING_ID = re.compile(r"\s\([0-9]+\)$")
__all__ = [
    "GradesExport",
    "GradesRequest",
    "build_export",
    "bulk_allocation",
    "compare_export",
    "write_export",
]


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
    clear_missing: bool = False
    """LMS shapes: write grades that are not final as blanks, which clear the LMS's grades."""
    target: str = "<stdout>"
    """How problems name the output (the -o file, or stdout)."""


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
    students: Sequence[Student], request: GradesRequest, options: FormatOptions
) -> tuple[Sequence[Student], list[tuple[Student, str]]]:
    """The students the LMS can match, and the others with why (refused unless --skip-unmatched)."""
    if not request.fmt.is_lms:
        return students, []
    kept: list[Student] = []
    unmatched: list[tuple[Student, str]] = []
    for student in students:
        problem = identity_problem(student, request.fmt, options)
        if problem is None:
            kept.append(student)
        else:
            unmatched.append((student, problem))
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
    """Gather, shape, render and check the export, yielding progress; the export comes last.

    The caller closes the export (its spool) once written.
    """
    chosen = chosen_assignments(ctx, request)
    chosen, hidden, masked = _anonymous_part(ctx, chosen, request.fmt)
    if request.fmt is ExportFormat.CANVAS:
        _canvas_ids(ctx, request, chosen)
    options = FormatOptions(
        criteria=request.criteria,
        moodle_key=request.moodle_key,
        last_downloaded=request.last_downloaded,
        worksheet=_worksheet(request),
    )
    students, skipped = _matched(ctx.files.students, request, options)
    if masked is not None:
        students = shown_students(masked, students)
    sheets = grade_sheet(ctx, chosen, students=students, choices=request.fmt.shows_choices)
    if request.fmt.is_lms:
        export = yield from _lms_export(sheets, request, options, now=now)
    else:
        export = yield from _spreadsheet_export(sheets, request, options, masked)
        export.dropped = hidden
    export.skipped = skipped
    yield export


def _anonymous_part(
    ctx: CourseContext, chosen: list[str], fmt: ExportFormat
) -> tuple[list[str], list[str], Identities | None]:
    """(assignments exported, anonymous ones left out, how rows name students): an LMS file
    carries real ids always; a spreadsheet of one anonymous assignment names students by
    pseudonym; beside other assignments it would tie pseudonyms to names, so it is left out."""
    if fmt.is_lms:
        return chosen, [], None
    shown = {a: identities(ctx, a) for a in chosen}
    hidden = [a for a in chosen if shown[a].hidden]
    if not hidden:
        return chosen, [], None
    if len(chosen) == 1:
        return chosen, [], shown[chosen[0]]
    kept = [a for a in chosen if a not in hidden]
    if not kept:
        raise GraderError(
            f"{', '.join(hidden)} are graded anonymously: export each alone (--assignment ID) "
            "for rows by pseudonym, or reveal it first (grader reveal ID)"
        )
    return kept, hidden, None


def _spreadsheet_export(
    sheets: Iterator[Progress | GradeSheet],
    request: GradesRequest,
    options: FormatOptions,
    masked: Identities | None = None,
) -> Generator[Progress, None, GradesExport]:
    """long or wide, streamed into the spool a chunk at a time: every grade, blanks marked."""
    spool = new_spool()
    export = GradesExport(request.fmt, spool, 0)
    try:
        if request.excel:
            spool.write(encode("", bom=True))
        shape: Shape | None = None
        for item in sheets:
            if isinstance(item, Progress):
                yield item
                continue
            if shape is None:
                shape = Shape(request.fmt, item.assignments, options)
                spool.write(encode(render([shape.header()])))
            rows: list[list[str]] = []
            for graded in item.students:
                if masked is not None:  # by pseudonym: no name, e-mail or handle
                    graded = StudentGrades(pseudonymous(graded.student), graded.grades)
                rows += shape.rows(graded)
                export.not_final += sum(not grade.final for grade in graded.grades)
            export.students += len(item.students)
            export.considered += len(item.students)
            spool.write(encode(render(rows)))
    except BaseException:
        spool.close()
        raise
    return export


def _lms_export(
    sheets: Iterator[Progress | GradeSheet], request: GradesRequest, options: FormatOptions, *, now: int
) -> Generator[Progress, None, GradesExport]:
    """An LMS file: collected, then only what it can carry without clearing a grade; checked."""
    collected: LmsRows | None = None
    for item in sheets:
        if isinstance(item, Progress):
            yield item
            continue
        if collected is None:
            collected = LmsRows(Shape(request.fmt, item.assignments, options))
        for graded in item.students:
            collected.add(graded)
    assert collected is not None, "grade_sheet yields the assignments first"
    decided = collected.file(clear_missing=request.clear_missing)
    considered = len(collected.rows)
    del collected
    spool: IO[bytes] | None = None
    if decided.text is not None:
        yield Progress(decided.students, decided.students, f"checking the {request.fmt.value} file")
        check(request.fmt, decided.text, request.target, now=now, grade_max=request.moodle_grade_max)
        spool = new_spool()
        spool.write(encode(decided.text, bom=request.excel))
    return GradesExport(
        request.fmt,
        spool,
        decided.students,
        left_out=decided.left_out,
        dropped=decided.dropped,
        cleared=decided.cleared,
        considered=considered,
    )


def write_export(export: GradesExport, path: Path) -> None:
    write_shared(path, export.chunks())


def compare_export(
    ctx: CourseContext, request: GradesRequest, previous: Path, *, now: int
) -> Iterator[Progress | GradesExport | Comparison]:
    """What importing this export would change over ``previous``; nothing is written.

    Yields progress, then the export (closed: for what it left out), then the comparison, unless
    the export has nothing to write.
    """
    previous_text = _read_text(previous, "compare with the file as the LMS or grader exported it")
    for item in build_export(ctx, request, now=now):
        if isinstance(item, Progress):
            yield item
            continue
        try:
            current = item.text if item.written else None
        finally:
            item.close()
        yield item
        if current is not None:
            yield compare(request.fmt, previous_text, str(previous), current, moodle_key=request.moodle_key)

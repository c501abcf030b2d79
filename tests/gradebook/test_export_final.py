"""The grade export's "final" is status_row's "final", for every submission of a pulled demo course.

The export scores a class a chunk at a time, each distinct choice once, rather than calling
``status_row`` per submission; both must say the same thing of every grade, on both backends.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from postgres import postgres_test_url, scratch_postgres_url
from required_tools import require_tool

from grader.cli.main import main
from grader.demo import build_demo_course
from grader.exports.formats import ExportFormat
from grader.exports.grade_rows import AssignmentGrade, GradeSheet
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.export_grades import GradesExport, GradesRequest, build_export
from grader.gradebook.flagging import set_excused, set_flag
from grader.gradebook.grade_sheet import grade_sheet
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.status import EXCUSED, PULLED, SubmissionStatus, submission_statuses

A1, A2, A3 = "a1-calculator", "a2-webpage", "a3-dataanalysis"
A1_MANUAL = {
    "correctness": ChoiceRequest(level="Exemplary"),
    "cli": ChoiceRequest(level="Proficient"),
    "code-quality": ChoiceRequest(items=("Unclear names",)),
    "readme": ChoiceRequest(level="Complete"),
    "git-practice": ChoiceRequest(items=()),
}
"""Every manual criterion of a1; its autograded "tests" is left pending."""


@pytest.fixture(scope="module")
def pulled_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export-final") / "course"
    for _ in build_demo_course(root, students=9, seed=5):
        pass
    assert main(["--course", str(root), "pull", "--jobs", "4"]) == 0
    return root


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ctx(request: pytest.FixtureRequest, pulled_demo: Path, tmp_path: Path) -> Iterator[CourseContext]:
    """The pulled demo on a fresh gradebook of each backend, pulled into it."""
    if request.param == "sqlite":
        yield from _opened(pulled_demo, f"sqlite:///{tmp_path / 'grades.db'}")
        return
    require_tool("postgresql")
    base = postgres_test_url()
    assert base is not None
    with scratch_postgres_url(base) as url:
        yield from _opened(pulled_demo, url)


def _opened(root: Path, url: str) -> Iterator[CourseContext]:
    assert main(["--course", str(root), "--db", url, "pull", "--jobs", "4"]) == 0
    with open_course(root, database_url=url, actor="Ada") as opened:
        yield opened


def grade_a_mix(ctx: CourseContext) -> None:
    """Every kind of grade: autograde pending, final by a grader's points, in progress, excused…"""
    pulled = [r.student_id for r in submission_statuses(ctx, [A1]) if r.status == PULLED]
    assert len(pulled) >= 6, "the demo has enough pulled submissions"
    for student_id in pulled[:5]:
        for criterion_id, choice in A1_MANUAL.items():
            record_choice(ctx, A1, student_id, criterion_id, choice)
    record_choice(ctx, A1, pulled[0], "tests", ChoiceRequest(points=Decimal(0)))  # zero is a score
    record_choice(ctx, A1, pulled[1], "tests", ChoiceRequest(points=Decimal(17)))
    record_choice(ctx, A1, pulled[5], "correctness", ChoiceRequest(level="Developing"))
    set_excused(ctx, A1, pulled[2], True, "medical note")
    set_flag(ctx, A1, pulled[1], "ask about the tests")
    record_choice(ctx, A2, pulled[0], "semantic-html", ChoiceRequest(level="Exemplary"))
    set_excused(ctx, A3, pulled[3], True, "joined late")


def exported(ctx: CourseContext, chunk: int) -> dict[tuple[str, str], AssignmentGrade]:
    ids = [a.id for a in ctx.files.course.assignments]
    grades: dict[tuple[str, str], AssignmentGrade] = {}
    for item in grade_sheet(ctx, ids, chunk=chunk):
        if isinstance(item, GradeSheet):
            assert len(item.students) <= chunk
            for row in item.students:
                for assignment_id, grade in zip(ids, row.grades, strict=True):
                    grades[(row.student.student_id, assignment_id)] = grade
    return grades


def test_the_exports_final_is_status_rows_final_for_every_submission(ctx: CourseContext) -> None:
    grade_a_mix(ctx)
    statuses: dict[tuple[str, str], SubmissionStatus] = {
        (r.student_id, r.assignment_id): r for r in submission_statuses(ctx)
    }
    grades = exported(ctx, chunk=4)  # chunks of 4: the boundaries fall inside the class
    assert grades.keys() == statuses.keys() and len(grades) == 27
    for key, row in statuses.items():
        grade = grades[key]
        assert grade.final == row.final, (key, grade, row)
        assert grade.excused == row.excused, key
        if row.status != EXCUSED:
            assert grade.status == row.status, key
        assert grade.score == (row.score if row.final else None), key
    finals = Counter((a, grades[(s, a)].final) for s, a in grades)
    assert finals[(A1, True)] == 3, "two with the tests scored, one excused"
    assert finals[(A1, False)] == 6
    assert finals[(A2, True)] == 0, "the a2 grade misses criteria: not final"
    assert finals[(A3, True)] == 1, "excused is final"
    reasons = Counter(g.pending for g in grades.values() if not g.final)
    assert reasons["autograde pending"] == 2 and reasons["in progress"] == 2
    assert all(g.pending == "" for g in grades.values() if g.final)


def test_an_lms_export_holds_the_final_grades_only_and_lists_the_rest(ctx: CourseContext) -> None:
    grade_a_mix(ctx)
    finals = {r.student_id for r in submission_statuses(ctx, [A1]) if r.final}
    request = GradesRequest(fmt=ExportFormat.CANVAS, assignment_ids=(A1,))
    *_, export = build_export(ctx, request, now=0)
    assert isinstance(export, GradesExport) and export.written
    try:
        rows = list(csv.reader(io.StringIO(export.text, newline="")))
    finally:
        export.close()
    canvas_ids = {s.canvas_id: s.student_id for s in ctx.files.students}
    written = {canvas_ids[row[1]]: row[5] for row in rows[2:]}
    assert set(written) == finals and len(finals) == 3
    assert sorted(written.values()).count("EX") == 1
    listed = {item.student.student_id: item.reason for item in export.left_out}
    assert listed.keys() == {s.student_id for s in ctx.files.students} - finals
    assert Counter(listed.values())["autograde pending"] == 2

"""An LMS file never clears a grade by accident: what it cannot carry is left out, and listed."""

from __future__ import annotations

import random
from collections import Counter
from decimal import Decimal

import pytest
from grade_sheet_helpers import (
    CALCULATOR,
    WEBPAGE,
    D,
    calculator_grade,
    excused,
    export_text,
    lms_file,
    read_rows,
    sheet,
    student,
    webpage_grade,
)

from grader.exports.export_notes import export_notes, nothing_to_write
from grader.exports.formats import EXCUSED_IN_MOODLE, ExportFormat
from grader.exports.grade_rows import AssignmentGrade, GradeSheet, StudentGrades
from grader.exports.lms_checks import check_canvas
from grader.exports.moodle_checks import check_moodle

NOW = 1_800_000_000
LMS = (ExportFormat.CANVAS, ExportFormat.MOODLE)


def one_assignment(*rows: tuple[int, AssignmentGrade]) -> GradeSheet:
    return GradeSheet((CALCULATOR,), [StudentGrades(student(n), (grade,)) for n, grade in rows])


@pytest.mark.parametrize("fmt", LMS)
def test_one_assignment_keeps_only_the_students_with_a_final_grade(fmt: ExportFormat) -> None:
    decided = lms_file(fmt, one_assignment((1, calculator_grade()), (2, calculator_grade(final=False))))
    assert decided.text is not None
    keys = [row[1] if fmt is ExportFormat.CANVAS else row[0] for row in read_rows(decided.text)]
    assert "900001" in keys or "00001" in keys
    assert "900002" not in keys and "00002" not in keys
    assert decided.students == 1
    assert [(i.student.student_id, i.assignment_id, i.reason) for i in decided.left_out] == [
        ("00002", "a1-calculator", "in progress")
    ]


@pytest.mark.parametrize("fmt", LMS)
def test_one_assignment_with_no_final_grade_has_nothing_to_write(fmt: ExportFormat) -> None:
    decided = lms_file(
        fmt, one_assignment((1, calculator_grade(final=False)), (2, calculator_grade(final=False)))
    )
    assert decided.text is None and decided.students == 0
    assert decided.dropped == ["a1-calculator"]
    assert len(decided.left_out) == 2
    assert "none of these grades can be written" in nothing_to_write(fmt, 2)
    assert "no student is left" in nothing_to_write(fmt, 0)


def test_several_assignments_leave_out_a_column_with_no_final_grade_and_rows_with_a_gap() -> None:
    grades = sheet(
        (student(1), calculator_grade(final=False), webpage_grade(D(40))),  # a1 not final anywhere
        (student(2), calculator_grade(final=False), webpage_grade(D(30))),
        (student(3), calculator_grade(final=False), webpage_grade(None)),  # a gap in the kept column
    )
    decided = lms_file(ExportFormat.CANVAS, grades)
    assert decided.text is not None
    rows = read_rows(decided.text)
    assert rows[0][5:] == ["Web page (123457)"], "the calculator column is left out whole"
    assert [row[1] for row in rows[2:]] == ["900001", "900002"]
    assert decided.dropped == ["a1-calculator"] and decided.assignment_ids == ["a2-webpage"]
    left = {(i.student.student_id, i.assignment_id): i for i in decided.left_out}
    assert set(left) == {
        ("00001", "a1-calculator"),
        ("00002", "a1-calculator"),
        ("00003", "a1-calculator"),
        ("00003", "a2-webpage"),
    }
    assert left[("00003", "a2-webpage")].reason == "not pulled"


def test_a_final_grade_in_a_row_with_a_gap_is_listed_as_final() -> None:
    grades = sheet(
        (student(1), calculator_grade(), webpage_grade(D(40))),
        (student(2), calculator_grade(), webpage_grade(None)),
    )
    decided = lms_file(ExportFormat.MOODLE, grades)
    assert decided.text is not None
    assert [row[0] for row in read_rows(decided.text)[1:]] == ["00001"]
    (final,) = [i for i in decided.left_out if i.final]
    assert (final.student.student_id, final.assignment_id) == ("00002", "a1-calculator")
    assert final.reason == "final, but its row has a grade that cannot be written: a2-webpage"
    notes = export_notes(
        ExportFormat.MOODLE, left_out=decided.left_out, dropped=[], cleared=Counter(), not_final=0
    )
    assert any(
        "left out 1 final grade(s) whose row has a grade that cannot be written" in s for s in notes.summary
    )
    assert "left out 00002 Student 2, a1-calculator: final, but its row" in notes.details[0]


def test_clear_missing_writes_every_row_and_counts_the_blanks_that_clear() -> None:
    grades = sheet(
        (student(1), calculator_grade(), webpage_grade(None)),
        (student(2), calculator_grade(final=False), webpage_grade(D(30))),
    )
    decided = lms_file(ExportFormat.CANVAS, grades, clear_missing=True)
    assert decided.text is not None
    rows = read_rows(decided.text)
    assert [row[5:] for row in rows[2:]] == [["67", ""], ["", "30"]]
    assert decided.left_out == [] and decided.cleared == Counter({"a1-calculator": 1, "a2-webpage": 1})
    notes = export_notes(ExportFormat.CANVAS, left_out=[], dropped=[], cleared=decided.cleared, not_final=0)
    assert notes.summary == [
        "--clear-missing: 2 blank cell(s) in this file clear the grade Canvas holds "
        "(a1-calculator: 1, a2-webpage: 1); preview with --against PREVIOUS_EXPORT"
    ]
    assert check_canvas(decided.text, "canvas.csv") == []


def test_excused_is_ex_in_canvas_and_left_out_of_moodle() -> None:
    grades = sheet(
        (student(1), excused(calculator_grade()), webpage_grade(D(40))),
        (student(2), calculator_grade(), webpage_grade(D(30))),
    )
    canvas = read_rows(export_text(ExportFormat.CANVAS, grades))
    assert [row[5:] for row in canvas[2:]] == [["EX", "40"], ["67", "30"]]
    decided = lms_file(ExportFormat.MOODLE, grades)
    assert decided.text is not None
    assert [row[0] for row in read_rows(decided.text)[1:]] == ["00002"]
    excused_item = next(i for i in decided.left_out if not i.final)
    assert (excused_item.student.student_id, excused_item.reason) == ("00001", EXCUSED_IN_MOODLE)
    notes = export_notes(
        ExportFormat.MOODLE, left_out=decided.left_out, dropped=[], cleared=Counter(), not_final=0
    )
    assert "left out 1 grade(s) that are not final, or excused (1 excused)" in notes.summary


def _random_grade(rng: random.Random, assignment: int) -> AssignmentGrade:
    kind = rng.choice(("final", "final", "pending", "missing", "excused"))
    if assignment == 0:
        grade = (
            calculator_grade(final=kind != "pending")
            if kind != "missing"
            else calculator_grade(
                correctness=None, correctness_points=None, style_items=None, tests=None, final=False
            )._replace(status="not pulled", pending="not pulled")
        )
    else:
        grade = webpage_grade(Decimal(rng.randrange(50)) if kind != "missing" and kind != "pending" else None)
    return excused(grade) if kind == "excused" else grade


@pytest.mark.parametrize("fmt", LMS)
@pytest.mark.parametrize("seed", range(40))
def test_no_lms_file_ever_holds_a_blank_grade_and_every_grade_is_written_or_listed(
    fmt: ExportFormat, seed: int
) -> None:
    rng = random.Random(seed)
    grades = sheet(*((student(n), _random_grade(rng, 0), _random_grade(rng, 1)) for n in range(1, 9)))
    by_key = {
        key: s.student.student_id
        for s in grades.students
        for key in (s.student.canvas_id, s.student.student_id)
    }
    decided = lms_file(fmt, grades)
    listed = {(i.student.student_id, i.assignment_id) for i in decided.left_out}
    assert len(listed) == len(decided.left_out), "each grade is listed once"
    written: set[tuple[str, str]] = set()
    if decided.text is not None:
        rows = read_rows(decided.text)
        header = rows[0]
        grade_columns = [i for i, h in enumerate(header) if h.endswith(("(123456)", "(123457)", "(Real)"))]
        assert grade_columns, "a file always holds an assignment"
        body = rows[2:] if fmt is ExportFormat.CANVAS else rows[1:]
        assert body, "a file always holds a student"
        for row in body:
            for index in grade_columns:
                assert row[index] not in ("", "-"), f"a blank would clear the LMS's grade: {row}"
                assignment = CALCULATOR.id if CALCULATOR.title in header[index] else WEBPAGE.id
                written.add((by_key[row[1] if fmt is ExportFormat.CANVAS else row[0]], assignment))
        check = (
            check_canvas(decided.text, "f")
            if fmt is ExportFormat.CANVAS
            else check_moodle(decided.text, "f", now=NOW)
        )
        assert check == []
    everything = {(s.student.student_id, a) for s in grades.students for a in ("a1-calculator", "a2-webpage")}
    assert written | listed == everything, "every grade is in the file or listed as left out"
    assert not written & listed


def test_wide_and_long_say_how_many_grades_are_blank_because_not_final() -> None:
    notes = export_notes(ExportFormat.WIDE, left_out=[], dropped=[], cleared=Counter(), not_final=3)
    assert notes.summary == ["3 grade(s) are not final: blank, and the not_final column says why"]
    assert (
        export_notes(ExportFormat.LONG, left_out=[], dropped=[], cleared=Counter(), not_final=0).summary == []
    )


def test_the_worksheet_says_moodle_skips_a_blank_grade() -> None:
    grades = one_assignment((1, calculator_grade(final=False)), (2, calculator_grade()))
    left_out = lms_file(ExportFormat.CANVAS, grades).left_out
    notes = export_notes(
        ExportFormat.MOODLE_WORKSHEET, left_out=left_out, dropped=[], cleared=Counter(), not_final=0
    )
    assert notes.summary[-1] == "Moodle skips a blank grade in a worksheet, so this file clears no grade"
    assert notes.details == ["left out 00001 Student 1, a1-calculator: in progress"]

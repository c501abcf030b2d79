"""--against: what an import would change, against an earlier export or the LMS's own file."""

from __future__ import annotations

import pytest
from grade_sheet_helpers import D, calculator_grade, export_text, sheet, student, webpage_grade

from grader.domain.errors import ValidationFailed
from grader.exports.against import compare, same_value
from grader.exports.formats import ExportFormat


def test_canvas_changes_new_and_removed_students() -> None:
    before = sheet(
        (student(1, "Ana"), calculator_grade(), webpage_grade(D(40))),
        (student(2, "Ben"), calculator_grade(), webpage_grade(D(30))),
    )
    after = sheet(
        (
            student(1, "Ana"),
            calculator_grade(correctness="Exemplary", correctness_points=D(40)),
            webpage_grade(D(40)),
        ),
        (student(3, "Cy"), calculator_grade(), webpage_grade(D(10))),
    )
    result = compare(
        ExportFormat.CANVAS,
        export_text(ExportFormat.CANVAS, before),
        "old.csv",
        export_text(ExportFormat.CANVAS, after),
        moodle_key="idnumber",
    )
    assert [(c.student, c.column, c.old, c.new) for c in result.changes] == [
        ("Ana (900001)", "Calculator (123456)", "67", "77")
    ]
    assert result.added == ["Cy (900003)"]
    assert result.removed == ["Ben (900002)"]
    assert result.unchanged == 1


def test_canvas_matches_columns_by_id_in_its_own_export_and_ignores_totals() -> None:
    canvas_export = (
        "Student,ID,SIS User ID,SIS Login ID,Section,Calculator renamed (123456),Current Score,Final Grade\n"
        "    Points Possible,,,,,80,,\n"
        "Ana,900001,S00001,s1,CS101-01,67.001,83.75,B\n"
    )
    after = sheet((student(1, "Ana"), calculator_grade(), webpage_grade(None)))
    result = compare(
        ExportFormat.CANVAS,
        canvas_export,
        "canvas.csv",
        export_text(ExportFormat.CANVAS, after),
        moodle_key="idnumber",
    )
    assert result.changes == []
    assert result.unchanged == 1, "67.001 is 67 at 2 places"
    assert result.new_columns == [], "Web page has no final grade: left out, so it is no new column"
    graded = sheet((student(1, "Ana"), calculator_grade(), webpage_grade(D(10))))
    result = compare(
        ExportFormat.CANVAS,
        canvas_export,
        "canvas.csv",
        export_text(ExportFormat.CANVAS, graded),
        moodle_key="idnumber",
    )
    assert (result.unchanged, result.new_columns) == (1, ["Web page (123457)"])


def test_only_clear_missing_writes_a_blank_that_clears_the_lms_grade() -> None:
    before = sheet((student(1), calculator_grade(), webpage_grade(D(40))))
    after = sheet((student(1), calculator_grade(final=False), webpage_grade(D(40))))
    previous = export_text(ExportFormat.MOODLE, before)
    kept = compare(
        ExportFormat.MOODLE,
        previous,
        "old.csv",
        export_text(ExportFormat.MOODLE, after),
        moodle_key="idnumber",
    )
    assert (kept.changes, kept.cleared, kept.unchanged) == ([], 0, 1), "the calculator grade is left out"
    cleared = compare(
        ExportFormat.MOODLE,
        previous,
        "old.csv",
        export_text(ExportFormat.MOODLE, after, clear_missing=True),
        moodle_key="idnumber",
    )
    assert [(c.column, c.old, c.new) for c in cleared.changes] == [
        ("Assignment: Calculator (Real)", "67", "")
    ]
    assert cleared.cleared == 1


def test_moodle_compares_with_moodles_own_export() -> None:
    moodle_export = (
        "First name,Last name,ID number,Institution,Department,Email address,"
        "Assignment: Calculator (Real),Assignment: Calculator (Feedback),Last downloaded from this course\n"
        "Jane,Doe,00001,,,s1@example.edu,67.00,,1767225600\n"
        "Rick,Roe,00002,,,s2@example.edu,-,,1767225600\n"
    )
    after = sheet(
        (student(1), calculator_grade(), webpage_grade(D(5))),
        (student(2), calculator_grade(), webpage_grade(D(5))),
    )
    result = compare(
        ExportFormat.MOODLE,
        moodle_export,
        "moodle.csv",
        export_text(ExportFormat.MOODLE, after),
        moodle_key="idnumber",
    )
    assert [(c.student, c.column, c.old, c.new) for c in result.changes] == [
        ("Jane Doe (00001)", "Assignment: Personal web page (Real)", "", "5"),
        ("Rick Roe (00002)", "Assignment: Calculator (Real)", "-", "67"),
        ("Rick Roe (00002)", "Assignment: Personal web page (Real)", "", "5"),
    ]
    assert result.unchanged == 1
    assert result.new_columns == ["Assignment: Personal web page (Real)"]


def test_values_compare_as_the_importer_does() -> None:
    assert same_value("87.50", "87.5", places=False)
    assert same_value("", "-", places=True)
    assert same_value("ex", "EX", places=True)
    assert not same_value("EX", "0", places=True)
    assert same_value("12,5", "12.5", places=True)
    assert same_value("33.333", "33.33", places=True)
    assert not same_value("33.333", "33.33", places=False)
    assert not same_value("1", "", places=True)


def test_an_unrelated_previous_file_is_refused_with_the_reason() -> None:
    after = export_text(ExportFormat.MOODLE, sheet((student(1), calculator_grade(), webpage_grade(None))))
    with pytest.raises(ValidationFailed) as info:
        compare(
            ExportFormat.MOODLE, "Email address,Grade\nx@y.z,1\n", "old.csv", after, moodle_key="idnumber"
        )
    assert "old.csv:1 header: has no 'ID number' column" in str(info.value)
    with pytest.raises(ValidationFailed, match=r"old\.csv:1 is empty"):
        compare(ExportFormat.CANVAS, "\n\n", "old.csv", after, moodle_key="idnumber")
    with pytest.raises(ValidationFailed, match="expected a Canvas gradebook CSV"):
        compare(ExportFormat.CANVAS, "a,b\n1,2\n", "old.csv", after, moodle_key="idnumber")


def test_wide_and_long_exports_compare_by_student_id() -> None:
    before = sheet((student(1, "Ana"), calculator_grade(), webpage_grade(D(40))))
    after = sheet((student(1, "Ana"), calculator_grade(tests=D(10)), webpage_grade(D(40))))
    wide = compare(
        ExportFormat.WIDE,
        export_text(ExportFormat.WIDE, before),
        "old.csv",
        export_text(ExportFormat.WIDE, after),
        moodle_key="idnumber",
    )
    assert [(c.student, c.column, c.old, c.new) for c in wide.changes] == [
        ("Ana (00001)", "a1-calculator", "67", "57")
    ]
    long = compare(
        ExportFormat.LONG,
        export_text(ExportFormat.LONG, before),
        "old.csv",
        export_text(ExportFormat.LONG, after),
        moodle_key="idnumber",
    )
    assert [(c.column, c.old, c.new) for c in long.changes] == [("a1-calculator:tests", "20", "10")]
    assert long.unchanged == 3

"""The five grade CSV shapes, re-read with a plain CSV reader and with each importer's rules."""

from __future__ import annotations

import time
from decimal import Decimal

from grade_sheet_helpers import (
    D,
    calculator_grade,
    export_text,
    read_rows,
    sheet,
    student,
    webpage_grade,
)

from grader.exports.formats import ExportFormat, FormatOptions, identity_problem
from grader.exports.grade_rows import feedback_text
from grader.exports.lms_checks import check_canvas
from grader.exports.moodle_checks import check_moodle, check_worksheet
from grader.exports.worksheet import parse_worksheet

NOW = int(time.time())
TWO = sheet(
    (student(1, "Doe, Jane"), calculator_grade(), webpage_grade(D("42.5"))),
    (student(2, "Rick Roe"), calculator_grade(final=False), webpage_grade(None)),
)


def test_canvas_has_the_importers_header_order_points_possible_and_title_id_columns() -> None:
    rows = read_rows(export_text(ExportFormat.CANVAS, TWO))
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Calculator (123456)",
        "Web page (123457)",
    ]
    assert rows[1] == ["Points Possible", "", "", "", "", "80", "50"]
    assert rows[2] == ["Doe, Jane", "900001", "S00001", "s1", "CS101-01", "67", "42.5"]
    assert len(rows) == 3, "Rick Roe has no final grade: his row would only clear Canvas's grades"


def test_canvas_rounds_scores_to_two_places_as_canvas_compares_them() -> None:
    grade = calculator_grade(penalty=D("6.7333"))
    rows = read_rows(export_text(ExportFormat.CANVAS, sheet((student(1), grade, webpage_grade(D(1))))))
    assert rows[2][5] == "60.27"


def test_excused_is_written_ex_in_canvas() -> None:
    excused = calculator_grade(final=False)._replace(excused=True)
    rows = read_rows(export_text(ExportFormat.CANVAS, sheet((student(1), excused, webpage_grade(D(3))))))
    assert rows[2][5:] == ["EX", "3"]
    assert (
        check_canvas(export_text(ExportFormat.CANVAS, sheet((student(1), excused, webpage_grade(D(3))))), "f")
        == []
    )


def test_moodle_pairs_every_grade_with_its_feedback_and_keys_by_id_number() -> None:
    text = export_text(ExportFormat.MOODLE, TWO)
    rows = read_rows(text)
    assert rows[0] == [
        "ID number",
        "Assignment: Calculator (Real)",
        "Assignment: Calculator (Feedback)",
        "Assignment: Personal web page (Real)",
        "Assignment: Personal web page (Feedback)",
    ]
    assert rows[1][:2] == ["00001", "67"]
    assert rows[1][2].startswith("Correct results: Proficient (30/40) | Code quality: Dead code (17/20)")
    assert [r[0] for r in rows[1:]] == ["00001"], "a blank grade and feedback would clear Moodle's"
    assert check_moodle(text, "grades.csv", now=NOW) == []


def test_moodle_by_email_with_the_overwrite_guard_column() -> None:
    options = FormatOptions(moodle_key="email", last_downloaded=NOW - 60)
    rows = read_rows(export_text(ExportFormat.MOODLE, TWO, options))
    assert rows[0][0] == "Email address"
    assert rows[0][-1] == "Last downloaded from this course"
    assert [r[0] for r in rows[1:]] == ["s1@example.edu"]
    assert rows[1][-1] == str(NOW - 60)


def test_wide_has_identity_columns_scores_and_optional_criteria() -> None:
    rows = read_rows(export_text(ExportFormat.WIDE, TWO))
    assert rows[0] == [
        "student_id",
        "name",
        "email",
        "github",
        "section",
        "not_final",
        "a1-calculator",
        "a2-webpage",
    ]
    assert rows[1] == ["00001", "Doe, Jane", "s1@example.edu", "student-1", "CS101-01", "", "67", "42.5"]
    rows = read_rows(export_text(ExportFormat.WIDE, TWO, FormatOptions(criteria=True)))
    assert rows[0][6:] == [
        "a1-calculator",
        "a1-calculator:correctness",
        "a1-calculator:style",
        "a1-calculator:tests",
        "a2-webpage",
        "a2-webpage:structure",
    ]
    assert rows[2][5:] == [
        "a1-calculator: in progress; a2-webpage: not pulled",
        "",
        "30",
        "17",
        "20",
        "",
        "",
    ], "a grade that is not final stays blank in a spreadsheet, and the row says why"


def test_long_has_a_row_per_student_assignment_and_criterion() -> None:
    commented = calculator_grade(comment="Handles division by zero")
    rows = read_rows(export_text(ExportFormat.LONG, sheet((student(1), commented, webpage_grade(D(50))))))
    assert len(rows) == 1 + 3 + 1
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["criterion"] == "correctness"
    assert (first["choice"], first["points"], first["max_points"]) == ("Proficient", "30", "40")
    assert first["comment"] == "Handles division by zero"
    assert (first["status"], first["score"], first["not_final"]) == ("graded", "67", "")
    style = dict(zip(header, rows[2], strict=True))
    assert (style["choice"], style["points"]) == ("Dead code", "17")
    webpage = dict(zip(header, rows[4], strict=True))
    assert (webpage["assignment"], webpage["score"], webpage["not_final"]) == ("a2-webpage", "50", "")
    pending = read_rows(
        export_text(
            ExportFormat.LONG, sheet((student(1), calculator_grade(final=False), webpage_grade(None)))
        )
    )
    marks = {(row[4], row[-2], row[-1]) for row in pending[1:]}
    assert marks == {("a1-calculator", "", "in progress"), ("a2-webpage", "", "not pulled")}


def test_feedback_summarises_levels_items_comments_and_lateness() -> None:
    from grade_sheet_helpers import CALCULATOR

    grade = calculator_grade(comment="Nice tests", late_minutes=1500, penalty=D("13.4"))
    text = feedback_text(CALCULATOR, grade)
    assert text == (
        "Correct results: Proficient (30/40). Nice tests | Code quality: Dead code (17/20) | "
        "Test suite passes: 20/20 | Late penalty −13.4 (1d 1h late)"
    )


def test_worksheet_keeps_moodle_identifiers_and_times_and_leaves_out_unfinished_grades() -> None:
    worksheet = parse_worksheet(
        "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
        "Last modified (submission),Last modified (grade),Feedback comments\n"
        'Participant 77,Jane,S1@example.edu,Submitted for grading,,80.00,Yes,"Monday, 3 March 2025, 10:01 AM",-,\n'
        "Participant 78,Rick,s2@example.edu,No submission,,80.00,Yes,-,-,\n",
        "worksheet.csv",
    )
    single = sheet(
        (student(1), calculator_grade(), webpage_grade(None)),
        (student(2), calculator_grade(final=False), webpage_grade(None)),
    )
    from dataclasses import replace

    single = replace(single, assignments=single.assignments[:1])
    single.students[:] = [s._replace(grades=s.grades[:1]) for s in single.students]
    text = export_text(ExportFormat.MOODLE_WORKSHEET, single, FormatOptions(worksheet=worksheet))
    rows = read_rows(text)
    assert rows[0][:5] == ["Identifier", "Full name", "Email address", "Status", "Grade"]
    assert rows[1][:9] == [
        "Participant 77",
        "Student 1",
        "s1@example.edu",
        "Submitted for grading",
        "67",
        "80.00",
        "Yes",
        "Monday, 3 March 2025, 10:01 AM",
        "-",
    ]
    assert len(rows) == 2, "a grade that is not final is left out of the worksheet"
    assert check_worksheet(text, "ws.csv") == []


def test_students_the_lms_cannot_match_are_named() -> None:
    nobody = student(3, canvas_id="", moodle_idnumber="")
    assert identity_problem(nobody, ExportFormat.CANVAS, FormatOptions()) == "no canvas_id"
    assert identity_problem(student(4, canvas_id="abc"), ExportFormat.CANVAS, FormatOptions()) == (
        "canvas_id 'abc' is not a number"
    )
    assert identity_problem(nobody, ExportFormat.MOODLE, FormatOptions()) == "no moodle_idnumber"
    assert identity_problem(nobody, ExportFormat.MOODLE, FormatOptions(moodle_key="email")) is None
    assert identity_problem(student(5, moodle_idnumber="=1+1"), ExportFormat.MOODLE, FormatOptions()) == (
        "moodle_idnumber '=1+1' starts like a spreadsheet formula, so it cannot be written as it is"
    )
    assert identity_problem(nobody, ExportFormat.WIDE, FormatOptions()) is None


def test_every_lms_export_passes_its_importer_check() -> None:
    many = sheet(
        *((student(n, f"Name {n}"), calculator_grade(), webpage_grade(Decimal(n % 50))) for n in range(60))
    )
    assert check_canvas(export_text(ExportFormat.CANVAS, many), "canvas.csv") == []
    assert check_moodle(export_text(ExportFormat.MOODLE, many), "moodle.csv", now=NOW) == []

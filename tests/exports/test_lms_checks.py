"""The importer checks: each rule of lms-formats.md (and of the importers' source) is enforced."""

from __future__ import annotations

import time

import pytest

from grader.exports.lms_checks import canvas_delimiter, canvas_student_columns, check_canvas
from grader.exports.moodle_checks import check_moodle, check_worksheet

NOW = int(time.time())
CANVAS_OK = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Project 1 (123456),Project 2 (123457)\r\n"
    "Points Possible,,,,,100,50\r\n"
    '"Doe, Jane",98765,S0012345,jdoe,CS101-01,87.5,EX\r\n'
    '"Roe, Rick",98766,S0012346,rroe,CS101-02,,42\r\n'
)
MOODLE_OK = (
    "ID number,Assignment: Project 1 (Real),Assignment: Project 1 (Feedback)\r\n"
    'S0012345,87.50,"Good decomposition; tests missing"\r\n'
    "S0012346,-,\r\n"
)
WORKSHEET_OK = (
    "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
    "Last modified (submission),Last modified (grade),Feedback comments\r\n"
    'Participant 1234567,Jane Doe,jane.doe@uni.edu,Submitted for grading,87.5,100.00,Yes,"Monday, 3 March 2025, '
    '10:01 AM",-,"Good decomposition"\r\n'
)


def messages(problems: list) -> list[str]:
    return [str(p) for p in problems]


def test_the_documented_examples_pass() -> None:
    assert check_canvas(CANVAS_OK, "c.csv") == []
    assert (
        check_canvas("Student,ID,Section,Project 1 (123456)\nPoints Possible,,,10\nAna,1,S,5\n", "c.csv")
        == []
    )
    assert check_moodle(MOODLE_OK, "m.csv", now=NOW) == []
    assert check_worksheet(WORKSHEET_OK, "w.csv") == []


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Student,ID,Section", "more than 3 columns"),
        ("Name,ID,SIS User ID,SIS Login ID,Section,P (1)", "containing 'Student'"),
        ("Student,ID,SIS User ID,SIS Login ID,P (1),Section", "'Section' as the last student column (5)"),
        ("Student,ID,SIS Login ID,SIS User ID,Section,P (1)", "'Section' as the last student column (4)"),
    ],
)
def test_canvas_header_order_is_the_importers(header: str, expected: str) -> None:
    width = header.count(",") + 1
    text = f"{header}\nPoints Possible{',' * (width - 1)}\n"
    found = messages(check_canvas(text, "c.csv"))
    assert any(expected in m and m.startswith("c.csv:1") for m in found), found


def test_canvas_counts_student_columns_like_the_importer() -> None:
    assert canvas_student_columns(["Student", "ID", "Section", "A (1)"]) == 3
    assert canvas_student_columns(["Student", "ID", "SIS Login ID", "Section"]) == 4
    assert canvas_student_columns(["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]) == 5
    assert (
        canvas_student_columns(["Student", "ID", "SIS User ID", "SIS Login ID", "Integration ID", "Section"])
        == 6
    )
    assert (
        canvas_student_columns(
            ["Student", "ID", "SIS User ID", "SIS Login ID", "Root Account", "Section", "A (1)"]
        )
        == 6
    )


def test_canvas_needs_points_possible_right_after_the_header() -> None:
    text = CANVAS_OK.replace("Points Possible,,,,,100,50\r\n", "")
    assert any("expected the 'Points Possible' row" in m for m in messages(check_canvas(text, "c.csv")))
    text = CANVAS_OK.replace("Points Possible,,,,,100,50", "Points Possible,,,,,lots,50")
    assert messages(check_canvas(text, "c.csv")) == [
        "c.csv:2 Project 1 (123456): points possible must be a number, got 'lots'"
    ]


def test_canvas_cells_must_be_numbers_ex_or_blank() -> None:
    text = CANVAS_OK.replace("87.5,EX", "B+,ex")
    assert messages(check_canvas(text, "c.csv")) == [
        "c.csv:3 Project 1 (123456): expected a number, EX or nothing, got 'B+'"
    ]


def test_canvas_student_ids_are_digits_and_unique() -> None:
    text = CANVAS_OK.replace("98766", "98765").replace("98765,S0012345", "abc,S0012345")
    found = messages(check_canvas(text, "c.csv"))
    assert "c.csv:3 ID: expected the student's Canvas user id (digits), got 'abc'" in found
    text = CANVAS_OK.replace("98766", "98765")
    assert messages(check_canvas(text, "c.csv")) == ["c.csv:4 ID: student 98765 is also on line 3"]


def test_canvas_title_id_columns_are_unique_and_not_ignored_by_canvas() -> None:
    text = CANVAS_OK.replace("Project 2 (123457)", "Project 2 (123456)")
    assert any("two columns name assignment id 123456" in m for m in messages(check_canvas(text, "c.csv")))
    text = CANVAS_OK.replace("Project 2 (123457)", "Final Grade project (123457)")
    assert any(
        "Canvas ignores a column whose title contains 'Final Grade'" in m
        for m in messages(check_canvas(text, "c.csv"))
    )


def test_canvas_rows_it_would_misread() -> None:
    text = CANVAS_OK + "Points Possible again,98767,,,,1,2\r\n" + "Muted,,,,,,\r\n"
    found = messages(check_canvas(text, "c.csv"))
    assert any(m.startswith("c.csv:5 Student:") and "as points" in m for m in found)
    assert any(m.startswith("c.csv:6") and "skips a row" in m for m in found)


def test_canvas_must_not_be_read_as_semicolon_separated() -> None:
    text = "Student;ID;x,Section;P (1);Q (2)\nPoints Possible;;,;1;2\nAna;1;,S;1;2\n"
    assert canvas_delimiter(text) == ";"
    assert any("split this file on ';'" in m for m in messages(check_canvas(text, "c.csv")))
    assert canvas_delimiter(CANVAS_OK) == ","


def test_moodle_key_column_is_present_unique_and_never_empty() -> None:
    text = MOODLE_OK.replace("ID number", "Username")
    assert any("exactly one key column" in m for m in messages(check_moodle(text, "m.csv", now=NOW)))
    text = MOODLE_OK.replace("S0012346", "S0012345")
    assert messages(check_moodle(text, "m.csv", now=NOW)) == [
        "m.csv:3 ID number: 'S0012345' is also on line 2"
    ]
    text = MOODLE_OK.replace("S0012346", "")
    assert any("Moodle aborts the whole import" in m for m in messages(check_moodle(text, "m.csv", now=NOW)))


def test_moodle_grade_and_feedback_columns_go_in_pairs() -> None:
    text = "ID number,Assignment: P (Real),Assignment: Q (Feedback)\r\nS1,1,ok\r\n"
    found = messages(check_moodle(text, "m.csv", now=NOW))
    assert (
        "m.csv:1 Assignment: P: has no 'Assignment: P (Feedback)' column; grade and feedback go in pairs"
        in found
    )
    assert (
        "m.csv:1 Assignment: Q: has no 'Assignment: Q (Real)' column; grade and feedback go in pairs" in found
    )


def test_moodle_no_two_columns_for_one_target() -> None:
    text = "ID number,Assignment: P (Real),Assignment: P (Feedback),Assignment: P (Real)\r\nS1,1,ok,2\r\n"
    assert any("appears twice" in m for m in messages(check_moodle(text, "m.csv", now=NOW)))


def test_moodle_grades_are_numbers_within_the_sites_maximum() -> None:
    text = MOODLE_OK.replace("87.50", "A")
    assert messages(check_moodle(text, "m.csv", now=NOW)) == [
        "m.csv:2 Assignment: Project 1 (Real): Moodle aborts the import on a grade that is not a number: 'A'"
    ]
    text = MOODLE_OK.replace("87.50", "120")
    assert any("120 is above 100" in m for m in messages(check_moodle(text, "m.csv", now=NOW)))
    from decimal import Decimal

    assert check_moodle(text, "m.csv", now=NOW, grade_max=Decimal(200)) == []


def test_moodle_last_downloaded_must_be_recent_and_not_in_the_future() -> None:
    def with_stamp(stamp: str) -> list[str]:
        text = f"ID number,Assignment: P (Real),Assignment: P (Feedback),Last downloaded from this course\r\nS1,1,,{stamp}\r\n"
        return messages(check_moodle(text, "m.csv", now=NOW))

    assert with_stamp(str(NOW - 10)) == []
    assert any("in the future" in m for m in with_stamp(str(NOW + 3600)))
    assert any("more than a year ago" in m for m in with_stamp(str(NOW - 400 * 86400)))
    assert any("expected a Unix time" in m for m in with_stamp("yesterday"))


def test_worksheet_needs_its_three_headers_and_participant_identifiers() -> None:
    text = WORKSHEET_OK.replace("Last modified (grade)", "Modified")
    assert messages(check_worksheet(text, "w.csv")) == [
        "w.csv:1 header: Moodle requires the column(s) Last modified (grade)"
    ]
    text = WORKSHEET_OK.replace("Participant 1234567", "Jane")
    assert any("expected 'Participant' and a number" in m for m in messages(check_worksheet(text, "w.csv")))
    text = WORKSHEET_OK.replace(",87.5,", ",187.5,")
    assert any("187.5 is above the maximum grade" in m for m in messages(check_worksheet(text, "w.csv")))


def test_ragged_rows_and_broken_quoting_are_located() -> None:
    found = messages(check_canvas(CANVAS_OK + "Ana,3,,\r\n", "c.csv"))
    assert "c.csv:5 has 4 fields, the header has 7" in found
    found = messages(
        check_moodle(
            'ID number,Assignment: P (Real),Assignment: P (Feedback)\nS1,1,"open\n', "m.csv", now=NOW
        )
    )
    assert any(m.startswith("m.csv:") and "is not valid CSV" in m for m in found)


def test_a_flood_of_problems_is_cut_short() -> None:
    body = "".join(f"Ana {n},x{n},,,S,bad,\r\n" for n in range(500))
    found = messages(check_canvas(CANVAS_OK + body, "c.csv"))
    assert len(found) == 51
    assert found[-1].endswith("more problem(s)")

"""Reading the grading worksheet downloaded from Moodle: every problem named with its line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from grader.domain.errors import ValidationFailed
from grader.exports.worksheet import parse_worksheet

HEADER = (
    "Identifier,Full name,Email address,Status,Grade,Maximum Grade,Grade can be changed,"
    "Last modified (submission),Last modified (grade),Feedback comments\n"
)


def problems(text: str) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        parse_worksheet(text, "ws.csv")
    return [str(p) for p in info.value.problems]


def test_rows_are_found_by_email_whatever_its_case() -> None:
    worksheet = parse_worksheet(
        HEADER + 'Participant 5,Ana,Ana@Example.edu,Submitted,,100.00,Yes,"Mon, 1 Sep",-,\n', "ws.csv"
    )
    found = worksheet.row_for("ana@example.EDU")
    assert found is not None
    assert (found.identifier, found.maximum, found.grade_modified, found.line) == (
        "Participant 5",
        "100.00",
        "-",
        2,
    )
    assert worksheet.row_for("") is None


def test_a_file_that_is_not_a_worksheet_names_the_missing_columns() -> None:
    assert problems("Identifier,Grade\nParticipant 1,3\n") == [
        "ws.csv:1 header: missing column(s) Last modified (grade), Email address; expected a Moodle grading "
        "worksheet (Identifier, Grade, Last modified (grade), Email address, ...); grader matches worksheet "
        "rows to the roster by email: download the worksheet with identities shown (blind marking hides "
        "them until revealed)"
    ]


def test_bad_and_repeated_identifiers_and_emails_are_located() -> None:
    text = HEADER + (
        "Participant 1,A,a@x.edu,,,100,Yes,-,-,\n"
        '"Multi\nline",B,b@x.edu,,,100,Yes,-,-,\n'
        "Participant 1,C,a@x.edu,,,100,Yes,-,-,\n"
        "Participant 4,D\n"
    )
    assert problems(text) == [
        "ws.csv:3 Identifier: expected 'Participant' and a number, got 'Multi\nline'",
        "ws.csv:5 Email address: 'a@x.edu' is also on line 2",
        "ws.csv:5 Identifier: 'Participant 1' is also on line 2",
        "ws.csv:6 has 2 fields, the header 10",
    ]


def test_blind_marking_without_identities_is_explained() -> None:
    text = HEADER + "Participant 1,Participant 1,,,,100,Yes,-,-,\n"
    assert problems(text) == [
        "ws.csv:2 Email address: is empty on every row (blind marking?): reveal identities in Moodle, "
        "download the worksheet again, then export"
    ]


def test_the_exports_package_loads_no_database_tui_or_cli_library() -> None:
    code = (
        "import sys\n"
        "import grader.exports.against, grader.exports.formats, grader.exports.lms_checks\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'textual', 'click', 'grader.store') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

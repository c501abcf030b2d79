from __future__ import annotations

from dataclasses import fields

import pytest

from grader.domain.errors import ValidationFailed
from grader.domain.roster import Student
from grader.files.roster import FIELDS, parse_roster

HEADER = "student_id,name,email,github,section,canvas_id\n"


def problems(raw: bytes) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        parse_roster(raw)
    return [str(p) for p in info.value.problems]


def test_names_in_many_scripts_and_ids_with_leading_zeros_survive() -> None:
    raw = (HEADER + '00123,Zoë,z@x.edu,zoe,A,42\n00124,"Lee, 张伟",l@x.edu,lee-w,B,\n').encode()
    students = parse_roster(raw)
    assert [s.student_id for s in students] == ["00123", "00124"]
    assert students[1].name == "Lee, 张伟"
    assert students[0].canvas_id == "42"


def test_bom_and_crlf_are_accepted() -> None:
    raw = b"\xef\xbb\xbf" + (HEADER + "1,Ann,a@x.edu,ann,A,\n").replace("\n", "\r\n").encode()
    assert parse_roster(raw)[0].github == "ann"


def test_every_row_problem_is_reported_at_once() -> None:
    raw = (
        HEADER
        + "1,Ann,a@x.edu,ann,A,\n"
        + "1,Bob,b@x.edu,ANN,A,\n"
        + "2,,not-an-email,-bad-,A,\n"
        + "3,Cy,c@x.edu,cy,A\n"
        + "4 x,Di,d@x.edu,bad--handle,A,\n"
    ).encode()
    assert problems(raw) == [
        'roster.csv:3 github: "ANN" is used twice (lines 2 and 3)',
        'roster.csv:3 student_id: "1" is used twice (lines 2 and 3)',
        'roster.csv:4 email: expected an address like ana@example.edu, got "not-an-email"',
        'roster.csv:4 github: expected a GitHub handle (letters, digits, single hyphens, at most 39), got "-bad-"',
        "roster.csv:4 name: is required but empty",
        "roster.csv:5 expected 6 fields like the header, got 5",
        "roster.csv:6 github: expected a GitHub handle (letters, digits, single hyphens, at most 39), "
        'got "bad--handle"',
        "roster.csv:6 student_id: expected letters, digits, '.', '_', '@' or '-' (at most 64), got \"4 x\"",
    ]


def test_missing_columns_and_bad_encoding() -> None:
    assert problems(b"student_id,name\n1,Ann\n") == [
        "roster.csv:1 header: missing column(s) email, github; expected student_id,name,email,github"
    ]
    assert problems((HEADER + "1,Zoë,z@x.edu,zoe,A,\n").encode("latin-1")) == [
        "roster.csv:2 is not valid UTF-8 (byte 0xEB at column 5); export the roster as 'CSV UTF-8'"
    ]
    assert problems(b"") == ["roster.csv:1 is empty; expected a header row: student_id,name,email,github"]


def test_columns_in_any_order_blank_rows_and_absent_optional_columns() -> None:
    raw = (
        b"github , email,extra,student_id,name\n"
        b" ann ,a@x.edu,x, 00123 , Ann Lee \n"
        b",,,,\n"
        b"   \n"
        b"bob,,y,00124,Bob\n"
    )
    assert parse_roster(raw) == (
        Student("00123", "Ann Lee", "a@x.edu", "ann"),
        Student("00124", "Bob", "", "bob"),
    )


def test_a_nul_in_a_name_and_a_second_problem_on_the_same_row_are_both_reported() -> None:
    raw = (HEADER + "1,An\x00n,a@x.edu,ann,A,\n2,Bo,bo@x,bo,A,\n").encode()
    assert problems(raw) == [
        "roster.csv:2 name: contains a NUL character",
        'roster.csv:3 email: expected an address like ana@example.edu, got "bo@x"',
    ]


def test_the_fields_read_are_the_students_own_in_order() -> None:
    assert tuple(field.name for field in fields(Student)) == FIELDS

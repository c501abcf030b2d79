"""roster.csv into students, with every problem located by line and column name."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from grader.domain.errors import Problem, ValidationFailed
from grader.domain.roster import LMS_COLUMNS, Student
from grader.files.reading import decode_utf8, read_capped, too_big

if TYPE_CHECKING:
    from _csv import Reader

REQUIRED = ("student_id", "name", "email", "github")
OPTIONAL = ("section", *LMS_COLUMNS)
FIELDS = (*REQUIRED, *OPTIONAL)
"""Student's fields, in the order of its constructor."""
MAX_BYTES = 20_000_000
GITHUB_HANDLE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _row_problems(row: dict[str, str], line: int, file: str) -> list[Problem]:
    problems: list[Problem] = []
    sid, handle, email = row["student_id"], row["github"], row["email"]
    if not STUDENT_ID.fullmatch(sid):
        got = f'"{sid}"' if sid else "nothing"
        problems.append(
            Problem(
                file,
                line,
                "student_id",
                f"expected letters, digits, '.', '_', '@' or '-' (at most 64), got {got}",
            )
        )
    if not row["name"].strip():
        problems.append(Problem(file, line, "name", "is required but empty"))
    elif "\x00" in row["name"]:
        problems.append(Problem(file, line, "name", "contains a NUL character"))
    if email and not EMAIL.fullmatch(email):
        problems.append(
            Problem(file, line, "email", f'expected an address like ana@example.edu, got "{email}"')
        )
    if handle and not GITHUB_HANDLE.fullmatch(handle):
        shown = _CONTROL.sub("?", handle)
        problems.append(
            Problem(
                file,
                line,
                "github",
                f'expected a GitHub handle (letters, digits, single hyphens, at most 39), got "{shown}"',
            )
        )
    return problems


def _plainly_valid(values: list[str]) -> bool:
    """The common case, decided without building messages: _row_problems would find nothing."""
    sid, name, email, handle = values[:4]
    return bool(
        STUDENT_ID.fullmatch(sid)
        and name
        and "\x00" not in name
        and (not email or EMAIL.fullmatch(email))
        and (not handle or GITHUB_HANDLE.fullmatch(handle))
    )


def parse_roster(raw: bytes, file: str = "roster.csv") -> tuple[Student, ...]:
    """Parse roster bytes; raises ValidationFailed with every problem found."""
    if len(raw) > MAX_BYTES:
        raise too_big(file, len(raw), MAX_BYTES)
    text = decode_utf8(raw, file, "export the roster as 'CSV UTF-8'")
    if not text.strip():
        raise ValidationFailed(
            [Problem(file, 1, "", f"is empty; expected a header row: {','.join(REQUIRED)}")]
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = _read_header(reader, file)
    students, problems = _read_students(reader, header, file)
    if problems:
        raise ValidationFailed(problems)
    return tuple(students)


def _read_header(reader: Reader, file: str) -> list[str]:
    """The header row, with every required column once; raises ValidationFailed otherwise."""
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        raise ValidationFailed([Problem(file, 1, "", f"is not valid CSV: {exc}")]) from None
    problems: list[Problem] = []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        problems.append(
            Problem(
                file, 1, "header", f"missing column(s) {', '.join(missing)}; expected {','.join(REQUIRED)}"
            )
        )
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        problems.append(Problem(file, 1, "header", f"repeated column(s) {', '.join(repeated)}"))
    if problems:
        raise ValidationFailed(problems)
    return header


def _read_students(reader: Reader, header: list[str], file: str) -> tuple[list[Student], list[Problem]]:
    """Each data row as a Student, and every problem of the rows in line order."""
    students: list[Student] = []
    problems: list[Problem] = []
    ids: dict[str, int] = {}
    handles: dict[str, int] = {}
    width = len(header)
    index = [header.index(c) if c in header else width for c in FIELDS]  # width: the "" appended
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, reader.line_num, "", f"is not valid CSV: {exc}"))
            break
        line = reader.line_num
        if len(cells) != width:
            if any(map(str.strip, cells)):
                problems.append(
                    Problem(file, line, "", f"expected {width} fields like the header, got {len(cells)}")
                )
            continue
        cells.append("")  # an optional column the roster lacks is empty
        values = [cells[i].strip() for i in index]
        if not _plainly_valid(values):
            if not any(values) and not any(map(str.strip, cells)):
                continue
            problems.extend(_row_problems(dict(zip(FIELDS, values, strict=True)), line, file))
        problems.extend(_repeat_problems(values[0], values[3], line, file, ids, handles))
        students.append(Student(*values))
    return students, problems


def _repeat_problems(
    sid: str, github: str, line: int, file: str, ids: dict[str, int], handles: dict[str, int]
) -> list[Problem]:
    """A student id or GitHub handle (in any case) seen on an earlier line; records this line's."""
    problems: list[Problem] = []
    if sid in ids:
        problems.append(
            Problem(file, line, "student_id", f'"{sid}" is used twice (lines {ids[sid]} and {line})')
        )
    ids.setdefault(sid, line)
    handle = github.lower()
    if handle:
        if handle in handles:
            problems.append(
                Problem(
                    file,
                    line,
                    "github",
                    f'"{github}" is used twice (lines {handles[handle]} and {line})',
                )
            )
        handles.setdefault(handle, line)
    return problems


def load_roster(path: Path, display: str) -> tuple[Student, ...]:
    return parse_roster(read_capped(path, display, MAX_BYTES), display)

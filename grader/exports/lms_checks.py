"""Re-reading an export with its importer's rules (lms-formats.md) before anything is written: Canvas.

Each check parses the CSV text the way the LMS does and returns every problem found, located
by line and column, so a file the LMS would refuse, or would misread, is never written.
"""

from __future__ import annotations

import csv
import io
import re

from grader.domain.errors import Problem

MAX_PROBLEMS = 50
CANVAS_ID_HEADER = re.compile(r"^(.*)\s\(([0-9]+)\)$")
CANVAS_IGNORED = re.compile(
    "Current Score|Current Points|Current Grade|Final Score|Final Points|Final Grade|"
    "Override Score|Override Grade|Override Status"
)
CANVAS_NUMBER = re.compile(r"^-?[0-9.,]+%?$")
CANVAS_SKIPPED_LINE = re.compile(r"^[;, ]+$")
CANVAS_SKIPPED_ROW = re.compile(r"^\s*(Muted|Manual Posting.*)?\s*$", re.IGNORECASE)


class ProblemList:
    """Collects problems, keeping the first MAX_PROBLEMS and counting the rest."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[Problem] = []
        self.more = 0

    def add(self, line: int, column: str, message: str) -> None:
        if len(self.found) < MAX_PROBLEMS:
            self.found.append(Problem(self.file, line, column, message))
        else:
            self.more += 1

    def result(self) -> list[Problem]:
        if self.more:
            return [*self.found, Problem(self.file, 0, "", f"... and {self.more} more problem(s)")]
        return self.found


def read_records(text: str, problems: ProblemList) -> list[tuple[int, list[str]]]:
    """(first line, fields) of every record, as an RFC 4180 reader sees them."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            records.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.add(reader.line_num, "", f"is not valid CSV: {exc}")
    if not records:
        problems.add(1, "", "is empty; expected a header row")
    return records


def check_field_counts(records: list[tuple[int, list[str]]], problems: ProblemList) -> None:
    width = len(records[0][1])
    for line, fields in records[1:]:
        if len(fields) != width:
            problems.add(line, "", f"has {len(fields)} fields, the header has {width}")


def _split_count(line: str, separator: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=separator, strict=True), []))
    except csv.Error:
        return 0


def canvas_delimiter(text: str) -> str:
    """The separator Canvas picks: ``;`` only when it splits the first 3 lines more, consistently."""
    lines = text.removeprefix("\ufeff").split("\n")[:3]
    counts = {}
    for separator in (";", ","):
        per_line = {_split_count(line.rstrip("\r\n"), separator) for line in lines}
        counts[separator] = per_line.pop() if len(per_line) == 1 else 0
    return ";" if counts[";"] > counts[","] else ","


def canvas_student_columns(header: list[str]) -> int:
    """How many leading columns Canvas reads as student information (no custom columns)."""
    count = 3
    if re.search(r"SIS\s+Login\s+ID", header[2]):
        return count + 1
    if (
        re.search(r"SIS\s+User\s+ID", header[2])
        and len(header) > 3
        and re.search(r"SIS\s+Login\s+ID", header[3])
    ):
        count += 2
        if len(header) > 4 and re.search(r"Integration\s+ID", header[4]):
            count += 1
        if len(header) > count - 1 and re.search(r"Root\s+Account", header[count - 1]):
            count += 1
    return count


def check_canvas(text: str, file: str) -> list[Problem]:
    problems = ProblemList(file)
    records = read_records(text, problems)
    if not records:
        return problems.result()
    if canvas_delimiter(text) != ",":
        problems.add(
            1, "", "Canvas would split this file on ';' (its first 3 lines split more evenly on ';')"
        )
    header = records[0][1]
    if len(header) <= 3 or "Student" not in header[0] or "ID" not in header[1]:
        problems.add(
            1, "header", "Canvas needs more than 3 columns, the first containing 'Student', the second 'ID'"
        )
        return problems.result()
    info = canvas_student_columns(header)
    if info > len(header) or "Section" not in header[info - 1]:
        expected = "Student, ID, SIS User ID, SIS Login ID, Section"
        problems.add(1, "header", f"Canvas needs 'Section' as the last student column ({info}): {expected}")
        return problems.result()
    check_field_counts(records, problems)
    assignment_columns: list[int] = []
    seen: dict[str, str] = {}
    for index in range(info, len(header)):
        title = header[index]
        ignored = CANVAS_IGNORED.search(title)
        if ignored:
            problems.add(1, title, f"Canvas ignores a column whose title contains '{ignored.group(0)}'")
            continue
        match = CANVAS_ID_HEADER.match(title)
        key = f"id {match.group(2)}" if match else f"title '{title}'"
        if key in seen:
            problems.add(1, title, f"two columns name assignment {key} ('{seen[key]}' and '{title}')")
        seen[key] = title
        assignment_columns.append(index)
    if not assignment_columns:
        problems.add(1, "header", "has no assignment column after 'Section'")
    body = [(line, fields) for line, fields in records[1:] if not CANVAS_SKIPPED_LINE.match(",".join(fields))]
    if not body or "Points Possible" not in body[0][1][0]:
        problems.add(2, "", "expected the 'Points Possible' row right after the header")
    else:
        line, fields = body.pop(0)
        for index in assignment_columns:
            value = fields[index] if index < len(fields) else ""
            if not CANVAS_NUMBER.match(value):
                problems.add(line, header[index], f"points possible must be a number, got '{value}'")
    ids: dict[str, int] = {}
    for line, fields in body:
        _canvas_student_row(line, fields, header, assignment_columns, ids, problems)
    return problems.result()


def _canvas_student_row(
    line: int,
    fields: list[str],
    header: list[str],
    columns: list[int],
    ids: dict[str, int],
    problems: ProblemList,
) -> None:
    if all(CANVAS_SKIPPED_ROW.match(f) for f in fields):
        problems.add(line, "", "Canvas skips a row that is blank or says only 'Muted'")
        return
    if "Points Possible" in fields[0]:
        problems.add(
            line, header[0], "Canvas reads a row whose first cell contains 'Points Possible' as points"
        )
    canvas_id = fields[1] if len(fields) > 1 else ""
    if not canvas_id.isascii() or not canvas_id.isdigit():
        problems.add(line, header[1], f"expected the student's Canvas user id (digits), got '{canvas_id}'")
    elif canvas_id in ids:
        problems.add(line, header[1], f"student {canvas_id} is also on line {ids[canvas_id]}")
    ids.setdefault(canvas_id, line)
    for index in columns:
        value = fields[index].strip() if index < len(fields) else ""
        if value in ("", "-") or value.upper() == "EX" or CANVAS_NUMBER.match(value):
            continue
        problems.add(line, header[index], f"expected a number, EX or nothing, got '{value}'")

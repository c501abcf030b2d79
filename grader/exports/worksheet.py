"""A Moodle offline grading worksheet as downloaded: who each ``Participant N`` is.

Moodle identifies worksheet rows by a per-assignment participant number that exists only in
Moodle, so grader takes it from the worksheet the instructor downloads (``--worksheet FILE``) and
matches its rows to the roster by email address.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from grader.domain.errors import Problem, ValidationFailed

IDENTIFIER = "Identifier"
GRADE = "Grade"
GRADE_MODIFIED = "Last modified (grade)"
EMAIL = "Email address"
REQUIRED = (IDENTIFIER, GRADE, GRADE_MODIFIED)
PARTICIPANT = re.compile(r"Participant [0-9]+")


@dataclass(frozen=True)
class WorksheetRow:
    line: int
    identifier: str
    email: str
    full_name: str = ""
    status: str = ""
    grade: str = ""
    maximum: str = ""
    can_change: str = ""
    submission_modified: str = ""
    grade_modified: str = ""


@dataclass(frozen=True)
class Worksheet:
    file: str
    rows: tuple[WorksheetRow, ...]
    _by_email: dict[str, WorksheetRow] = field(default_factory=dict, repr=False)

    def row_for(self, email: str) -> WorksheetRow | None:
        return self._by_email.get(email.strip().casefold()) if email.strip() else None


def _cell(cells: list[str], header: list[str], name: str) -> str:
    return cells[header.index(name)].strip() if name in header else ""


def parse_worksheet(text: str, file: str) -> Worksheet:
    """Read a downloaded worksheet; raises ValidationFailed naming every problem with its line."""
    header, body = _read_csv(text, file)
    _require_columns(header, file)
    problems: list[Problem] = []
    rows: list[WorksheetRow] = []
    by_email: dict[str, WorksheetRow] = {}
    identifiers: dict[str, int] = {}
    for index, cells in body:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(Problem(file, index, "", f"has {len(cells)} fields, the header {len(header)}"))
            continue
        row = _row_of(index, cells, header)
        problems += _identity_problems(row, file, identifiers, by_email)
        rows.append(row)
    if problems:
        raise ValidationFailed(problems)
    if rows and not by_email:
        advice = "reveal identities in Moodle, download the worksheet again, then export"
        raise ValidationFailed([Problem(file, 2, EMAIL, f"is empty on every row (blind marking?): {advice}")])
    return Worksheet(file, tuple(rows), by_email)


def _read_csv(text: str, file: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and each following row with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    body: list[tuple[int, list[str]]] = []
    try:
        header = [h.strip() for h in next(reader, [])]
        start = reader.line_num + 1
        for cells in reader:
            body.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationFailed([Problem(file, reader.line_num, "", f"is not valid CSV: {exc}")]) from None
    return header, body


def _require_columns(header: list[str], file: str) -> None:
    missing = [name for name in (*REQUIRED, EMAIL) if name not in header]
    if missing:
        hint = (
            "; grader matches worksheet rows to the roster by email: download the worksheet with "
            "identities shown (blind marking hides them until revealed)"
            if EMAIL in missing
            else ""
        )
        expected = f"expected a Moodle grading worksheet ({', '.join(REQUIRED)}, {EMAIL}, ...)"
        raise ValidationFailed(
            [Problem(file, 1, "header", f"missing column(s) {', '.join(missing)}; {expected}{hint}")]
        )


def _row_of(index: int, cells: list[str], header: list[str]) -> WorksheetRow:
    return WorksheetRow(
        line=index,
        identifier=_cell(cells, header, IDENTIFIER),
        email=_cell(cells, header, EMAIL),
        full_name=_cell(cells, header, "Full name"),
        status=_cell(cells, header, "Status"),
        grade=_cell(cells, header, GRADE),
        maximum=_cell(cells, header, "Maximum Grade"),
        can_change=_cell(cells, header, "Grade can be changed"),
        submission_modified=_cell(cells, header, "Last modified (submission)"),
        grade_modified=_cell(cells, header, GRADE_MODIFIED),
    )


def _identity_problems(
    row: WorksheetRow, file: str, identifiers: dict[str, int], by_email: dict[str, WorksheetRow]
) -> list[Problem]:
    """A malformed or repeated participant identifier, or an email on an earlier row; records this row's."""
    problems: list[Problem] = []
    if not PARTICIPANT.fullmatch(row.identifier):
        problems.append(
            Problem(
                file, row.line, IDENTIFIER, f"expected 'Participant' and a number, got '{row.identifier}'"
            )
        )
    elif row.identifier in identifiers:
        problems.append(
            Problem(
                file,
                row.line,
                IDENTIFIER,
                f"'{row.identifier}' is also on line {identifiers[row.identifier]}",
            )
        )
    identifiers.setdefault(row.identifier, row.line)
    key = row.email.casefold()
    if key and key in by_email:
        problems.append(Problem(file, row.line, EMAIL, f"'{row.email}' is also on line {by_email[key].line}"))
    elif key:
        by_email[key] = row
    return problems

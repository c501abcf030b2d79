"""Re-reading a Moodle export with its importer's rules: gradebook CSV import and grading worksheet."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from grader.domain.errors import Problem
from grader.exports.lms_checks import ProblemList, check_field_counts, read_records

SECONDS_PER_YEAR = 365 * 24 * 3600
MOODLE_NUMBER = re.compile(r"^-?[0-9]+([.,][0-9]+)?$")
MOODLE_ITEM = re.compile(r"^(.*) \((Real|Feedback|feedback)\)$")
MOODLE_KEYS = ("ID number", "Email address")
PARTICIPANT = re.compile(r"^Participant [0-9]+$")
WORKSHEET_REQUIRED = ("Identifier", "Grade", "Last modified (grade)")


def _moodle_number(value: str) -> Decimal | None:
    if not MOODLE_NUMBER.match(value):
        return None
    try:
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None


def check_moodle(text: str, file: str, *, now: int, grade_max: Decimal = Decimal(100)) -> list[Problem]:
    """Moodle's gradebook CSV import (grade/import/csv), with a key column and paired feedback."""
    problems = ProblemList(file)
    records = read_records(text, problems)
    if not records:
        return problems.result()
    header = [h.strip() for h in records[0][1]]
    check_field_counts(records, problems)
    for name in {h for h in header if header.count(h) > 1}:
        problems.add(1, name, "appears twice; Moodle cannot map two columns to one target")
    keys = [i for i, h in enumerate(header) if h in MOODLE_KEYS]
    if len(keys) != 1:
        problems.add(
            1, "header", f"expected exactly one key column, '{MOODLE_KEYS[0]}' or '{MOODLE_KEYS[1]}'"
        )
        return problems.result()
    items: dict[str, set[str]] = {}
    grade_columns = []
    for index, name in enumerate(header):
        match = MOODLE_ITEM.match(name)
        if match:
            items.setdefault(match.group(1), set()).add(match.group(2).lower())
            if match.group(2) == "Real":
                grade_columns.append(index)
    for item, kinds in items.items():
        if kinds != {"real", "feedback"}:
            lacking = "Feedback" if "real" in kinds else "Real"
            problems.add(1, item, f"has no '{item} ({lacking})' column; grade and feedback go in pairs")
    if not grade_columns:
        problems.add(1, "header", "has no grade column ('Assignment: <name> (Real)')")
    stamp = (
        header.index("Last downloaded from this course")
        if "Last downloaded from this course" in header
        else None
    )
    seen: dict[str, int] = {}
    for line, fields in records[1:]:
        if len(fields) != len(header):
            continue
        key = fields[keys[0]].strip()
        if not key:
            problems.add(
                line, header[keys[0]], "is empty; Moodle aborts the whole import on a row it cannot match"
            )
        elif key.casefold() in seen:
            problems.add(line, header[keys[0]], f"'{key}' is also on line {seen[key.casefold()]}")
        elif header[keys[0]] == "Email address" and "@" not in key:
            problems.add(line, header[keys[0]], f"expected an email address, got '{key}'")
        seen.setdefault(key.casefold(), line)
        for index in grade_columns:
            _moodle_grade(line, header[index], fields[index].strip(), grade_max, problems)
        if stamp is not None:
            _moodle_stamp(line, fields[stamp].strip(), now, problems)
    return problems.result()


def _moodle_grade(line: int, column: str, value: str, grade_max: Decimal, problems: ProblemList) -> None:
    if value in ("", "-"):
        return
    number = _moodle_number(value)
    if number is None:
        problems.add(line, column, f"Moodle aborts the import on a grade that is not a number: '{value}'")
    elif number > grade_max:
        limit = (
            "unless the site allows unlimited grades (then pass --moodle-grade-max with its gradepointmax)"
        )
        problems.add(line, column, f"{value} is above {grade_max}, which Moodle refuses {limit}")


def _moodle_stamp(line: int, value: str, now: int, problems: ProblemList) -> None:
    column = "Last downloaded from this course"
    if not value.isascii() or not value.isdigit():
        problems.add(line, column, f"expected a Unix time in seconds, got '{value}'")
    elif int(value) > now:
        problems.add(line, column, f"{value} is in the future; Moodle refuses the import")
    elif int(value) < now - SECONDS_PER_YEAR:
        problems.add(line, column, f"{value} is more than a year ago; Moodle refuses the import")


def check_worksheet(text: str, file: str) -> list[Problem]:
    """Moodle's offline grading worksheet upload (assignfeedback_offline)."""
    problems = ProblemList(file)
    records = read_records(text, problems)
    if not records:
        return problems.result()
    header = records[0][1]
    missing = [name for name in WORKSHEET_REQUIRED if name not in header]
    if missing:
        problems.add(1, "header", f"Moodle requires the column(s) {', '.join(missing)}")
        return problems.result()
    if header[0] == "Feedback comments":
        problems.add(1, "Feedback comments", "Moodle ignores a feedback column in the first position")
    check_field_counts(records, problems)
    identifier, grade = header.index("Identifier"), header.index("Grade")
    maximum = header.index("Maximum Grade") if "Maximum Grade" in header else None
    seen: dict[str, int] = {}
    for line, fields in records[1:]:
        if len(fields) != len(header):
            continue
        participant = fields[identifier]
        if not PARTICIPANT.match(participant):
            problems.add(line, "Identifier", f"expected 'Participant' and a number, got '{participant}'")
        elif participant in seen:
            problems.add(line, "Identifier", f"'{participant}' is also on line {seen[participant]}")
        seen.setdefault(participant, line)
        value = fields[grade].strip()
        number = _moodle_number(value)
        if value not in ("", "-") and number is None:
            problems.add(line, "Grade", f"expected a number, got '{value}'")
        top = _moodle_number(fields[maximum].strip()) if maximum is not None else None
        if number is not None and top is not None and number > top:
            problems.add(line, "Grade", f"{value} is above the maximum grade {top}")
    return problems.result()

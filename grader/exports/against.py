"""What importing an export would change, compared with an earlier export (a dry run).

Both Canvas and Moodle overwrite the grades they hold, so before uploading, ``--against`` reads
the previous file (an earlier export of the same format, or the LMS's own export) and lists,
per student and assignment, old → new, and the students only one of the two files has.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from grader.domain.errors import Problem, ValidationFailed
from grader.exports.formats import CANVAS_STUDENT_COLUMNS, MOODLE_KEYS, NOT_FINAL, ExportFormat
from grader.exports.lms_checks import CANVAS_ID_HEADER, CANVAS_IGNORED, canvas_student_columns
from grader.exports.moodle_checks import MOODLE_ITEM

NUMBER = re.compile(r"^-?[0-9]+([.,][0-9]+)?%?$")
CENTS = Decimal("0.01")


@dataclass(frozen=True)
class GradeChange:
    student: str
    column: str
    old: str
    new: str


@dataclass
class Comparison:
    """The changes an import of the new file would make over the previous one."""

    changes: list[GradeChange] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    """Students in the new file only."""
    removed: list[str] = field(default_factory=list)
    """Students in the previous file only (the import leaves them as they are)."""
    new_columns: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def cleared(self) -> int:
        return sum(1 for c in self.changes if not c.new)


@dataclass
class _Parsed:
    labels: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    """column key → the header shown."""


def _rows(text: str, file: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise ValidationFailed([Problem(file, reader.line_num, "", f"is not valid CSV: {exc}")]) from None
    if not rows:
        raise ValidationFailed(
            [Problem(file, 1, "", "is empty; expected an earlier export with a header row")]
        )
    return rows


def _require(header: list[str], names: tuple[str, ...], file: str, what: str) -> int:
    for name in names:
        if name in header:
            return header.index(name)
    raise ValidationFailed(
        [Problem(file, 1, "header", f"has no {' or '.join(repr(n) for n in names)} column; {what}")]
    )


def _collect(parsed: _Parsed, key: str, label: str, row: list[str], columns: dict[int, str]) -> None:
    parsed.labels[key] = label
    parsed.values[key] = {
        name: row[index].strip() if index < len(row) else "" for index, name in columns.items()
    }


def _canvas(rows: list[list[str]], file: str) -> _Parsed:
    header = rows[0]
    if len(header) <= 3 or "Student" not in header[0] or "ID" not in header[1]:
        raise ValidationFailed(
            [
                Problem(
                    file,
                    1,
                    "header",
                    f"expected a Canvas gradebook CSV ({','.join(CANVAS_STUDENT_COLUMNS)}, ...)",
                )
            ]
        )
    parsed = _Parsed()
    columns: dict[int, str] = {}
    for index in range(canvas_student_columns(header), len(header)):
        title = header[index]
        if CANVAS_IGNORED.search(title):
            continue
        match = CANVAS_ID_HEADER.match(title)
        columns[index] = f"id:{match.group(2)}" if match else f"title:{title}"
        parsed.columns[columns[index]] = title
    for row in rows[1:]:
        if "Points Possible" in row[0] or len(row) < 2 or not row[1].strip():
            continue
        _collect(parsed, row[1].strip(), f"{row[0]} ({row[1].strip()})", row, columns)
    return parsed


def _moodle(rows: list[list[str]], file: str, key_name: str) -> _Parsed:
    header = [h.strip() for h in rows[0]]
    key = _require(header, (key_name,), file, "compare with an export that has the same key column")
    parsed = _Parsed()
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        match = MOODLE_ITEM.match(name)
        if match and match.group(2) == "Real":
            columns[index] = match.group(1)
            parsed.columns[match.group(1)] = name
    names = [header.index(n) for n in ("First name", "Last name") if n in header]
    for row in rows[1:]:
        if len(row) > key and row[key].strip():
            person = " ".join(row[i] for i in names if i < len(row)).strip()
            label = f"{person} ({row[key].strip()})" if person else row[key].strip()
            _collect(parsed, row[key].strip().casefold(), label, row, columns)
    return parsed


def _keyed(
    rows: list[list[str]], file: str, key_name: str, label_name: str, value_columns: list[str]
) -> _Parsed:
    header = [h.strip() for h in rows[0]]
    key = _require(header, (key_name,), file, "compare with an earlier export of the same format")
    label = header.index(label_name) if label_name in header else None
    parsed = _Parsed()
    columns = {header.index(name): name for name in value_columns if name in header}
    parsed.columns = {name: name for name in columns.values()}
    for row in rows[1:]:
        if len(row) > key and row[key].strip():
            person = row[label] if label is not None and label < len(row) else ""
            _collect(
                parsed,
                row[key].strip(),
                f"{person} ({row[key].strip()})" if person else row[key],
                row,
                columns,
            )
    return parsed


def _long(rows: list[list[str]], file: str) -> _Parsed:
    header = [h.strip() for h in rows[0]]
    names = ("student_id", "name", "assignment", "criterion", "points")
    where = [_require(header, (n,), file, "compare with an earlier long export") for n in names]
    sid, name, assignment, criterion, points = where
    parsed = _Parsed()
    for row in rows[1:]:
        if len(row) != len(header) or not row[sid].strip():
            continue
        column = f"{row[assignment]}:{row[criterion]}"
        parsed.columns[column] = column
        parsed.labels[row[sid]] = f"{row[name]} ({row[sid]})"
        parsed.values.setdefault(row[sid], {})[column] = row[points].strip()
    return parsed


def _parse(fmt: ExportFormat, text: str, file: str, moodle_key: str) -> _Parsed:
    rows = _rows(text, file)
    if fmt is ExportFormat.CANVAS:
        return _canvas(rows, file)
    if fmt is ExportFormat.MOODLE:
        return _moodle(rows, file, moodle_key)
    if fmt is ExportFormat.MOODLE_WORKSHEET:
        return _keyed(rows, file, "Identifier", "Full name", ["Grade"])
    if fmt is ExportFormat.WIDE:
        header = [h.strip() for h in rows[0]]
        return _keyed(rows, file, "student_id", "name", [h for h in header[5:] if h != NOT_FINAL])
    return _long(rows, file)


def _number(value: str) -> Decimal | None:
    if not NUMBER.match(value):
        return None
    try:
        return Decimal(value.rstrip("%").replace(",", "."))
    except InvalidOperation:
        return None


def same_value(old: str, new: str, *, places: bool) -> bool:
    """Whether an import would leave the cell as it is (Canvas compares at 2 decimal places)."""
    if old == new or (old in ("", "-") and new in ("", "-")):
        return True
    if old.upper() == "EX" or new.upper() == "EX":
        return old.upper() == new.upper()
    before, after = _number(old), _number(new)
    if before is None or after is None:
        return False
    if places:
        return before.quantize(CENTS, ROUND_HALF_UP) == after.quantize(CENTS, ROUND_HALF_UP)
    return before == after


def compare(
    fmt: ExportFormat, previous: str, previous_file: str, current: str, *, moodle_key: str
) -> Comparison:
    """The changes importing ``current`` would make where ``previous`` was imported (or exported)."""
    key_name = MOODLE_KEYS[moodle_key]
    old = _parse(fmt, previous, previous_file, key_name)
    new = _parse(fmt, current, "this export", key_name)
    result = Comparison()
    result.new_columns = [title for key, title in new.columns.items() if key not in old.columns]
    for key, values in new.values.items():
        before = old.values.get(key)
        if before is None:
            result.added.append(new.labels[key])
            continue
        label = max(old.labels[key], new.labels[key], key=len)  # the one that names the person
        for column, value in values.items():
            was = before.get(column, "")
            if same_value(was, value, places=fmt is ExportFormat.CANVAS):
                result.unchanged += 1
            else:
                result.changes.append(GradeChange(label, new.columns.get(column, column), was, value))
    result.removed = [old.labels[key] for key in old.values if key not in new.values]
    return result

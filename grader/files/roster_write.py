"""Rewriting roster.csv in place: only the rows that change are written anew, atomically.

Every other byte stays as it was: a BOM, each row's line ending (CRLF, LF or CR), the quoting
of untouched rows, blank lines, and a missing newline at the end. New columns go at the end.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from grader.domain.errors import GraderError
from grader.domain.roster import Student
from grader.durable import WriteFailed, write_shared
from grader.files.reading import BOM

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_ENDING = re.compile(r"(\r\n|\r|\n)\Z")


@dataclass(frozen=True)
class Record:
    raw: str
    """The row's text as in the file, with its line ending (none on a last line without one)."""
    cells: list[str]

    @property
    def ending(self) -> str:
        found = _ENDING.search(self.raw)
        return found.group(1) if found else ""

    @property
    def body(self) -> str:
        return self.raw[: len(self.raw) - len(self.ending)]

    @property
    def blank(self) -> bool:
        return not any(cell.strip() for cell in self.cells)


@dataclass(frozen=True)
class RosterText:
    """roster.csv as rows of raw text, so that untouched rows are written back byte for byte."""

    bom: bool
    records: list[Record]
    """The header first."""

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(cell.strip() for cell in self.records[0].cells)

    @property
    def newline(self) -> str:
        """The line ending for new rows: the header's, else LF."""
        return next((r.ending for r in self.records if r.ending), "\n")


def _records(text: str) -> Iterator[Record]:
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for match in _LINE.finditer(text):
            consumed.append(match.group())
            yield match.group()

    for cells in csv.reader(lines(), strict=True):
        raw = "".join(consumed)
        consumed.clear()
        yield Record(raw, cells)


def read_roster_text(raw: bytes) -> RosterText:
    """Split a roster that parse_roster accepted into its rows."""
    text = raw[len(BOM) :].decode("utf-8") if raw.startswith(BOM) else raw.decode("utf-8")
    return RosterText(raw.startswith(BOM), list(_records(text)))


def _row(cells: list[str], ending: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)  # CR and LF both force quoting
    return out.getvalue()[: -len("\r\n")] + ending


def render_roster(
    doc: RosterText,
    *,
    fills: Mapping[str, Mapping[str, str]],
    new_columns: tuple[str, ...] = (),
    new_students: tuple[Student, ...] = (),
) -> bytes:
    """The roster with ``fills`` (student_id -> column -> value), new columns and new students."""
    columns = (*doc.columns, *new_columns)
    header, *rows = doc.records
    extra = [""] * len(new_columns)
    sid = columns.index("student_id")
    out = [_row([*header.cells, *new_columns], header.ending) if new_columns else header.raw]
    for record in rows:
        changes = {} if record.blank else fills.get(record.cells[sid].strip(), {})
        if changes:
            cells = [*record.cells, *extra]
            for column, value in changes.items():
                cells[columns.index(column)] = value
            out.append(_row(cells, record.ending))
        elif new_columns and not record.blank:
            out.append(record.body + "," * len(new_columns) + record.ending)
        else:
            out.append(record.raw)
    if new_students and not out[-1].endswith(("\n", "\r")):
        out[-1] += doc.newline
    for student in new_students:
        out.append(_row([getattr(student, column, "") for column in columns], doc.newline))
    return (BOM if doc.bom else b"") + "".join(out).encode("utf-8")


def replace_file(path: Path, data: bytes, *, expected: bytes, display: str) -> None:
    """Write ``data`` over ``path`` atomically, if the file still holds ``expected``.

    A linked file is written through its link; the file's permission bits are kept. On any
    failure the old file stays complete under its name.
    """
    target = path.resolve()
    try:
        current = target.read_bytes()
    except OSError as exc:
        raise GraderError(f"cannot read {display} again: {exc.strerror}; nothing was written") from None
    if current != expected:
        raise GraderError(f"{display} changed while this command ran; nothing was written: run it again")
    try:
        write_shared(target, data, display=display)
    except WriteFailed as exc:
        raise GraderError(f"cannot write {display}: {exc.reason}; it is unchanged") from None

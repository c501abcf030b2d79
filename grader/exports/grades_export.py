"""A grade export made, not yet written: its bytes in a spool, and what it left out or blanked.

The spool holds the file in memory up to SPOOL_IN_MEMORY bytes, then in an unnamed temporary file
(created private, removed when closed), so a large class's export never sits in memory whole.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from grader.domain.roster import Student
from grader.exports.csv_safety import BOM
from grader.exports.export_notes import ExportNotes, export_notes
from grader.exports.formats import ExportFormat
from grader.exports.lms_file import LeftOut

SPOOL_IN_MEMORY = 8_000_000
"""Bytes of an export kept in memory before its spool moves to a temporary file."""
READ_BYTES = 1 << 20


def new_spool() -> IO[bytes]:
    """Where an export is rendered before it is written; the GradesExport holding it closes it."""
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)


@dataclass
class GradesExport:
    """The export's bytes in a spool (None: nothing to write), and what it left out or blanked."""

    fmt: ExportFormat
    spool: IO[bytes] | None
    students: int
    """Students with a row in the file."""
    skipped: list[tuple[Student, str]] = field(default_factory=list)
    """Students left out with --skip-unmatched, and why."""
    left_out: list[LeftOut] = field(default_factory=list)
    """LMS shapes: grades not in the file, per student and assignment, with why."""
    dropped: list[str] = field(default_factory=list)
    """LMS shapes: assignments left out whole (none of their grades can be written)."""
    cleared: Counter[str] = field(default_factory=Counter)
    """LMS shapes with --clear-missing: per assignment, the blanks that clear the LMS's grade."""
    not_final: int = 0
    """long and wide: grades blank because they are not final (the not_final column says why)."""
    considered: int = 0
    """Students whose grades were read: every student, or those the LMS can match."""

    @property
    def written(self) -> bool:
        """Whether there is a file to write (an LMS export may have nothing it can carry)."""
        return self.spool is not None

    def chunks(self) -> Iterator[bytes]:
        """The file's bytes, from the start, in blocks."""
        if self.spool is None:
            return
        self.spool.seek(0)
        while block := self.spool.read(READ_BYTES):
            yield block

    @property
    def text(self) -> str:
        """The whole file as text (for a dry run's comparison, and tests)."""
        return b"".join(self.chunks()).decode("utf-8").removeprefix(BOM)

    def notes(self) -> ExportNotes:
        return export_notes(
            self.fmt,
            left_out=self.left_out,
            dropped=self.dropped,
            cleared=self.cleared,
            not_final=self.not_final,
            written=self.written,
        )

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()

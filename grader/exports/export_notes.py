"""What a grade export says about what it left out, blanked or clears: one wording for CLI and TUI."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from grader.exports.formats import EXCUSED_IN_MOODLE, ExportFormat
from grader.exports.lms_file import LeftOut

LMS_NAMES = {
    ExportFormat.CANVAS: "Canvas",
    ExportFormat.MOODLE: "Moodle",
    ExportFormat.MOODLE_WORKSHEET: "Moodle",
}


@dataclass(frozen=True)
class ExportNotes:
    details: list[str] = field(default_factory=list)
    """One line per student and assignment left out, with why."""
    summary: list[str] = field(default_factory=list)
    """A few lines: what was left out, blanked or clears, in counts, and what to do about it."""


def _counts(reasons: Iterable[str]) -> str:
    return ", ".join(f"{n} {reason}" for reason, n in Counter(reasons).most_common())


def left_out_line(item: LeftOut) -> str:
    return f"left out {item.student.student_id} {item.student.name}, {item.assignment_id}: {item.reason}"


def export_notes(
    fmt: ExportFormat,
    *,
    left_out: list[LeftOut],
    dropped: list[str],
    cleared: Counter[str],
    not_final: int,
    written: bool = True,
) -> ExportNotes:
    """The notes of an export of ``fmt``: per student and assignment, then the summary lines."""
    if not fmt.is_lms:
        lines = [
            f"left out {a}: graded anonymously; export it alone (--assignment {a}) for rows by "
            f"pseudonym, or reveal it first (grader reveal {a})"
            for a in dropped
        ]
        if not_final:
            lines.append(f"{not_final} grade(s) are not final: blank, and the not_final column says why")
        return ExportNotes(summary=lines)
    lms = LMS_NAMES[fmt]
    summary: list[str] = []
    if cleared:
        per = ", ".join(f"{assignment}: {n}" for assignment, n in cleared.items())
        summary.append(
            f"--clear-missing: {cleared.total()} blank cell(s) in this file clear the grade {lms} holds "
            f"({per}); preview with --against PREVIOUS_EXPORT"
        )
    missing = [item for item in left_out if not item.final]
    for assignment in dropped:
        reasons = [item.reason for item in missing if item.assignment_id == assignment]
        summary.append(f"left out {assignment} whole: none of its grades can be written ({_counts(reasons)})")
    if missing:
        excused = any(item.reason == EXCUSED_IN_MOODLE for item in missing)
        summary.append(
            f"left out {len(missing)} grade(s) that are not final{', or excused' if excused else ''} "
            f"({_counts(item.reason.split(':')[0] for item in missing)})"
        )
    with_row = sum(item.final for item in left_out)
    if with_row:
        summary.append(
            f"left out {with_row} final grade(s) whose row has a grade that cannot be written: "
            "export each assignment alone (--assignment ID) to write them"
        )
    if not written:
        pass
    elif missing and fmt is ExportFormat.MOODLE_WORKSHEET:
        summary.append("Moodle skips a blank grade in a worksheet, so this file clears no grade")
    elif missing:
        summary.append(
            f"importing this file clears no grade in {lms}; grader export grades --clear-missing writes "
            f"what was left out as blanks, which clear the grades {lms} holds"
        )
    return ExportNotes([left_out_line(item) for item in left_out], summary)


def nothing_to_write(fmt: ExportFormat, students: int) -> str:
    """Why no file was written: no student to export (``students``), or no grade the LMS could take."""
    if not students:
        return f"nothing to write: no student is left in this {fmt.value} export; no file was written"
    return (
        f"nothing to write: none of these grades can be written for {LMS_NAMES[fmt]} (see above); "
        "no file was written"
    )

"""What the export dialog runs: a job (grades, feedback pages or the report) as a generator of
progress and, last, a summary of what was written or left out. Runs in the dialog's worker."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text

from grader.domain.progress import Progress
from grader.exports.export_notes import nothing_to_write
from grader.exports.formats import ExportFormat
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.export_grades import GradesExport, GradesRequest, build_export, write_export
from grader.gradebook.feedback import DEFAULT_DIR, FeedbackWritten, export_feedback
from grader.gradebook.report import write_report
from grader.tui.safe import safe_text

FEEDBACK = "feedback"
REPORT = "report"
ALL = "*"
KINDS = [(f"grades: {f.value}", f.value) for f in ExportFormat] + [
    ("feedback pages (Markdown, one per graded submission)", FEEDBACK),
    ("class report (HTML)", REPORT),
]
LMS_KINDS = {f.value for f in ExportFormat if f.is_lms}
SHOWN = 10
"""Skipped students listed by name; the rest are counted."""
SHOWN_LEFT_OUT = 5
"""Grades left out listed per student and assignment; `grader export grades` lists them all."""


@dataclass(frozen=True)
class ExportJob:
    kind: str
    """An ExportFormat value, FEEDBACK or REPORT."""
    assignment_ids: tuple[str, ...]
    output: Path
    worksheet: Path | None = None
    skip_unmatched: bool = False


def default_output(course_id: str, kind: str, assignment_id: str) -> str:
    """Where an export goes unless the user says otherwise (relative to the course folder)."""
    if kind == FEEDBACK:
        return str(DEFAULT_DIR)
    stem = course_id if assignment_id == ALL else f"{course_id}-{assignment_id}"
    return f"exports/{stem}-report.html" if kind == REPORT else f"exports/{stem}-{kind}.csv"


@dataclass(frozen=True)
class JobDone:
    summary: Text
    written: Path | None
    """The file or folder written; None when there was nothing to write."""


def grades_summary(export: GradesExport, path: Path) -> Text:
    """What was written, then what was left out or blanked and why (the first few per student)."""
    if export.written:
        lines = [
            safe_text(f"wrote {export.students} student row(s) to {path} ({export.fmt.value})", style="bold")
        ]
    else:
        lines = [safe_text(nothing_to_write(export.fmt, export.considered), style="bold red")]
    for student, reason in export.skipped[:SHOWN]:
        lines.append(safe_text(f"left out {student.student_id} {student.name}: {reason}"))
    if len(export.skipped) > SHOWN:
        lines.append(Text(f"… and {len(export.skipped) - SHOWN} more left out"))
    notes = export.notes()
    lines += [safe_text(line, style="yellow") for line in notes.summary]
    lines += [safe_text(line, style="dim") for line in notes.details[:SHOWN_LEFT_OUT]]
    if len(notes.details) > SHOWN_LEFT_OUT:
        more = len(notes.details) - SHOWN_LEFT_OUT
        lines.append(Text(f"… and {more} more (grader export grades lists every one)", style="dim"))
    return Text("\n").join(lines)


def _grades_job(ctx: CourseContext, job: ExportJob) -> Iterator[Progress | JobDone]:
    request = GradesRequest(
        fmt=ExportFormat(job.kind),
        assignment_ids=job.assignment_ids,
        skip_unmatched=job.skip_unmatched,
        worksheet=job.worksheet,
        target=str(job.output),
    )
    export: GradesExport | None = None
    try:
        for step in build_export(ctx, request, now=int(utc_now().timestamp())):
            if isinstance(step, Progress):
                yield step
            else:
                export = step
        assert export is not None
        if export.written:
            yield Progress(1, 1, f"writing {job.output}")
            write_export(export, job.output)
        yield JobDone(grades_summary(export, job.output), job.output if export.written else None)
    finally:
        if export is not None:
            export.close()


def run_job(ctx: CourseContext, job: ExportJob) -> Iterator[Progress | JobDone]:
    """The gradebook generator of the job, then a summary of what was written."""
    if job.kind == REPORT:
        written: Path | None = None
        for made in write_report(ctx, job.output):
            if isinstance(made, Progress):
                yield made
            else:
                written = made
        yield JobDone(safe_text(f"report written to {written}; open it in a browser", style="bold"), written)
    elif job.kind == FEEDBACK:
        counts = {"written": 0, "unchanged": 0, "not final": 0, "skipped": 0}
        for item in export_feedback(ctx, list(job.assignment_ids) or None, job.output):
            if isinstance(item, Progress):
                yield item
            elif isinstance(item, FeedbackWritten):
                counts["written" if item.changed else "unchanged"] += 1
                counts["not final"] += not item.final
            else:
                counts["skipped"] += 1
        parts = ", ".join(f"{n} {what}" for what, n in counts.items())
        text = safe_text(f"feedback pages in {job.output}: {parts}", style="bold")
        if counts["not final"]:
            text.append("\nnot final: an autograded criterion is not scored yet (the page says so, no total)")
        if counts["skipped"]:
            text.append("\nskipped: not fully graded yet (or a rubric change needs mapping)")
        yield JobDone(text, job.output)
    else:
        yield from _grades_job(ctx, job)

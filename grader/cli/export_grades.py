"""`grader export grades`: grade CSVs (long, wide, Canvas, Moodle, Moodle worksheet) and dry runs."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from grader.cli.export_cmds import export_group
from grader.cli.main import Options
from grader.cli.output import fail, progress_bar
from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.text import printable
from grader.exports.against import Comparison
from grader.exports.export_notes import LMS_NAMES, nothing_to_write
from grader.exports.formats import ExportFormat
from grader.gradebook.context import open_course, utc_now
from grader.gradebook.export_grades import (
    GradesExport,
    GradesRequest,
    build_export,
    bulk_allocation,
    compare_export,
    write_export,
)

FOR_FORMAT = {
    "criteria": (ExportFormat.WIDE,),
    "canvas_titles": (ExportFormat.CANVAS,),
    "moodle_key": (ExportFormat.MOODLE,),
    "last_downloaded": (ExportFormat.MOODLE,),
    "moodle_grade_max": (ExportFormat.MOODLE,),
    "worksheet": (ExportFormat.MOODLE_WORKSHEET,),
    "clear_missing": (ExportFormat.CANVAS, ExportFormat.MOODLE),
}
WHY_NOT = {
    "clear_missing": {
        ExportFormat.MOODLE_WORKSHEET: "Moodle skips a blank grade in a worksheet, so it cannot clear one",
        ExportFormat.WIDE: "long and wide files keep every grade, blank where it is not final",
        ExportFormat.LONG: "long and wide files keep every grade, blank where it is not final",
    },
}


def _last_downloaded(text: str | None, now: int) -> int | None:
    if text is None:
        return None
    if text == "now":
        return now
    if not text.isascii() or not text.isdigit():
        raise click.BadParameter(f"expected 'now' or a Unix time in seconds, got {text!r}")
    return int(text)


def _grade_max(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0:
        raise click.BadParameter(f"expected a positive number, got {text!r}", param_hint="--moodle-grade-max")
    return value


def _check_format_options(fmt: ExportFormat, given: dict[str, bool]) -> None:
    for name, formats in FOR_FORMAT.items():
        if given[name] and fmt not in formats:
            option = "--" + name.replace("_", "-")
            applies = " or ".join(f.value for f in formats)
            why = WHY_NOT.get(name, {}).get(fmt)
            raise click.UsageError(
                f"{option} applies to --format {applies}, not {fmt.value}" + (f": {why}" if why else "")
            )


def _summary(export: GradesExport, where: str) -> None:
    """What was written, left out, blanked or clears; exit 1 when there was nothing to write."""
    notes = export.notes()
    for line in notes.details:
        fail(line)
    if export.written:
        fail(f"wrote {export.students} student row(s) to {where} ({export.fmt.value})")
    for student, reason in export.skipped:
        fail(f"left out {student.student_id} {student.name}: {reason}")
    for line in notes.summary:
        fail(line)
    if not export.written:
        raise GraderError(nothing_to_write(export.fmt, export.considered))


def _arrow(old: str, new: str) -> str:
    return f"{old or '–'} → {new or '– (cleared)'}"


def _report(comparison: Comparison, fmt: ExportFormat, previous: Path) -> None:
    lms = LMS_NAMES.get(fmt, "an import")
    out = [f"{lms} would change {len(comparison.changes)} grade(s) ({comparison.cleared} cleared):"]
    out += [f"  {c.student}  {c.column}: {_arrow(c.old, c.new)}" for c in comparison.changes]
    if comparison.new_columns:
        out.append(f"new column(s), not in {previous}: {', '.join(comparison.new_columns)}")
    out.append(f"{len(comparison.added)} student(s) not in {previous}:")
    out += [f"  {label}" for label in comparison.added]
    out.append(
        f"{len(comparison.removed)} student(s) only in {previous} (the import leaves them as they are):"
    )
    out += [f"  {label}" for label in comparison.removed]
    out.append(f"unchanged: {comparison.unchanged} grade(s)")
    click.echo("\n".join(printable(line) for line in out))


@export_group.command("grades")
@click.option(
    "--format",
    "fmt_name",
    type=click.Choice([f.value for f in ExportFormat]),
    default=ExportFormat.WIDE.value,
    show_default=True,
    help="long: a row per criterion; wide: a row per student; canvas, moodle, moodle-worksheet: for upload.",
)
@click.option(
    "--assignment", "assignments", multiple=True, metavar="ID", help="Only this assignment (repeatable)."
)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE, atomically (default or '-': stdout).")
@click.option("--excel", is_flag=True, help="Start with a UTF-8 BOM, so Excel shows every script right.")
@click.option(
    "--against",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="PREVIOUS_EXPORT",
    help="Dry run: list what importing would change over this earlier export; write nothing.",
)
@click.option("--criteria", is_flag=True, help="wide: a column per criterion after each score.")
@click.option("--skip-unmatched", is_flag=True, help="Leave out students the LMS cannot match (listed).")
@click.option("--canvas-titles", is_flag=True, help="canvas: head assignments without canvas_id by title.")
@click.option(
    "--moodle-key",
    type=click.Choice(["idnumber", "email"]),
    default="idnumber",
    show_default=True,
    help="moodle: match students by ID number (roster moodle_idnumber) or email address.",
)
@click.option(
    "--last-downloaded",
    metavar="now|UNIX_TIME",
    help="moodle: add Moodle's overwrite guard: refuse if a grade changed in Moodle after this time.",
)
@click.option(
    "--moodle-grade-max",
    default="100",
    show_default=True,
    help="moodle: the site's highest grade (gradepointmax); Moodle aborts on a grade above it.",
)
@click.option(
    "--worksheet",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="moodle-worksheet: the grading worksheet downloaded from Moodle (its participant numbers).",
)
@click.option(
    "--clear-missing",
    is_flag=True,
    help="canvas, moodle: write grades that are not final as blanks, which CLEAR the grades the LMS "
    "holds (by default they are left out, and listed).",
)
@click.pass_obj
def export_grades_command(
    options: Options,
    fmt_name: str,
    assignments: tuple[str, ...],
    output: str | None,
    excel: bool,
    against: Path | None,
    criteria: bool,
    skip_unmatched: bool,
    canvas_titles: bool,
    moodle_key: str,
    last_downloaded: str | None,
    moodle_grade_max: str,
    worksheet: Path | None,
    clear_missing: bool,
) -> None:
    """Export grades as CSV, checked against the importer's rules before anything is written.

    An LMS file never clears a grade by accident: what is not final is left out and listed,
    unless --clear-missing is given.
    """
    fmt = ExportFormat(fmt_name)
    given = {
        "criteria": criteria,
        "canvas_titles": canvas_titles,
        "moodle_key": moodle_key != "idnumber",
        "last_downloaded": last_downloaded is not None,
        "moodle_grade_max": moodle_grade_max != "100",
        "worksheet": worksheet is not None,
        "clear_missing": clear_missing,
    }
    _check_format_options(fmt, given)
    if against is not None and output is not None:
        raise click.UsageError("--against is a dry run that writes nothing; leave out -o")
    now = int(utc_now().timestamp())
    to_stdout = output in (None, "-")
    request = GradesRequest(
        fmt=fmt,
        assignment_ids=assignments,
        excel=excel,
        skip_unmatched=skip_unmatched,
        criteria=criteria,
        moodle_key=moodle_key,
        last_downloaded=_last_downloaded(last_downloaded, now),
        worksheet=worksheet,
        canvas_titles_only=canvas_titles,
        moodle_grade_max=_grade_max(moodle_grade_max),
        clear_missing=clear_missing,
        target="<stdout>" if to_stdout or output is None else output,
    )
    _run(options, request, against, output, now=now)


def _dry_run(export: GradesExport, comparison: Comparison | None, fmt: ExportFormat, against: Path) -> None:
    notes = export.notes()
    if comparison is not None:
        _report(comparison, fmt, against)
    for line in [*notes.details, *notes.summary]:
        fail(line)
    if comparison is None:
        raise GraderError(nothing_to_write(fmt, export.considered))
    fail("dry run: nothing was written")


def _run(
    options: Options, request: GradesRequest, against: Path | None, output: str | None, *, now: int
) -> None:
    """Build the export (or the dry run) with a progress bar; write it; say what was left out."""
    fmt, to_stdout = request.fmt, output in (None, "-")
    export: GradesExport | None = None
    comparison: Comparison | None = None
    try:
        with (
            bulk_allocation(),
            open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx,
            progress_bar() as bar,
        ):
            task = bar.add_task("exporting", total=None)
            steps: Iterator[Progress | GradesExport | Comparison] = (
                compare_export(ctx, request, against, now=now)
                if against
                else build_export(ctx, request, now=now)
            )
            for item in steps:
                if isinstance(item, Progress):
                    bar.update(
                        task, completed=item.done, total=item.total, description=printable(item.message)
                    )
                elif isinstance(item, GradesExport):
                    export = item
                else:
                    comparison = item
            if export is not None and export.written and against is None and not to_stdout:
                assert output is not None
                write_export(export, Path(output))
        assert export is not None
        if against is not None:
            _dry_run(export, comparison, fmt, against)
            return
        if export.written and to_stdout:
            sys.stdout.flush()
            for chunk in export.chunks():
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        _summary(export, "stdout" if to_stdout else str(output))
    finally:
        if export is not None:
            export.close()

"""How ``grader status`` prints: a table for a terminal, full tab-separated values for a pipe,
and a one-line summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import click
from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from grader.cli.output import fmt_points, stderr, stdout
from grader.domain.lateness import late_duration, late_text
from grader.domain.submission import DATED_BY_COMMIT_TIME, DATED_BY_PULL_TIME
from grader.domain.text import printable
from grader.gradebook.status import (
    EXCUSED,
    GRADED,
    IN_PROGRESS,
    MISSING,
    NOT_PULLED,
    PULLED,
    SubmissionStatus,
)

FLAG_LINES = 3
"""A row's flags cell shows this many lines at most (one flag a line; the last says "+N more")."""
DATED = {DATED_BY_COMMIT_TIME: "commit time", DATED_BY_PULL_TIME: "pull time"}
SHORT_DATED = {DATED_BY_COMMIT_TIME: "commit", DATED_BY_PULL_TIME: "pull"}
NAME_MAX = 22
GIVES_WAY = (("name", 8), ("flags", 12), ("assignment", 8), ("name", 4))
"""Which columns narrow, down to how many cells, when a table is wider than the terminal."""
HEADINGS = ("student", "name", "status", "score", "late", "commit", "dated by", "flags")


def print_statuses(rows: Sequence[SubmissionStatus], *, with_assignment: bool) -> None:
    """A table in a terminal; tab-separated full values (never cut) when piped; then the summary
    (on stderr when piped, so that the file holds only the values)."""
    console = stdout()
    if console.is_terminal:
        console.print(_table(rows, with_assignment=with_assignment, width=console.width))
        console.print(status_summary(rows))
        return
    headings = (*(("assignment",) if with_assignment else ()), *HEADINGS)
    click.echo("\t".join(headings))
    for row in rows:
        cells = (*((row.assignment_id,) if with_assignment else ()), *_values(row, full=True))
        click.echo("\t".join(printable(cell).replace("\t", " ") for cell in cells))
    stderr().print(status_summary(rows))


def _values(row: SubmissionStatus, *, full: bool) -> list[str]:
    """One row's cells as text: ``full`` for a pipe (the whole commit id, "20h 19m late"),
    else compact for a table whose headings say what a cell is ("20h 19m" under "late")."""
    commit = row.graded_commit or "–"
    if full:
        late, dated = late_text(row.late_minutes), DATED.get(row.dated_by, "–")
    else:
        late = late_duration(row.late_minutes) if row.late_minutes else late_text(row.late_minutes)
        commit, dated = commit[:7], SHORT_DATED.get(row.dated_by, "–")
    score = f"{fmt_points(row.score)} / {fmt_points(row.max_score)}"
    return [row.student_id, row.name, row.status, score, late, commit, dated, "; ".join(row.flags)]


def flags_cell(flags: Sequence[str], width: int = 0, lines: int = FLAG_LINES) -> Text:
    """One flag a line (cut to ``width`` with "…" when given), at most ``lines`` lines: past
    that the last line says "+N more"."""
    shown = list(flags) if len(flags) <= lines else [*flags[: lines - 1], f"+{len(flags) - lines + 1} more"]
    cell = Text()
    for number, flag in enumerate(shown):
        line = Text(printable(flag))  # flag notes and git reasons are literal text
        if width:
            line.truncate(width, overflow="ellipsis")
        cell.append_text(line if number == 0 else Text("\n") + line)
    return cell


def _table(rows: Sequence[SubmissionStatus], *, with_assignment: bool, width: int) -> Table:
    """Every column as wide as its longest cell, but within ``width``: the name, then the flags,
    then the assignment id give way (cut with "…"), never the id, status, lateness or commit."""
    headings = [*(("assignment",) if with_assignment else ()), *HEADINGS]
    values = [[*((row.assignment_id,) if with_assignment else ()), *_values(row, full=False)] for row in rows]
    widths = {
        name: max(
            [len(name), *(cell_len(printable(line)) for cells in values for line in _lines(name, cells[i]))]
        )
        for i, name in enumerate(headings)
    }
    widths["name"] = min(widths["name"], NAME_MAX)
    excess = sum(widths.values()) + len(headings) - 1 - width
    for name, floor in GIVES_WAY:
        if excess <= 0 or name not in widths:
            continue
        cut = min(excess, max(widths[name] - floor, 0))
        widths[name] -= cut
        excess -= cut
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=0)
    for name in headings:  # flags: one flag a line, each cut to fit
        table.add_column(name, no_wrap=name != "flags", overflow="ellipsis", width=widths[name])
    for row, cells in zip(rows, values, strict=True):
        shown: list[Text] = [Text(printable(cell)) for cell in cells[:-1]]
        table.add_row(*shown, flags_cell(row.flags, widths["flags"]))
    return table


def _lines(heading: str, cell: str) -> list[str]:
    """The lines a cell takes: a flags cell one flag a line."""
    return cell.split("; ") if heading == "flags" else [cell]


def status_summary(rows: Sequence[SubmissionStatus]) -> str:
    """ "36 submissions: 12 graded, 20 to grade, 4 missing; 3 late, 5 with flags"."""
    statuses = Counter(row.status for row in rows)
    to_grade = f"{statuses[PULLED] + statuses[IN_PROGRESS]:,} to grade"
    if statuses[IN_PROGRESS]:
        to_grade += f" ({statuses[IN_PROGRESS]:,} in progress)"
    parts = [f"{statuses[GRADED]:,} graded", to_grade]
    parts += [f"{statuses[s]:,} {s}" for s in (MISSING, NOT_PULLED, EXCUSED) if statuses[s]]
    late = sum(1 for row in rows if row.late_minutes and row.status != EXCUSED)
    flagged = sum(1 for row in rows if row.flags)
    extra = [f"{late:,} late"] + ([f"{flagged:,} with flags"] if flagged else [])
    plural = "" if len(rows) == 1 else "s"
    return f"{len(rows):,} submission{plural}: {', '.join(parts)}; {', '.join(extra)}"

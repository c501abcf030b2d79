"""How ``grader status`` prints: a table for a terminal, full tab-separated values for a pipe,
and a one-line summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import click
from rich import box
from rich.table import Table
from rich.text import Text

from grader.cli.output import fmt_points, stderr, stdout
from grader.domain.lateness import late_text
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
HEADINGS = ("student", "name", "status", "score", "late", "commit", "dated by", "flags")


def print_statuses(rows: Sequence[SubmissionStatus], *, with_assignment: bool) -> None:
    """A table in a terminal; tab-separated full values (never cut) when piped; then the summary
    (on stderr when piped, so that the file holds only the values)."""
    console = stdout()
    if console.is_terminal:
        console.print(_table(rows, with_assignment=with_assignment))
        console.print(status_summary(rows))
        return
    headings = (*(("assignment",) if with_assignment else ()), *HEADINGS)
    click.echo("\t".join(headings))
    for row in rows:
        cells = (*((row.assignment_id,) if with_assignment else ()), *_values(row, full=True))
        click.echo("\t".join(printable(cell).replace("\t", " ") for cell in cells))
    stderr().print(status_summary(rows))


def _values(row: SubmissionStatus, *, full: bool) -> list[str]:
    """One row's cells as text (``full``: the whole commit id and every flag)."""
    commit = row.graded_commit or "–"
    return [
        row.student_id,
        row.name,
        row.status,
        f"{fmt_points(row.score)} / {fmt_points(row.max_score)}",
        late_text(row.late_minutes),
        commit if full else commit[:10],
        DATED.get(row.dated_by, "–"),
        "; ".join(row.flags),
    ]


def flags_cell(flags: Sequence[str], lines: int = FLAG_LINES) -> Text:
    """One flag a line, at most ``lines`` lines: past that the last line says "+N more"."""
    shown = list(flags) if len(flags) <= lines else [*flags[: lines - 1], f"+{len(flags) - lines + 1} more"]
    return Text(printable("\n".join(shown)) or "")  # flag notes and git reasons are literal text


def _table(rows: Sequence[SubmissionStatus], *, with_assignment: bool) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    if with_assignment:
        table.add_column("assignment", no_wrap=True)
    for name in HEADINGS:
        table.add_column(
            name,
            no_wrap=True,
            overflow="ellipsis",
            min_width=12 if name == "flags" else None,
            max_width=24 if name == "name" else None,
            ratio=1 if name == "flags" else None,
        )
    for row in rows:
        cells: list[Text | str] = [Text(printable(cell)) for cell in _values(row, full=False)[:-1]]
        cells.append(flags_cell(row.flags))
        table.add_row(*([row.assignment_id] if with_assignment else []), *cells)
    return table


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

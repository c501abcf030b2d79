"""What one row of the Submissions table says, column by column, and how wide each column is."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rich.text import Text

from grader.domain.anonymity import ANONYMOUS_NAME, Identities
from grader.domain.claims import Claim, being_graded
from grader.domain.lateness import late_duration
from grader.gradebook.listing import is_flagged
from grader.gradebook.similarity_marks import mark_label
from grader.gradebook.status import FLAG_PREFIX, SubmissionStatus
from grader.tui.safe import safe_plain, safe_text
from grader.tui.widgets.grouped_rows import Group


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    """Cells; 0 takes what is left."""
    label: str = ""
    """The header, when not the title (a narrow column's short name)."""

    @property
    def header(self) -> str:
        return self.label or self.title


AUTOGRADE = "autograde"
COLUMNS = (
    Column("", 1),
    Column("student", 12),
    Column("name", 18),
    Column("status", 12),
    Column("late", 10),
    Column("score", 11),
    Column("grader", 10),
    Column("commit", 8),
    Column("flags", 0),
)
"""An assignment without autograded criteria, on a wide screen."""
NARROW = 100
"""Below this many cells the columns narrow (compact score and autograde cells) so that the
commit and the flags still fit at 80 columns."""
NARROW_WIDTHS = {"name": 12, "status": 11, "score": 5, "commit": 7}
AUTOGRADE_WIDTH = 11
"""Fits "10/10 tests", "timeout", "not run"."""
NARROW_AUTOGRADE_WIDTH = 7
"""Fits "10/10" (compact: without " tests"), "timeout", "not run"."""
WIDE = 140
"""From this many cells the name column has room for longer names (``WIDE_NAME`` cells)."""
WIDE_NAME = 24
FLAGS_MIN = 16
"""Columns give way (``DROPPED_FIRST``) until the flags column has this many cells."""
DROPPED_FIRST = ("grader",)


def is_compact(width: int) -> bool:
    """Cells are compact (score without its maximum, "7/10" without " tests") below ``NARROW``."""
    return width < NARROW


def columns_for(width: int, *, autograde: bool, id_width: int | None = None) -> tuple[Column, ...]:
    """The columns for a table ``width`` cells wide, with the autograde column after the score;
    ``id_width``: the longest student id shown (the id column fits it, within 7 to 14 cells);
    the grader column gives way before the flags column gets narrower than ``FLAGS_MIN``."""
    narrow = is_compact(width)
    columns: list[Column] = []
    for column in COLUMNS:
        narrowed = NARROW_WIDTHS.get(column.title) if narrow else None
        if column.title == "student" and id_width is not None:
            narrowed = min(max(id_width, 7), 14)
        if column.title == "name" and width >= WIDE:
            narrowed = WIDE_NAME
        columns.append(Column(column.title, narrowed) if narrowed else column)
        if autograde and column.title == "score":
            columns.append(
                Column(AUTOGRADE, NARROW_AUTOGRADE_WIDTH, "checks")
                if narrow
                else Column(AUTOGRADE, AUTOGRADE_WIDTH)
            )
    for title in DROPPED_FIRST:
        if _flags_width(columns, width) >= FLAGS_MIN:
            break
        columns = [column for column in columns if column.title != title]
    return tuple(columns)


def _flags_width(columns: list[Column], width: int) -> int:
    """What is left for the last (flags) column: ``join_cells`` puts a space after each cell."""
    return width - sum(column.width + 1 for column in columns[:-1])


def late_label(minutes: int | None) -> str:
    """How late, in the one unit every screen uses: '' on time, '45m', '5h 10m', '2d 3h 5m'."""
    return late_duration(minutes) if minutes and minutes > 0 else ""


def points_label(value: Decimal | None) -> str:
    return "–" if value is None else format(value.normalize(), "f")


def score_label(row: SubmissionStatus, *, compact: bool = False) -> str:
    """ "27.5/100"; compact: "27.5" (the header says "score" and every row has the same maximum)."""
    return points_label(row.score) if compact else f"{points_label(row.score)}/{points_label(row.max_score)}"


UNSANDBOXED = "autograde ran unsandboxed (trusted code)"


CLAIMED = "✎ "
"""Before a grader's name in the status cell: someone else is grading this submission now."""


def flags_label(row: SubmissionStatus, claim: Claim | None = None, similar: str = "") -> str:
    parts = [being_graded(claim)] if claim is not None else []
    parts += [mark_label(similar)] if similar else []
    parts += [f"⚑ {row.flag_note}"] if row.flag_note else []
    parts += [flag for flag in row.flags if not flag.startswith(FLAG_PREFIX)]
    if any(c.autograde is not None and c.autograde.sandbox == "trusted" for c in row.criteria):
        parts.append(UNSANDBOXED)  # said wherever a result is shown
    return "; ".join(parts)


AUTOGRADE_STYLES = {
    "passed": "green",
    "failed": "red",
    "timeout": "red",
    "error": "bold red",
    "not run": "dim",
}


def autograde_cell(label: str, *, compact: bool = False) -> Text:
    """The autograde column's cell: "7/10 tests", "passed", "failed", "timeout", "error", "not run";
    compact: "7/10" (the column is headed "autograde")."""
    style = AUTOGRADE_STYLES.get(label, "yellow" if "tests" in label else "")
    shown = label.removesuffix(" tests") if compact else label
    return Text(safe_plain(shown), style=style)


def status_cell(row: SubmissionStatus, claim: Claim | None) -> Text:
    """The status, or while another grader grades it "✎ NAME" (narrow: it fits 80 columns; the
    flags cell says "being graded by NAME" where there is room)."""
    if claim is None:
        return Text(row.status)
    cell = Text(CLAIMED, style="bold yellow")
    cell.append_text(safe_text(claim.actor, style="bold yellow"))
    return cell


def shown_name(shown: Identities, name: str) -> str:
    """The name column: the name, or "anonymous" while identities are hidden (the id column
    shows the pseudonym)."""
    return ANONYMOUS_NAME if shown.hidden else name


def row_cells(
    row: SubmissionStatus,
    autograde: Text | None,
    claim: Claim | None = None,
    shown: Identities | None = None,
    similar: str = "",
    *,
    compact: bool = False,
) -> dict[str, Text]:
    """A read row's cells by column title (the mark's excepted; "autograde" when given);
    ``claim``: another grader is grading it now; ``shown``: how the assignment's students are
    shown (a pseudonym, and nothing that identifies them, while hidden); ``similar``: the
    verdict of a similar pair it is in (to discuss, confirmed); ``compact``: see ``is_compact``."""
    shown = shown or Identities(row.assignment_id)
    flags = shown.scrub(flags_label(row, claim, similar), row.student_id)
    cells = {
        "student": safe_text(shown.shown_id(row.student_id)),
        "name": safe_text(shown_name(shown, row.name)),
        "status": status_cell(row, claim),
        "late": Text(late_label(row.late_minutes)),
        "score": Text(score_label(row, compact=compact)),
        "grader": safe_text(row.graded_by),
        "commit": safe_text((row.graded_commit or "")[:7]),
        "flags": safe_text(flags, style="bold" if is_flagged(row) or claim or similar else ""),
    }
    if autograde is not None:
        cells[AUTOGRADE] = autograde
    return cells


def group_label(group: Group, marked: int) -> Text:
    """A group's header: its outcome signature (test names: sanitised) and how many it holds."""
    line = Text("▾ ")
    line.append_text(safe_text(group.signature, limit=80))
    count = len(group.members)
    line.append(f"  · {count:,} submission{'s' if count != 1 else ''}")
    if marked:
        line.append(f" · {marked:,} marked")
    return line


def join_cells(cells: list[Text], columns: tuple[Column, ...], width: int) -> Text:
    """One line: each cell cut or padded to its column, a space between columns."""
    line = Text(no_wrap=True, end="")
    used = 0
    for column, cell in zip(columns, cells, strict=False):
        cell_width = column.width or max(width - used, 0)
        cell = cell.copy()
        cell.truncate(cell_width, overflow="ellipsis", pad=True)
        line.append_text(cell)
        line.append(" ")
        used += cell_width + 1
    line.truncate(width, pad=True)
    return line

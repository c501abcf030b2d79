"""How the Submissions table draws its rows: the header, a submission's cells, a group's line.

What is shown (the listing, the view, the marks) is the table's (``submission_table.py``); this
base only turns it into lines.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from grader.gradebook.listing import SubmissionList
from grader.gradebook.status import SubmissionStatus
from grader.tui.safe import safe_text
from grader.tui.widgets.grouped_rows import Group, GroupedRows
from grader.tui.widgets.row_cursor import RowCursorView
from grader.tui.widgets.submission_cells import (
    Column,
    autograde_cell,
    columns_for,
    group_label,
    is_compact,
    join_cells,
    row_cells,
    shown_name,
)

HEADER_LINES = 1
MARK = "●"
SOME_MARKED = "◐"


class DrawnRows(RowCursorView):
    """The drawing half of the Submissions table (see the module docstring)."""

    listing: SubmissionList
    marked: set[str]
    autograde: bool
    """The autograde column is shown."""
    id_width: int
    """The id column's width."""

    @property
    def grouped(self) -> GroupedRows | None:
        raise NotImplementedError

    def roster_index(self, row: int) -> int:
        raise NotImplementedError

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns at the current width (narrower ones below 100 cells)."""
        return columns_for(
            self.scrollable_content_region.width, autograde=self.autograde, id_width=self.id_width
        )

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y < HEADER_LINES:
            return self._strip(
                self._header(), width, self.get_component_rich_style("submission-table--header")
            )
        row = round(self.scroll_y) + y - HEADER_LINES
        if row >= self.row_count:
            return Strip.blank(width, self.rich_style)
        cursor = self.get_component_rich_style("submission-table--cursor") if row == self.cursor else Style()
        index = self.roster_index(row)
        if index < 0:
            assert self.grouped is not None
            group_style = self.get_component_rich_style("submission-table--group")
            return self._group_line(self.grouped.groups[-1 - index], width, group_style + cursor)
        student = self.listing.students[index]
        status = self.listing.cached(index)
        marked = student.student_id in self.marked
        cells = self._cells(student.student_id, student.name, status, marked)
        style = self.get_component_rich_style("submission-table--pending") if status is None else Style()
        return self._strip(cells, width, style + cursor)

    def _header(self) -> list[Text]:
        return [Text(column.header) for column in self.columns]

    def _mark(self, text: str) -> Text:
        return Text(text, style=self.get_component_rich_style("submission-table--marked"))

    def _group_line(self, group: Group, width: int, style: Style) -> Strip:
        """A group's header row: its mark, then the signature and the count across the row."""
        students = self.listing.students
        marked = sum(1 for index in group.members if students[index].student_id in self.marked)
        mark = MARK if marked == len(group.members) else SOME_MARKED if marked else ""
        columns = (self.columns[0], Column("", 0))
        return self._strip([self._mark(mark), group_label(group, marked)], width, style, columns)

    def _cells(self, student_id: str, name: str, row: SubmissionStatus | None, marked: bool) -> list[Text]:
        mark = self._mark(MARK) if marked else Text()
        shown = self.listing.identities
        if row is None:
            who = [safe_text(shown.shown_id(student_id)), safe_text(shown_name(shown, name))]
            return [mark, *who, Text("…")]
        compact = is_compact(self.scrollable_content_region.width)
        autograde = (
            autograde_cell(row.autograde_summary or "not run", compact=compact) if self.autograde else None
        )
        similar = (self.listing.similar or {}).get(student_id, "")
        claim = self.listing.claim_of(student_id)
        cells = row_cells(row, autograde, claim, shown, similar, compact=compact)
        return [mark, *(cells.get(column.title, Text()) for column in self.columns[1:])]

    def _strip(
        self, cells: list[Text], width: int, style: Style, columns: tuple[Column, ...] | None = None
    ) -> Strip:
        line = join_cells(cells, columns or self.columns, width)
        line.stylize(style)
        segments = list(line.render(self.app.console))
        return Strip(segments, width).apply_style(self.rich_style)

"""A virtual table of submissions: only the rows on screen are read from the store and drawn.

A stock DataTable builds every row up front (about 23 s for 100,000); this one is a ScrollView
whose height is the row count and whose ``render_line`` draws the rows under the viewport from
the SubmissionList cache, reading missing ones in a worker (rows not read yet show their roster
id and name with "…").
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, WorkerState

from grader.domain.errors import GraderError
from grader.gradebook.listing import PAGE_SIZE, SubmissionList, is_flagged
from grader.gradebook.status import FLAG_PREFIX, SubmissionStatus
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain, safe_text


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    """Cells; 0 takes what is left."""


COLUMNS = (
    Column("", 1),
    Column("student", 14),
    Column("name", 22),
    Column("status", 13),
    Column("late", 7),
    Column("score", 11),
    Column("grader", 10),
    Column("commit", 8),
    Column("flags", 0),
)
HEADER_LINES = 1
MARK = "●"


def late_label(minutes: int | None) -> str:
    """How late, compactly: '' on time, '45m', '5h 10m', '2d 3h'."""
    if not minutes or minutes <= 0:
        return ""
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins}m" if hours else f"{mins}m"


def points_label(value: Decimal | None) -> str:
    return "–" if value is None else format(value.normalize(), "f")


def score_label(row: SubmissionStatus) -> str:
    return f"{points_label(row.score)}/{points_label(row.max_score)}"


def flags_label(row: SubmissionStatus) -> str:
    parts = [f"⚑ {row.flag_note}"] if row.flag_note else []
    parts += [flag for flag in row.flags if not flag.startswith(FLAG_PREFIX)]
    return "; ".join(parts)


class SubmissionTable(ScrollView, can_focus=True):
    """Submissions of one assignment, one line each, with a cursor and marks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", id="submissions.up", tooltip="Move to the row above", show=False),
        Binding(
            "down", "cursor_down", "Down", id="submissions.down", tooltip="Move to the row below", show=False
        ),
        Binding(
            "pageup", "page_up", "Page up", id="submissions.page_up", tooltip="Up one screen", show=False
        ),
        Binding(
            "pagedown",
            "page_down",
            "Page down",
            id="submissions.page_down",
            tooltip="Down one screen",
            show=False,
        ),
        Binding("home", "first", "First", id="submissions.first", tooltip="Go to the first row", show=False),
        Binding("end", "last", "Last", id="submissions.last", tooltip="Go to the last row", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "submission-table--header",
        "submission-table--cursor",
        "submission-table--marked",
        "submission-table--pending",
    }
    DEFAULT_CSS = """
    SubmissionTable { height: 1fr; overflow-x: hidden; }
    SubmissionTable > .submission-table--header { text-style: bold; background: $panel; }
    SubmissionTable > .submission-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    SubmissionTable:blur > .submission-table--cursor { background: $block-cursor-blurred-background; }
    SubmissionTable > .submission-table--marked { color: $accent; text-style: bold; }
    SubmissionTable > .submission-table--pending { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, layout=False, always_update=True)

    @dataclass
    class RowsShown(Message):
        """Every visible row was read from the store and is about to be painted."""

        table: SubmissionTable

    @dataclass
    class _RowsRead(Message):
        failed: str | None

    def __init__(self, listing: SubmissionList, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.listing = listing
        self.view: Sequence[int] | None = None
        """Roster indexes shown (a filter), or None for the whole roster."""
        self.marked: set[str] = set()
        self._reading = False
        self._shown = False
        """RowsShown was posted once: reads from now on take a page ahead."""

    # What is shown

    @property
    def row_count(self) -> int:
        return len(self.listing) if self.view is None else len(self.view)

    def roster_index(self, row: int) -> int:
        return row if self.view is None else self.view[row]

    @property
    def cursor_student_id(self) -> str | None:
        if not 0 <= self.cursor < self.row_count:
            return None
        return self.listing.students[self.roster_index(self.cursor)].student_id

    def shown_student_ids(self) -> list[str]:
        students = self.listing.students
        return [students[self.roster_index(row)].student_id for row in range(self.row_count)]

    def set_view(self, view: Sequence[int] | None) -> None:
        """Show only these roster indexes (ascending), or everyone."""
        keep = self.cursor_student_id
        self.view = view
        self._resize()
        self.cursor = 0
        if keep is not None:
            self.move_to_student(keep)
        self.scroll_to(y=0, animate=False) if self.cursor == 0 else self._follow_cursor()
        self.reload()

    def move_to_student(self, student_id: str) -> bool:
        index = self.listing.position_of(student_id)
        if index is None:
            return False
        if self.view is None:
            row = index
        else:
            row = bisect_left(self.view, index)
            if row >= len(self.view) or self.view[row] != index:
                return False
        self.cursor = row
        return True

    def reload(self, student_ids: Sequence[str] | None = None) -> None:
        """Read rows again (these students', or all) and repaint."""
        if student_ids is None:
            self.listing.refresh()
        else:
            self.listing.invalidate(student_ids)
        self.refresh()
        self._read_visible()

    # Marks

    def toggle_mark(self) -> None:
        student_id = self.cursor_student_id
        if student_id is not None:
            self.marked.symmetric_difference_update({student_id})
            self.refresh()

    def mark_all_shown(self) -> None:
        self.marked.update(self.shown_student_ids())
        self.refresh()

    def clear_marks(self) -> None:
        self.marked.clear()
        self.refresh()

    # Geometry and cursor

    def on_mount(self) -> None:
        self._resize()
        self._read_visible()

    def _resize(self) -> None:
        self.virtual_size = Size(0, self.row_count + HEADER_LINES)  # never scrolls sideways

    def on_resize(self, event: events.Resize) -> None:
        self._resize()
        self._follow_cursor()
        self._read_visible()

    @property
    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - HEADER_LINES, 1)

    def watch_cursor(self, old: int, new: int) -> None:
        clamped = max(0, min(new, self.row_count - 1))
        if clamped != new:
            self.cursor = clamped
            return
        self._follow_cursor()
        self.refresh()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._read_visible()

    def _follow_cursor(self) -> None:
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self._page_rows:
            self.scroll_to(y=self.cursor - self._page_rows + 1, animate=False)

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_page_up(self) -> None:
        self.cursor -= self._page_rows

    def action_page_down(self) -> None:
        self.cursor += self._page_rows

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = self.row_count - 1

    def on_click(self, event: events.Click) -> None:
        row = round(self.scroll_y) + event.y - HEADER_LINES
        if event.y >= HEADER_LINES and 0 <= row < self.row_count:
            self.cursor = row

    # Reading rows

    def _visible_rows(self) -> range:
        top = round(self.scroll_y)
        return range(top, min(top + self._page_rows, self.row_count))

    def _read_visible(self) -> None:
        if self._reading or not self.is_mounted:
            return
        visible = self._visible_rows()
        if all(self.listing.cached(self.roster_index(r)) is not None for r in visible):
            return
        self._reading = True
        if self.view is None and self._shown:
            self._read_page(visible.start, visible.stop + PAGE_SIZE)  # a page ahead, for scrolling
        else:  # a filtered view, or the first screenful (shown sooner without the page after it)
            self._read_indexes([self.roster_index(r) for r in visible])

    @work(thread=True, group="rows", exit_on_error=False)
    def _read_page(self, start: int, stop: int) -> None:
        self._post_read(lambda: self.listing.rows(start, stop))

    @work(thread=True, group="rows", exit_on_error=False)
    def _read_indexes(self, indexes: list[int]) -> None:
        self._post_read(lambda: self.listing.rows_at(indexes))

    def _post_read(self, read: Callable[[], object]) -> None:
        try:
            read()
        except GraderError as error:
            self.post_message(self._RowsRead(str(error)))
        else:
            self.post_message(self._RowsRead(None))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure while reading rows: said (with a crash log), and reading may retry."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._reading = False
            navigator(self.app).report_error(event.worker.error)

    def on_submission_table__rows_read(self, message: _RowsRead) -> None:
        message.stop()
        self._reading = False
        if message.failed is not None:
            self.notify(
                safe_plain(message.failed),
                title="Could not read the gradebook",
                severity="error",
                markup=False,
            )
            return
        self.refresh()
        visible = self._visible_rows()
        if all(self.listing.cached(self.roster_index(r)) is not None for r in visible):
            self._shown = True
            self.call_after_refresh(self.post_message, self.RowsShown(self))
        else:
            self._read_visible()  # the viewport moved while reading

    # Drawing

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y < HEADER_LINES:
            return self._strip(
                self._header(), width, self.get_component_rich_style("submission-table--header")
            )
        row = round(self.scroll_y) + y - HEADER_LINES
        if row >= self.row_count:
            return Strip.blank(width, self.rich_style)
        index = self.roster_index(row)
        student = self.listing.students[index]
        status = self.listing.cached(index)
        marked = student.student_id in self.marked
        cells = self._cells(student.student_id, student.name, status, marked)
        style = self.get_component_rich_style("submission-table--pending") if status is None else Style()
        if row == self.cursor:
            style = style + self.get_component_rich_style("submission-table--cursor")
        return self._strip(cells, width, style)

    def _header(self) -> list[Text]:
        return [Text(column.title) for column in COLUMNS]

    def _cells(self, student_id: str, name: str, row: SubmissionStatus | None, marked: bool) -> list[Text]:
        mark = (
            Text(MARK, style=self.get_component_rich_style("submission-table--marked")) if marked else Text()
        )
        if row is None:
            return [mark, safe_text(student_id), safe_text(name), Text("…")]
        return [
            mark,
            safe_text(student_id),
            safe_text(name),
            Text(row.status),
            Text(late_label(row.late_minutes)),
            Text(score_label(row)),
            safe_text(row.graded_by),
            safe_text((row.graded_commit or "")[:7]),
            safe_text(flags_label(row), style="bold" if is_flagged(row) else ""),
        ]

    def _strip(self, cells: list[Text], width: int, style: Style) -> Strip:
        line = Text(no_wrap=True, end="")
        used = 0
        for column, cell in zip(COLUMNS, cells, strict=False):
            cell_width = column.width or max(width - used, 0)
            cell = cell.copy()
            cell.truncate(cell_width, overflow="ellipsis", pad=True)
            line.append_text(cell)
            line.append(" ")
            used += cell_width + 1
        line.truncate(width, pad=True)
        line.stylize(style)
        segments = list(line.render(self.app.console))
        return Strip(segments, width).apply_style(self.rich_style)

"""A virtual table of submissions: only the rows on screen are read from the store and drawn.

A stock DataTable builds every row up front (about 23 s for 100,000); this one is a ScrollView
whose height is the row count and whose ``render_line`` draws the rows under the viewport from
the SubmissionList cache (``submission_drawing.py``), reading missing ones in a worker (rows not
read yet show their roster id and name with "…"); a quick open's first screenful is read before
the first frame.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events, work
from textual.message import Message
from textual.worker import Worker, WorkerState

from grader.domain.errors import GraderError
from grader.gradebook.listing import PAGE_SIZE, SubmissionList
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain
from grader.tui.widgets.grouped_rows import Group, GroupedRows
from grader.tui.widgets.submission_cells import COLUMNS, late_label
from grader.tui.widgets.submission_drawing import HEADER_LINES, MARK, DrawnRows

__all__ = ["COLUMNS", "HEADER_LINES", "MARK", "SubmissionTable", "late_label"]

ID_SAMPLE = 1000


class SubmissionTable(DrawnRows, can_focus=True):
    """Submissions of one assignment, one line each, with a cursor and marks."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "submission-table--header",
        "submission-table--cursor",
        "submission-table--marked",
        "submission-table--pending",
        "submission-table--group",
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
    SubmissionTable > .submission-table--group { text-style: bold; background: $primary-background; }
    """

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
        """Roster indexes shown (a filter, ascending; or a GroupedRows), or None for the whole roster."""
        rubric = listing.ctx.files.rubric(listing.assignment_id)
        self.autograde = any(not criterion.is_manual for criterion in rubric.criteria)
        """The autograde column is shown (the assignment has autograded criteria)."""
        shown = listing.identities
        self.id_width = max(
            (len(shown.shown_id(s.student_id)) for s in listing.students[:ID_SAMPLE]), default=0
        )
        """The longest student id (or pseudonym) among the first ``ID_SAMPLE`` (the id column's width)."""
        self.marked: set[str] = set()
        self._reading = False
        self._shown = False
        """RowsShown was posted once: reads from now on take a page ahead."""
        self._first_read_failed = False
        """A first screenful read on the UI thread failed: reads go through the worker."""

    # What is shown

    @property
    def row_count(self) -> int:
        return len(self.listing) if self.view is None else len(self.view)

    @property
    def shown_count(self) -> int:
        """The submissions shown (a grouped view's header rows are not submissions)."""
        grouped = self.grouped
        return grouped.member_count if grouped is not None else self.row_count

    @property
    def header_lines(self) -> int:
        return HEADER_LINES

    def roster_index(self, row: int) -> int:
        """The roster index a row shows; negative for a group's header row (grouped view)."""
        return row if self.view is None else self.view[row]

    @property
    def grouped(self) -> GroupedRows | None:
        return self.view if isinstance(self.view, GroupedRows) else None

    @property
    def cursor_group(self) -> Group | None:
        """The group whose header row the cursor is on (grouped view), else None."""
        grouped = self.grouped
        return grouped.header_at(self.cursor) if grouped and 0 <= self.cursor < self.row_count else None

    @property
    def cursor_student_id(self) -> str | None:
        if not 0 <= self.cursor < self.row_count:
            return None
        index = self.roster_index(self.cursor)
        return self.listing.students[index].student_id if index >= 0 else None

    def cursor_roster_index(self) -> int:
        """The roster index at the cursor; on a group's header, its first member's (-1: none)."""
        if not 0 <= self.cursor < self.row_count:
            return -1
        group = self.cursor_group
        if group is not None:
            return group.members[0] if group.members else -1
        return self.roster_index(self.cursor)

    def shown_indexes(self) -> Sequence[int]:
        """The roster indexes shown, ascending (a grouped view's members in roster order)."""
        if self.view is None:
            return range(len(self.listing))
        grouped = self.grouped
        return grouped.members() if grouped is not None else self.view

    def shown_student_ids(self) -> list[str]:
        students = self.listing.students
        return [students[index].student_id for index in self.shown_indexes()]

    def set_view(self, view: Sequence[int] | None) -> None:
        """Show only these roster indexes (ascending, or a GroupedRows), or everyone."""
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
        grouped = self.grouped
        if self.view is None:
            row = index
        elif grouped is not None:
            found = grouped.row_of(index)
            if found is None:
                return False
            row = found
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
        """Mark or unmark the row at the cursor; on a group's header, the whole group."""
        group = self.cursor_group
        if group is not None:
            students = self.listing.students
            members = {students[index].student_id for index in group.members}
            if members <= self.marked:
                self.marked -= members
            else:
                self.marked |= members
            self.refresh()
            return
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

    # Geometry

    def on_mount(self) -> None:
        self._resize()
        if self._reads_at_once() and self.view is None:
            # Before the first layout (which sizes the table): as many rows as the terminal is
            # high, so that first frame already shows them.
            self._read_first(range(min(self.app.size.height, self.row_count)))
        self._read_visible()

    def on_resize(self, event: events.Resize) -> None:
        self._resize()
        self._follow_cursor()
        self._read_visible()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._read_visible()

    # Reading rows

    def _row_read(self, row: int) -> bool:
        """The row is read (a group's header row has nothing to read)."""
        index = self.roster_index(row)
        return index < 0 or self.listing.cached(index) is not None

    def _read_visible(self) -> None:
        """Read the visible rows not read yet; RowsShown once all are."""
        if self._reading or not self.is_mounted or not self.size.height:
            return  # (no size yet: the first layout's resize reads the first screenful)
        visible = self._visible_rows()
        if all(self._row_read(r) for r in visible):
            self._all_shown()
            return
        if self.view is None and self._shown:
            # a page ahead, for scrolling
            self._reading = True
            self._read_page(self.listing, visible.start, visible.stop + PAGE_SIZE)
            return
        # a filtered view, or the first screenful (shown sooner without the page after it)
        indexes = [index for r in visible if (index := self.roster_index(r)) >= 0]
        if not self._shown and self._reads_at_once():
            self._read_first(indexes)
            return
        self._reading = True
        self._read_indexes(self.listing, indexes)

    @work(thread=True, group="rows", exit_on_error=False)
    def _read_page(self, listing: SubmissionList, start: int, stop: int) -> None:
        self._post_read(lambda: listing.rows(start, stop))

    @work(thread=True, group="rows", exit_on_error=False)
    def _read_indexes(self, listing: SubmissionList, indexes: list[int]) -> None:
        self._post_read(lambda: listing.rows_at(indexes))

    def _reads_at_once(self) -> bool:
        """The first screenful is read on the UI thread: from a quick open's snapshot (not once
        the full open has come, whose reads also ask for claims and similar pairs), unless that
        failed once."""
        return self.listing.reads_locally and not self._first_read_failed

    def _read_first(self, indexes: Sequence[int]) -> None:
        """A screenful from the local snapshot of a quick open is a few milliseconds: read now, so
        the screen's first frame shows the rows (no worker, no second frame). Should that read
        fail, reads go through the worker from then on, as for any other course."""
        try:
            failed = self._read_now(lambda: self.listing.rows_at(indexes))
        except Exception as error:  # a bug: said with a crash log, as a worker's failure is
            self._first_read_failed = True
            navigator(self.app).report_error(error)
            return
        self._first_read_failed = failed is not None
        self._rows_read(failed)

    def _post_read(self, read: Callable[[], object]) -> None:
        self.post_message(self._RowsRead(self._read_now(read)))

    @staticmethod
    def _read_now(read: Callable[[], object]) -> str | None:
        """Run a read; what failed, in words (None: it did not)."""
        try:
            read()
        except GraderError as error:
            return str(error)
        return None

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure while reading rows: said (with a crash log), and reading may retry."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._reading = False
            navigator(self.app).report_error(event.worker.error)

    def on_submission_table__rows_read(self, message: _RowsRead) -> None:
        message.stop()
        self._reading = False
        self._rows_read(message.failed)

    def _rows_read(self, failed: str | None) -> None:
        if failed is not None:
            self.notify(
                safe_plain(failed), title="Could not read the gradebook", severity="error", markup=False
            )
            return
        self.refresh()
        self._read_visible()  # posts RowsShown once every visible row is read, or reads more

    def _all_shown(self) -> None:
        """Every visible row is read: RowsShown, once, after the frame that draws them."""
        if not self._shown and self.size.height:
            self._shown = True
            self.call_after_refresh(self.post_message, self.RowsShown(self))

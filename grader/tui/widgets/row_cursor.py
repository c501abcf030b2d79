"""A scrolling list of one-line rows under fixed header lines, with a row cursor and its keys.

The Submissions table draws its rows itself (it is virtual); this base owns only the geometry:
the cursor, keeping it in view, and the keys that move it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView


class RowCursorView(ScrollView):
    """Rows ``0 … row_count - 1`` below ``header_lines`` lines; ``cursor`` is the current row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", id="submissions.up", tooltip="Move to the row above", show=False),
        Binding("down", "cursor_down", "Down", id="submissions.down", tooltip="Move to the row below",
                show=False),
        Binding("pageup", "page_up", "Page up", id="submissions.page_up", tooltip="Up one screen",
                show=False),
        Binding("pagedown", "page_down", "Page down", id="submissions.page_down", tooltip="Down one screen",
                show=False),
        Binding("home", "first", "First", id="submissions.first", tooltip="Go to the first row", show=False),
        Binding("end", "last", "Last", id="submissions.last", tooltip="Go to the last row", show=False),
    ]  # fmt: skip

    cursor: reactive[int] = reactive(0, layout=False, always_update=True)

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    @property
    def header_lines(self) -> int:
        return 0

    def _resize(self) -> None:
        self.virtual_size = Size(0, self.row_count + self.header_lines)  # never scrolls sideways

    @property
    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - self.header_lines, 1)

    def _visible_rows(self) -> range:
        top = round(self.scroll_y)
        return range(top, min(top + self._page_rows, self.row_count))

    def watch_cursor(self, old: int, new: int) -> None:
        clamped = max(0, min(new, self.row_count - 1))
        if clamped != new:
            self.cursor = clamped
            return
        self._follow_cursor()
        self.refresh()

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
        row = round(self.scroll_y) + event.y - self.header_lines
        if event.y >= self.header_lines and 0 <= row < self.row_count:
            self.cursor = row

"""The floor for grader's first key: the same two screens built from plain Textual, no grader code.

Run by ``tui_open.py`` (run T), which adds the exit hook. A Course-like screen (a header, the
course line, a list of three assignments, a badges column, a one-line key bar) is shown; at its
first paint ``enter`` is sent; it pushes a Submissions-like screen (a title line, a virtual table
of 100,000 rows drawn by ``render_line``, the key bar), which exits once it has drawn its rows.
What this costs over an empty app is what Textual itself costs to draw these two screens.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Header, ListItem, ListView, Static

ROWS = 100_000
KEYS = " enter Open  b Badges  s Students  m Moderate  P Pull all  e Export  q Quit"


class Table(ScrollView):
    DEFAULT_CSS = "Table { height: 1fr; }"

    def on_mount(self) -> None:
        self.virtual_size = Size(0, ROWS + 1)

    def render_line(self, y: int) -> Strip:
        row = y + round(self.scroll_y)
        if y == 0:
            text = "Student   Name                 Status     Score  Late"
        else:
            text = f"{row:08d}  Student {row:<12} graded     {row % 100:>5}  –"
        return Strip([*Text(text).render(self.app.console)])

    def on_resize(self) -> None:
        self.call_after_refresh(self.app.exit)  # its rows are drawn


class Submissions(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static(Text("a1-calculator  100,000 submissions", style="bold"))
        yield Table()
        yield Static(KEYS, classes="keys")


class Course(Screen[None]):
    DEFAULT_CSS = """
    Course #columns { height: 1fr; }
    Course #assignments { width: 2fr; }
    Course #badges { width: 1fr; border-left: solid $primary; padding: 0 1; }
    Course ListItem { padding: 0 1 1 1; height: auto; }
    Course .keys { dock: bottom; height: 1; background: $footer-background; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="columns"):
            with Vertical(id="assignments"):
                yield Static(Text("Course · Term · 100,000 students", style="bold"))
                items = (f"a{i}  Assignment {i}  due 2026-10-0{i}\ncounting…" for i in (1, 2, 3))
                yield ListView(*(ListItem(Static(item)) for item in items))
            with Vertical(id="badges"):
                yield Static(Text("Badges", style="bold"))
                yield Static(Text("counting…", style="dim italic"))
        yield Static(KEYS, classes="keys")

    def on_list_view_selected(self) -> None:  # enter on the focused list
        self.app.push_screen(Submissions())


class Plain(App[None]):
    async def on_mount(self) -> None:
        await self.push_screen(Course())
        self.call_after_refresh(self.simulate_enter)

    def simulate_enter(self) -> None:
        self.simulate_key("enter")


if __name__ == "__main__":
    Plain().run(headless=True)

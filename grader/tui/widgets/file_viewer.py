"""A read-only viewer for one file or one diff: sanitised first, then highlighted."""

from __future__ import annotations

from rich.console import RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.widgets import Static

from grader.domain.text import printable
from grader.gradebook.checkout_files import MAX_VIEW_BYTES, STARTER, DiffView, FileView
from grader.tui.safe import safe_block, safe_text

HIGHLIGHT_LIMIT = 64 * 1024
"""Bigger texts are shown plain: highlighting them would stall the screen."""
BIDI_MARK = "⚠ bidi controls"
THEME = "ansi_dark"


def lexer_for(path: str) -> str:
    """A pygments lexer name from the file name, else plain text."""
    lexer = Syntax.guess_lexer(printable(path.rsplit("/", 1)[-1]))
    return "text" if lexer == "default" else lexer


def highlighted(text: str, lexer: str) -> RenderableType:
    """Controls made visible first (so nothing raw reaches the terminal), then highlighted."""
    if len(text) > HIGHLIGHT_LIMIT or lexer == "text":
        return safe_block(text)
    shown = printable(text, keep_newlines=True)
    return Syntax(shown, lexer, theme=THEME, line_numbers=True, word_wrap=False, code_width=None)


class FileViewer(ScrollableContainer, can_focus=True):
    """A header line (path, size, marks) over the body; the screen feeds it views."""

    DEFAULT_CSS = """
    FileViewer { width: 2fr; }
    FileViewer > #viewer-header { background: $boost; width: 1fr; height: auto; }
    FileViewer > #viewer-body { width: auto; height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text("no file open", style="dim"), id="viewer-header")
        yield Static(Text(""), id="viewer-body")

    def _set(self, header: Text, body: RenderableType) -> None:
        self.query_one("#viewer-header", Static).update(header)
        self.query_one("#viewer-body", Static).update(body)
        self.scroll_home(animate=False)

    def show_note(self, title: str, note: str) -> None:
        self._set(safe_text(title), safe_block(note, style="italic"))

    def show_file(self, view: FileView) -> None:
        header = safe_text(view.path, style="bold")
        if view.kind == "text":
            header.append(f"  {view.size:,} bytes", style="dim")
        if view.bidi:
            header.append(f"  {BIDI_MARK}", style="bold red")
        if view.truncated:
            cut = f"  [first {MAX_VIEW_BYTES // 1024} KB of {view.size:,} bytes shown]"
            header.append(cut, style="yellow")
        if view.kind == "text":
            body = highlighted(view.text, lexer_for(view.path))
        else:
            body = safe_block(view.text, style="italic yellow" if view.kind == "link" else "italic")
        self._set(header, body)

    def show_diff(self, view: DiffView) -> None:
        title = "diff against the starter" if view.against == STARTER else "diff against the previous commit"
        header = Text(title, style="bold")
        if view.base:
            header.append(f"  ({view.base[:10]})", style="dim")
        if view.bidi:
            header.append(f"  {BIDI_MARK}", style="bold red")
        if view.truncated:
            header.append("  [diff cut: too long]", style="yellow")
        self._set(header, highlighted(view.text, "diff" if view.base else "text"))

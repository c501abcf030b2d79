"""A read-only viewer for one file or one diff: sanitised first, then highlighted."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import ScrollableContainer
from textual.reactive import reactive
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


def highlighted(text: str, lexer: str, *, wrap: bool = False) -> RenderableType:
    """Controls made visible first (so nothing raw reaches the terminal), then highlighted;
    ``wrap``: long lines continue on the next line (else the viewer scrolls sideways)."""
    if len(text) > HIGHLIGHT_LIMIT or lexer == "text":
        return safe_block(text)
    shown = printable(text, keep_newlines=True)
    return Syntax(shown, lexer, theme=THEME, line_numbers=True, word_wrap=wrap, code_width=None)


Body = Callable[[bool], RenderableType]
"""The viewer's body, drawn with soft wrap on (True) or off."""


class FileViewer(ScrollableContainer, can_focus=True):
    """A header line (path, size, marks) over the body; the screen feeds it views.

    ``wrap`` (soft wrap) redraws what is shown: long lines continue below instead of scrolling.
    """

    DEFAULT_CSS = """
    FileViewer { width: 2fr; }
    FileViewer > #viewer-header { background: $boost; width: 1fr; height: auto; }
    FileViewer > #viewer-body { width: auto; height: auto; }
    FileViewer.-wrap > #viewer-body { width: 1fr; }
    """

    ALLOW_MAXIMIZE = True  # containers are not by default: the palette's "Maximize" and `z` fill the screen
    wrap: reactive[bool] = reactive(False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._header = Text("no file open", style="dim")
        self._body: Body = lambda _wrap: Text("")

    def compose(self) -> ComposeResult:
        yield Static(self._header, id="viewer-header")
        yield Static(Text(""), id="viewer-body")

    def _set(self, header: Text, body: Body) -> None:
        self._header, self._body = header, body
        self._draw()
        self.scroll_home(animate=False)

    def _draw(self) -> None:
        header = self._header.copy()
        if self.wrap:
            header.append("  ↩ wrapped", style="dim")
        self.set_class(self.wrap, "-wrap")
        self.query_one("#viewer-header", Static).update(header)
        self.query_one("#viewer-body", Static).update(self._body(self.wrap))

    def watch_wrap(self) -> None:
        if self.is_mounted:
            self._draw()

    def show_note(self, title: str, note: str) -> None:
        self._set(safe_text(title), lambda _wrap: safe_block(note, style="italic"))

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
            lexer = lexer_for(view.path)
            self._set(header, lambda wrap: highlighted(view.text, lexer, wrap=wrap))
        else:
            style = "italic yellow" if view.kind == "link" else "italic"
            self._set(header, lambda _wrap: safe_block(view.text, style=style))

    def show_diff(self, view: DiffView) -> None:
        title = "diff against the starter" if view.against == STARTER else "diff against the previous commit"
        header = Text(title, style="bold")
        if view.base:
            header.append(f"  ({view.base[:10]})", style="dim")
        if view.bidi:
            header.append(f"  {BIDI_MARK}", style="bold red")
        if view.truncated:
            header.append("  [diff cut: too long]", style="yellow")
        lexer = "diff" if view.base else "text"
        self._set(header, lambda wrap: highlighted(view.text, lexer, wrap=wrap))

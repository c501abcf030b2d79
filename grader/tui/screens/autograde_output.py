"""`o` on an autograded criterion: what its latest run printed, sanitised and scrollable.

The output is the student's program's (hostile): every line goes through the one sanitiser and
is drawn by a Log (plain text, a line at a time, only the lines on screen), never as markup.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Log, Static

from grader.domain.autograde import CheckResult
from grader.tui.active_keys import KeyedModal
from grader.tui.safe import safe_block, safe_text
from grader.tui.widgets.key_bar import KeyBar


def truncated_note(result: CheckResult) -> str:
    """What a reader must know about a cut output: where it was cut (never silently)."""
    kept = len(result.output.encode("utf-8", errors="replace"))
    return f"[truncated: {kept:,} bytes kept, the rest was cut]"


def output_lines(result: CheckResult) -> list[str]:
    """The output as sanitised lines, with the truncation note last when it was cut."""
    lines = safe_block(result.output).plain.split("\n") if result.output else ["(no output)"]
    if result.output_truncated:
        lines.append(truncated_note(result))
    return lines


class OutputModal(KeyedModal[None]):
    """The capped output of one check's latest run; arrows and page keys scroll, escape closes."""

    DEFAULT_CSS = """
    OutputModal { align: center middle; }
    OutputModal > Vertical {
        width: 100%; max-width: 140; height: 90%; border: thick $accent; background: $surface;
        padding: 0 1;
    }
    OutputModal #output-title { text-style: bold; }
    OutputModal Log { height: 1fr; border: solid $panel; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="output.close", tooltip="Close the output"),
        Binding("o", "close", "Close", show=False, id="output.close_again", tooltip="Close the output"),
    ]

    def __init__(self, title: str, result: CheckResult) -> None:
        super().__init__()
        self.title_text = title
        self.result = result

    def compose(self) -> ComposeResult:
        result = self.result
        title = safe_text(self.title_text, style="bold", limit=120)
        summary = Text(f"{result.status.value} · {result.duration_s:.1f} s · ")
        summary.append_text(safe_text(result.reason, limit=200))
        with Vertical():
            yield Static(title, id="output-title")
            yield Static(summary, id="output-summary")
            yield Log(highlight=False, auto_scroll=False, id="output-log")
            yield Static(Text("↑↓ pgup pgdn scroll · escape closes", style="dim"))
        yield KeyBar()

    def on_mount(self) -> None:
        log = self.query_one(Log)
        log.write_lines(output_lines(self.result))
        log.scroll_home(animate=False)
        log.focus()

    def action_close(self) -> None:
        self.dismiss(None)

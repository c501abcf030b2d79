"""The modal that asks before leaving with choices a failed save left unsaved, naming each one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static

from grader.tui.active_keys import KeyedModal
from grader.tui.grading.not_saved import NotSaved, describe_op
from grader.tui.safe import safe_text
from grader.tui.widgets.key_bar import KeyBar

SHOWN_LINES = 12


class LeaveUnsavedModal(KeyedModal[bool]):
    """Asks before leaving with unsaved choices, naming each one; True: leave and lose them."""

    DEFAULT_CSS = """
    LeaveUnsavedModal { align: center middle; }
    LeaveUnsavedModal > Vertical {
        width: 90; max-width: 100%; height: auto; border: thick $error; background: $surface; padding: 1 2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "leave", "Leave, lose them", id="leave-unsaved.leave",
                tooltip="Leave; the choices listed are not saved and are lost"),
        Binding("n,escape", "stay", "Stay", id="leave-unsaved.stay",
                tooltip="Stay on the grading screen (then r retries saving)"),
    ]  # fmt: skip

    def __init__(self, not_saved: NotSaved, titles: Mapping[str, str], leaving: str) -> None:
        super().__init__()
        self.not_saved = not_saved
        self.titles = titles
        self.leaving = leaving
        """What the grader asked for: "quit grader", "open the next submission"…"""

    def lost(self) -> list[str]:
        """Each choice that leaving loses, in words (what the modal lists)."""
        return [describe_op(op, self.titles, self.not_saved.who) for op in self.not_saved.ops]

    def compose(self) -> ComposeResult:
        lost = self.lost()
        listed = Text()
        for line in lost[:SHOWN_LINES]:
            listed.append("  • ")
            listed.append_text(safe_text(line, limit=150))
            listed.append("\n")
        if len(lost) > SHOWN_LINES:
            listed.append(f"  … and {len(lost) - SHOWN_LINES} more\n")
        reason = Text("Saving failed: ", style="bold")
        reason.append_text(safe_text(self.not_saved.reason, limit=300))
        with Vertical():
            yield Label(
                Text(f"{self.leaving.capitalize()}? {self.not_saved.count()} will be lost", style="bold")
            )
            yield Static(reason)
            yield Static(Text("Not saved, lost if you leave now:", style="bold"))
            yield Static(listed, id="leave-unsaved-list")
            yield Label(
                Text("y leaves and loses them · n or escape stays (then r retries saving)", style="dim")
            )
        yield KeyBar()

    def action_leave(self) -> None:
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)

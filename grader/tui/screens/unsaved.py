"""Choices a failed save left unsaved: named in words, and the modal that asks before losing them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static

from grader.gradebook.grading import ChoiceRequest
from grader.tui.active_keys import KeyedModal
from grader.tui.points import number
from grader.tui.safe import safe_plain, safe_text
from grader.tui.screens.grading_saves import Flag, SaveChoice, Unsaved
from grader.tui.widgets.key_bar import KeyBar

SHOWN_LINES = 12
WHAT_TO_DO = "r retries saving them in order · leaving (escape, [ ], n, ctrl+q) loses them"


def describe_request(request: ChoiceRequest) -> str:
    """What a grader asked for, in words: "Proficient", "Dead code, Bare except", "adjusted -2 (late)"."""
    parts: list[str] = []
    if request.level is not None:
        parts.append(request.level)
    if request.items is not None:
        parts.append(", ".join(request.items) or "no item applies")
    if request.points is not None:
        parts.append(f"{number(request.points)} points")
    if request.adjustment is not None:
        if request.adjustment:
            parts.append(f"adjusted {number(request.adjustment)} ({request.comment or ''})")
        else:
            parts.append("adjustment removed")
    elif request.comment is not None:
        parts.append(f"comment: {request.comment}" if request.comment else "comment removed")
    return "; ".join(parts) or "cleared"


def describe_op(op: Unsaved, titles: Mapping[str, str], who: Callable[[str], str] = str) -> str:
    """One unsaved choice with whose and which criterion it was: "00123 · Correct results → Proficient"."""
    if isinstance(op, Flag):
        what = f"flag note → {op.note.strip()}" if op.note.strip() else "flag cleared"
    else:
        what = f"{titles.get(op.criterion_id, op.criterion_id)} → {describe_request(op.request)}"
    return f"{who(op.student_id)} · {what}"


@dataclass(frozen=True)
class NotSaved:
    """Why saving failed, and every choice not saved, in the order made."""

    reason: str
    ops: tuple[Unsaved, ...]
    who: Callable[[str], str] = str
    """How a student is named (a pseudonym while identities are hidden)."""

    def criteria_of(self, student_id: str) -> dict[str, tuple[str, ...]]:
        """Per criterion of this student: the unsaved choices, in words."""
        found: dict[str, tuple[str, ...]] = {}
        for op in self.ops:
            if isinstance(op, SaveChoice) and op.student_id == student_id:
                found[op.criterion_id] = (*found.get(op.criterion_id, ()), describe_request(op.request))
        return found

    def count(self) -> str:
        return "1 choice" if len(self.ops) == 1 else f"{len(self.ops)} choices"

    def banner(self) -> Text:
        """The persistent line above the panes while saving fails."""
        text = Text("NOT SAVED: ", style="bold")
        text.append_text(safe_text(self.reason, limit=300))
        text.append(f"\n{self.count()} not saved (marked NOT SAVED). {WHAT_TO_DO}", style="bold")
        return text

    def refusal(self) -> str:
        """Why a further choice is refused, and what to do."""
        return (
            f"not saved: {safe_plain(self.reason, limit=200)}. No further choice until saving works: "
            f"press r to retry saving the {self.count()} waiting, or leave and lose them"
        )


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

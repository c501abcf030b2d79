"""Small modals of the grading screen: an adjustment with its reason, a comment, a flag note, points."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Label

from grader.tui.active_keys import KeyedModal
from grader.tui.safe import safe_plain
from grader.tui.widgets.key_bar import KeyBar

CSS = """
NoteModal, AdjustModal { align: center middle; }
NoteModal > Vertical, AdjustModal > Vertical {
    width: 70; height: auto; border: thick $accent; background: $surface; padding: 1 2;
}
"""


@dataclass(frozen=True)
class Adjustment:
    points: Decimal
    comment: str


def parse_points(text: str) -> Decimal | None:
    """'-2', '+1.5', '3' as a Decimal; None when it is not a plain number."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def typed_points(screen: Widget, text: str | None) -> Decimal | None:
    """The points typed in a points dialog; None when it was cancelled or (said to the grader)
    the text is not a number."""
    if text is None:
        return None
    points = parse_points(text)
    if points is None:
        screen.notify(f"not a number of points: {text!r}", severity="error", markup=False)
    return points


class NoteModal(KeyedModal[str | None]):
    """One line of text (a comment, a flag note, points); enter saves, escape cancels."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="note.cancel", tooltip="Close without saving")
    ]

    def __init__(self, title: str, *, value: str = "", placeholder: str = "", hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text, style="bold"))
            yield Input(value=self.value, placeholder=self.placeholder, id="note-input")
            yield Label(Text(self.hint or "enter saves · escape cancels", style="dim"))
        yield KeyBar()

    @on(Input.Submitted, "#note-input")
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AdjustModal(KeyedModal[Adjustment | None]):
    """Points to add or take off a criterion, and the reason (required): enter moves on, then saves."""

    DEFAULT_CSS = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="adjust.cancel", tooltip="Close without saving")
    ]

    def __init__(self, criterion_title: str, *, points: str = "", comment: str = "") -> None:
        super().__init__()
        self.criterion_title = criterion_title
        self.points = points
        self.comment = comment

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Adjust {self.criterion_title}", style="bold"))
            yield Input(value=self.points, placeholder="points, e.g. -2 or +1.5", id="adjust-points")
            yield Input(value=self.comment, placeholder="why (required)", id="adjust-comment")
            yield Label(Text("0 removes the adjustment · escape cancels", style="dim"))
        yield KeyBar()

    @on(Input.Submitted, "#adjust-points")
    def points_given(self) -> None:
        self.query_one("#adjust-comment", Input).focus()

    @on(Input.Submitted, "#adjust-comment")
    def comment_given(self) -> None:
        raw = self.query_one("#adjust-points", Input).value
        points = parse_points(raw)
        comment = self.query_one("#adjust-comment", Input).value.strip()
        if points is None:
            self.notify(f"not a number of points: {safe_plain(raw)!r}", severity="error", markup=False)
            self.query_one("#adjust-points", Input).focus()
            return
        if points and not comment:
            self.notify("an adjustment needs a comment that says why", severity="error")
            return
        self.dismiss(Adjustment(points, comment))

    def action_cancel(self) -> None:
        self.dismiss(None)

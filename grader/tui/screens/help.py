"""`?`: the keys of the screen below, as they are bound now (remapped keys included)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from grader.tui.active_keys import KeyedModal, active_keys
from grader.tui.widgets.key_bar import KeyBar


@dataclass(frozen=True)
class HelpRow:
    key: str
    description: str
    tooltip: str
    enabled: bool
    binding_id: str = ""
    """What keys.toml calls this binding (to remap it)."""
    bound: str = ""
    """The key as Textual names it (``key`` is how it is shown)."""


DIGITS = [str(n) for n in range(1, 10)]
CHOOSE_ID = re.compile(r"^(?P<screen>.+)\.choose_(?P<n>[1-9])$")


def group_digits(rows: list[HelpRow]) -> list[HelpRow]:
    """The nine digit keys that choose a level or tick an item, as one row "1–9" where the first
    was (when every one of them is still its own digit: a remapped one is listed alone)."""
    digits = [row for row in rows if CHOOSE_ID.match(row.binding_id)]
    if [row.bound for row in digits] != DIGITS:  # each alone, by its own key ("1", not "1-9")
        return [replace(row, key=row.bound) if row in digits else row for row in rows]
    match = CHOOSE_ID.match(digits[0].binding_id)
    assert match is not None
    screen = match.group("screen")
    grouped = HelpRow(
        "1–9",
        "Choose level / tick item",
        "Choose that level of the focused criterion, or tick (untick) that checklist item",
        digits[0].enabled,
        f"{screen}.choose_1 … {screen}.choose_9",
    )
    first = rows.index(digits[0])
    rest = [row for row in rows if row not in digits]
    return [*rest[:first], grouped, *rest[first:]]


def help_rows(screen: Screen[Any]) -> list[HelpRow]:
    """One row per key active on ``screen`` that is the grader's or shown (its own, its focused
    widget's and the app's: see grader.tui.active_keys); the digit keys that choose levels are
    one row."""
    rows = [
        HelpRow(key.display, key.description, key.tooltip, key.enabled, key.binding_id, key.binding.key)
        for key in active_keys(screen)
        if key.in_help
    ]
    return group_digits(rows)


class HelpScreen(KeyedModal[None]):
    """The keys of the screen below; `escape` closes."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90; max-width: 100%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="help.close", tooltip="Close the list of keys"),
    ]

    def __init__(self, rows: list[HelpRow], *, screen_title: str = "") -> None:
        super().__init__()
        self.rows = rows
        self.screen_title = screen_title

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does")
        table.add_column("why")
        table.add_column("id (keys.toml)", style="dim")
        for row in self.rows:
            style = "" if row.enabled else "dim"
            table.add_row(
                Text(row.key, style=style),
                Text(row.description, style=style),
                Text(row.tooltip),
                Text(row.binding_id),
            )
        title = Text(f"Keys: {self.screen_title}" if self.screen_title else "Keys", style="bold")
        with VerticalScroll():
            yield Static(title, id="help-title")
            yield Static(table, id="help-keys")
            yield Static(Text("ctrl+p: every command, searchable · escape: close", style="dim"))
        yield KeyBar()

    def action_close(self) -> None:
        self.dismiss(None)

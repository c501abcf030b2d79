"""`?`: the keys of the screen below, as they are bound now (remapped keys included)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


@dataclass(frozen=True)
class HelpRow:
    key: str
    description: str
    tooltip: str
    enabled: bool
    binding_id: str = ""
    """What keys.toml calls this binding (to remap it)."""


def help_rows(app: App[Any], screen: Screen[Any]) -> list[HelpRow]:
    """One row per key active on ``screen`` (its own, its focused widget's and the app's)."""
    rows: list[HelpRow] = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system or not binding.description or (not binding.show and not binding.id):
            continue  # Textual's own hidden keys (focus, copy) are not the grader's keys
        rows.append(
            HelpRow(
                app.get_key_display(binding) or key,
                binding.description,
                active.tooltip,
                active.enabled,
                binding.id or "",
            )
        )
    return rows


class HelpScreen(ModalScreen[None]):
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

    def action_close(self) -> None:
        self.dismiss(None)

"""`A` on the Submissions screen: which submissions to autograde (the selected, the marked, all)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Checkbox, Label, OptionList
from textual.widgets.option_list import Option

from grader.tui.active_keys import KeyedModal
from grader.tui.safe import safe_text
from grader.tui.widgets.key_bar import KeyBar


@dataclass(frozen=True)
class AutogradeScope:
    """What to autograde: these students (None: everyone), and whether cached results run again."""

    student_ids: tuple[str, ...] | None
    rerun: bool = False


class AutogradeScopeModal(KeyedModal[AutogradeScope | None]):
    """Pick the submissions to autograde; `r` toggles running again what has a cached result."""

    DEFAULT_CSS = """
    AutogradeScopeModal { align: center middle; }
    AutogradeScopeModal > Vertical {
        width: 72; max-width: 100%; height: auto; border: thick $accent; background: $surface;
        padding: 0 1;
    }
    AutogradeScopeModal OptionList { height: auto; max-height: 8; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="autograde-scope.cancel", tooltip="Close without running"),
        Binding(
            "r",
            "toggle_rerun",
            "Run again",
            id="autograde-scope.rerun",
            tooltip="Run every check again, even where a result for the same commit is recorded",
        ),
    ]

    def __init__(
        self, selected: str | None, marked: Sequence[str], total: int, shown: Sequence[str] | None = None
    ) -> None:
        """``shown``: the rows a filter keeps (None: no filter)."""
        super().__init__()
        self.choices: list[tuple[Text, tuple[str, ...] | None]] = []
        self.default = 0
        """The option highlighted first: the marked submissions when there are some, else all."""
        if selected is not None:
            label = Text("The selected submission: ")
            label.append_text(safe_text(selected, style="bold", limit=40))
            self.choices.append((label, (selected,)))
        if marked:
            self.default = len(self.choices)
            self.choices.append((Text(f"The {len(marked):,} marked submission(s)"), tuple(marked)))
        if shown is not None and len(shown) != total:
            self.choices.append((Text(f"The {len(shown):,} submission(s) the filter shows"), tuple(shown)))
        if not marked:
            self.default = len(self.choices)
        self.choices.append((Text(f"All {total:,} submissions"), None))

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Autograde which submissions?", style="bold"))
            yield OptionList(*(Option(label) for label, _ in self.choices), id="autograde-scope")
            yield Checkbox("Run again where a result is recorded already (r)", id="autograde-rerun")
            yield Label(Text("enter runs · escape cancels", style="dim"))
        yield KeyBar()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.default
        options.focus()

    def action_toggle_rerun(self) -> None:
        self.query_one(Checkbox).toggle()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        rerun = self.query_one(Checkbox).value
        self.dismiss(AutogradeScope(self.choices[event.option_index][1], rerun))

    def action_cancel(self) -> None:
        self.dismiss(None)

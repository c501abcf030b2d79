"""Search and filter the submissions: text, status, flagged, late, grader, mine (one modal,
enter applies); the filter then runs over the whole class under a progress bar (FilterRun)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Label, Select

from grader.gradebook.listing import SubmissionFilter
from grader.gradebook.mine import TeamFilter, is_mine
from grader.gradebook.status import STATUSES
from grader.tui.active_keys import KeyedModal
from grader.tui.widgets.key_bar import KeyBar


def describe(wanted: SubmissionFilter) -> str:
    parts = [f'"{wanted.text.strip()}"'] if wanted.text.strip() else []
    parts += [wanted.status] if wanted.status else []
    parts += ["flagged"] if wanted.flagged else []
    parts += ["late"] if wanted.late else []
    parts += [f"graded by {wanted.grader.strip()}"] if wanted.grader.strip() else []
    parts += ["mine"] if is_mine(wanted) else []
    return ", ".join(parts)


class FilterModal(KeyedModal[SubmissionFilter | None]):
    """Which submissions to show; empty fields do not filter."""

    DEFAULT_CSS = """
    FilterModal { align: center middle; }
    FilterModal > Vertical {
        width: 64; height: auto; border: thick $accent; padding: 0 1; background: $surface;
    }
    FilterModal Horizontal { height: auto; }
    FilterModal Label { padding: 1 1 0 0; width: 100%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "apply",
            "Apply",
            id="filter.apply",
            tooltip="Show the submissions that match",
            priority=True,
        ),
        Binding("escape", "cancel", "Cancel", id="filter.cancel", tooltip="Keep the current filter"),
        Binding("ctrl+r", "clear", "Clear", id="filter.clear", tooltip="Empty every field (shows everyone)"),
    ]

    def __init__(self, current: SubmissionFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        now = self.current
        with Vertical():
            yield Label("Search id, name or handle (tab: more filters, enter: apply)")
            yield Input(now.text, placeholder="text", id="text")
            yield Select(
                [(status, status) for status in STATUSES],
                value=now.status or Select.NULL,
                prompt="any status",
                id="status",
            )
            with Horizontal():
                yield Checkbox("flagged", now.flagged, id="flagged")
                yield Checkbox("late", now.late, id="late")
            yield Input(now.grader, placeholder="graded by (exact name)", id="grader")
            # Last, so the fields before it keep their tab order.
            yield Checkbox("only mine: what the work split gives me", is_mine(now), id="mine")
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the status list is open, enter picks the highlighted status instead.
        return not (action == "apply" and self.query_one(Select).expanded)

    def chosen(self) -> SubmissionFilter:
        status = self.query_one("#status", Select).value
        return TeamFilter(
            text=self.query_one("#text", Input).value,
            status=status if isinstance(status, str) else "",
            flagged=self.query_one("#flagged", Checkbox).value,
            late=self.query_one("#late", Checkbox).value,
            grader=self.query_one("#grader", Input).value,
            mine=self.query_one("#mine", Checkbox).value,
        )

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        self.dismiss(self.chosen())

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_clear(self) -> None:
        self.query_one("#text", Input).value = ""
        self.query_one("#grader", Input).value = ""
        self.query_one("#status", Select).clear()
        self.query_one("#flagged", Checkbox).value = False
        self.query_one("#late", Checkbox).value = False
        self.query_one("#mine", Checkbox).value = False

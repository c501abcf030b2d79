"""The Course screen's assignment list: one item per assignment, its counts and charts once counted."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import ListItem, ListView, Static

from grader.tui.data.course_summaries import AssignmentSummary
from grader.tui.widgets.histogram import bins_histogram, progress_line


def counting_line(done: int, total: int) -> Text:
    return Text(f"counting {done:,} / {total:,}", style="dim italic")


class AssignmentList(ListView, inherit_bindings=False):
    """The assignments; `enter` belongs to the screen (so it can be remapped by id)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "up,k", "cursor_up", "Previous", show=False, id="course.previous", tooltip="The assignment above"
        ),
        Binding(
            "down,j", "cursor_down", "Next", show=False, id="course.next", tooltip="The assignment below"
        ),
    ]


class AssignmentItem(ListItem):
    """One assignment: title and due date, then its counts and charts once they are counted."""

    def __init__(self, assignment_id: str, title: str, due: str) -> None:
        super().__init__(id=f"assignment-{assignment_id}")
        self.assignment_id = assignment_id
        self.heading = Text.assemble((assignment_id, "bold"), "  ", title, "  ", (f"due {due}", "dim"))
        self.summary: AssignmentSummary | None = None

    def compose(self) -> ComposeResult:
        yield Static(Group(self.heading, Text("counting…", style="dim italic")), classes="body")

    def counting(self, done: int, total: int) -> None:
        """Counting is under way: the last counts (if any) stay, with how far the recount got."""
        parts = self._parts(self.summary) if self.summary is not None else [self.heading]
        self.query_one(".body", Static).update(Group(*parts, counting_line(done, total)))

    def failed(self, reason: Text) -> None:
        """Counting failed: the last counts (if any) stay, with the reason."""
        parts = self._parts(self.summary) if self.summary is not None else [self.heading]
        self.query_one(".body", Static).update(Group(*parts, reason))

    def show(self, summary: AssignmentSummary) -> None:
        self.summary = summary
        self.query_one(".body", Static).update(Group(*self._parts(summary)))

    def _parts(self, summary: AssignmentSummary) -> list[Text]:
        counts = Text.assemble(
            "pulled ",
            (f"{summary.pulled:,}", "bold"),
            " · graded ",
            (f"{summary.graded:,}", "bold"),
            " · total ",
            (f"{summary.total:,}", "bold"),
        )
        parts: list[Text] = [self.heading, counts, progress_line(summary.graded, summary.total)]
        if summary.refused:
            parts.append(Text(f"rubric change needs mapping: {summary.refused}", style="red"))
        elif any(summary.bins):
            parts.append(bins_histogram(summary.bins))
        else:
            parts.append(Text("no graded submissions yet", style="dim"))
        return parts

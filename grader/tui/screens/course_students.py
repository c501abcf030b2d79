"""`s` on the course: find a student by name, id or handle; `enter` opens their grades."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from grader.domain.roster import Student
from grader.gradebook.context import CourseContext
from grader.gradebook.student_lookup import SHOWN, matching
from grader.tui.navigation import navigator
from grader.tui.safe import safe_text


class StudentsScreen(Screen[None]):
    """Every student of the course, narrowed as you type."""

    DEFAULT_CSS = """
    StudentsScreen #student-count { padding: 0 1; color: $text-muted; }
    StudentsScreen OptionList { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="students.back", tooltip="Back to the course"),
        Binding("down", "to_list", "To list", show=False, id="students.to-list", tooltip="Move to the list"),
    ]

    class MatchesFound(Message):
        def __init__(self, query: str, students: list[Student], count: int) -> None:
            super().__init__()
            self.query = query
            self.students = students
            self.count = count

    def __init__(self, ctx: CourseContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Input(placeholder="name, id, handle or email; enter opens", id="student-filter")
        yield Static(Text("…"), id="student-count")
        yield OptionList(id="student-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.find(self.ctx.files.students, "")

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        self.find(self.ctx.files.students, event.value)

    @work(thread=True, exclusive=True, group="student-filter", exit_on_error=False)
    def find(self, students: Sequence[Student], query: str) -> None:
        found, count = matching(students, query)
        self.post_message(self.MatchesFound(query, found, count))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            failed = Text("finding students failed: see the message; type again to retry", style="red")
            self.query_one("#student-count", Static).update(failed)
            navigator(self.app).report_error(event.worker.error)

    @on(MatchesFound)
    def show(self, message: MatchesFound) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(
                Text.assemble(
                    safe_text(s.student_id, style="bold"),
                    "  ",
                    safe_text(s.name),
                    "  ",
                    safe_text(f"@{s.github}", style="dim"),
                ),
                id=s.student_id,
            )
            for s in message.students
        )
        if message.students:
            options.highlighted = 0
        shown = f"showing {len(message.students):,} of {message.count:,}" if message.count > SHOWN else ""
        summary = f"{message.count:,} student(s)" + (f" · {shown}; type to narrow" if shown else "")
        self.query_one("#student-count", Static).update(Text(summary))

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.open_highlighted()

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            navigator(self.app).open_student(event.option.id)

    def open_highlighted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.notify("no student matches", severity="warning")
            return
        option_id = options.get_option_at_index(options.highlighted).id
        if option_id is not None:
            navigator(self.app).open_student(option_id)

    def action_to_list(self) -> None:
        self.query_one(OptionList).focus()

    def action_back(self) -> None:
        self.dismiss(None)

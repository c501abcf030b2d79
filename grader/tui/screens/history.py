"""`h` on the Grading screen: the submission's history, every grade event newest first.

Read in a worker through grader.gradebook; refused attempts are marked; the focused criterion's
events are highlighted and the cursor starts on the newest of them. Escape (or `h`) closes.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.message_pump import MessagePump
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from grader.domain.events import EventOutcome, GradeEvent
from grader.gradebook.context import CourseContext
from grader.gradebook.history import change_words, short_hash, submission_history, when_words
from grader.tui.active_keys import KeyedModal
from grader.tui.navigation import navigator
from grader.tui.safe import safe_text
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.sized_table import Row, set_rows

COLUMNS = ("When (UTC)", "Criterion", "Change (old → new)", "Who", "Outcome", "Source", "Rubric")
"""What changed comes before who and how: at 80 columns the later ones are off to the right."""


class HistoryRead(Message):
    def __init__(self, events: list[GradeEvent]) -> None:
        super().__init__()
        self.events = events


def read_history(target: MessagePump, ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    """The worker: read the submission's events and post them (it never touches the screen)."""
    target.post_message(HistoryRead(submission_history(ctx, assignment_id, student_id)))


def event_row(event: GradeEvent, title: str, *, highlighted: bool) -> list[Text]:
    """One table row; every string from a student or a grader goes through the sanitiser."""
    refused = event.outcome is EventOutcome.CONFLICT
    style = "bold" if highlighted else ""
    if refused:
        style = f"{style} red".strip()
    cells = [
        when_words(event.at),
        title,
        change_words(event),
        event.actor,
        "REFUSED" if refused else "applied",
        event.source.value,
        short_hash(event.rubric_hash),
    ]
    return [safe_text(cell, style=style, limit=160) for cell in cells]


class HistoryModal(KeyedModal[None]):
    """One submission's grade events, newest first; a scrollable table."""

    DEFAULT_CSS = """
    HistoryModal { align: center middle; }
    HistoryModal > Vertical {
        width: 100%; max-width: 170; height: 90%; border: thick $accent; background: $surface; padding: 0 1;
    }
    HistoryModal #history-title { text-style: bold; }
    HistoryModal DataTable { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="history.close", tooltip="Close the history"),
        Binding("h", "close", "Close", show=False, id="history.close_again", tooltip="Close the history"),
    ]

    def __init__(
        self,
        ctx: CourseContext,
        assignment_id: str,
        student_id: str,
        *,
        student: str,
        titles: Mapping[str, str],
        criterion_id: str | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.assignment_id = assignment_id
        self.student_id = student_id
        self.student = student
        self.titles = titles
        self.criterion_id = criterion_id
        self.events: list[GradeEvent] | None = None
        """What the table shows, newest first (None until read)."""

    def compose(self) -> ComposeResult:
        title = Text("History of ", style="bold")
        title.append_text(safe_text(self.student, style="bold", limit=100))
        title.append(f" · {self.assignment_id}", style="bold")
        with Vertical():
            yield Static(title, id="history-title")
            yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
            yield Static(Text("reading…", style="dim"), id="history-note")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        work = partial(read_history, self, self.ctx, self.assignment_id, self.student_id)
        self.run_worker(work, thread=True, exit_on_error=False)

    @on(HistoryRead)
    def history_read(self, event: HistoryRead) -> None:
        self.events = event.events
        table: DataTable[Text] = self.query_one(DataTable)
        start = None
        rows: list[Row] = []
        for index, grade_event in enumerate(event.events):
            mine = grade_event.criterion_id == self.criterion_id
            title = self.titles.get(grade_event.criterion_id, grade_event.criterion_id)
            rows.append((None, event_row(grade_event, title, highlighted=mine)))
            if mine and start is None:
                start = index
        set_rows(table, COLUMNS, rows)
        if start is not None:
            table.move_cursor(row=start, animate=False)
        refused = sum(e.outcome is EventOutcome.CONFLICT for e in event.events)
        note = Text(
            f"{len(event.events)} events, {refused} refused" if event.events else "nothing recorded yet"
        )
        if self.criterion_id is not None:
            note.append(" · in bold: ")
            note.append_text(safe_text(self.titles.get(self.criterion_id, self.criterion_id), limit=80))
        note.append(" · ↑↓ ←→ scroll · escape closes")
        note.stylize("dim")
        self.query_one("#history-note", Static).update(note)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is WorkerState.ERROR and error is not None:
            self.query_one("#history-note", Static).update(Text("could not read the history", style="red"))
            navigator(self.app).report_error(error)

    def action_close(self) -> None:
        self.dismiss(None)

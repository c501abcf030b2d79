"""`m` on the course: the highlighted assignment's moderation queue for the acting grader. Their
submissions to second-mark (how many manual criteria marked, done or to do), then everyone
else's, which are not theirs to mark; `enter` second-marks one blind.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from grader.gradebook.context import CourseContext
from grader.gradebook.moderation import first_marker_refusal
from grader.gradebook.second_marking import ModerationQueue, QueueRow, read_moderation_queue
from grader.tui.navigation import navigator
from grader.tui.safe import safe_text
from grader.tui.screens.second_marking import SecondMarkingScreen, who
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.sized_table import Row, set_rows


def how_to_queue(assignment_id: str) -> str:
    return f"queue a sample from the command line: grader moderate {assignment_id} --sample 10%"


def status_cell(row: QueueRow, *, mine: bool) -> Text:
    if row.first_marked_by_actor:
        return Text("you first-marked it: refused", style="red")
    if not mine:
        text = safe_text(row.moderator, style="dim", limit=30)
        text.append(f"'s to mark · {'done' if row.done else 'to do'}", style="dim")
        return text
    return Text("done", style="bold green") if row.done else Text("to do", style="bold yellow")


def summary_text(queue: ModerationQueue) -> Text:
    """What the queue holds for the acting grader, or (nothing for them) what to do."""
    assignment_id = queue.assignment_id
    if queue.is_empty:
        return Text(
            f"Nothing of {assignment_id} is queued for second marking: {how_to_queue(assignment_id)}",
            style="yellow",
        )
    text = Text()
    if not queue.mine:
        text.append_text(safe_text(f"Nothing is queued for {queue.actor} to second-mark", style="yellow"))
        text.append(f"; {len(queue.others):,} queued for other graders (below)", style="yellow")
        return text
    done = sum(1 for row in queue.mine if row.done)
    to_do = len(queue.mine) - done
    text.append(f"Yours: {len(queue.mine):,} queued · {done:,} done · {to_do:,} to do", style="bold")
    text.append(" · enter second-marks the highlighted one, blind", style="dim")
    return text


MINE = ("Student", "Second-marked", "Status")
"""Columns of the submissions queued for this grader."""
OTHERS = ("Student", "Second-marked", "Second marker")
"""Columns of those queued for other graders."""


class ModerationQueueScreen(Screen[None]):
    """The moderation queue of one assignment, as the acting grader sees it."""

    DEFAULT_CSS = """
    ModerationQueueScreen #queue-title { padding: 0 1; text-style: bold; background: $boost; }
    ModerationQueueScreen #queue-summary { padding: 0 1 1 1; }
    ModerationQueueScreen .section { padding: 0 1; text-style: bold; }
    ModerationQueueScreen #mine { height: auto; max-height: 60%; }
    ModerationQueueScreen #others { height: auto; max-height: 40%; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Second-mark", id="moderation.open",
                tooltip="Second-mark the highlighted submission, blind (yours only)"),
        Binding("escape", "back", "Back", id="moderation.back", tooltip="Back to the course"),
    ]  # fmt: skip

    class QueueRead(Message):
        def __init__(self, queue: ModerationQueue) -> None:
            super().__init__()
            self.queue = queue

    def __init__(self, ctx: CourseContext, assignment_id: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.assignment_id = assignment_id
        self.queue: ModerationQueue | None = None

    def compose(self) -> ComposeResult:
        title = Text("Moderation queue · ")
        title.append_text(safe_text(self.assignment_id, limit=60))
        title.append(" · second marking as ")
        title.append_text(safe_text(self.ctx.actor, limit=40))
        yield Static(title, id="queue-title")
        yield Static(Text("reading the queue…", style="dim"), id="queue-summary")
        yield Static(Text("Yours to second-mark"), classes="section", id="mine-title")
        yield DataTable(id="mine", cursor_type="row", zebra_stripes=True)
        others = Text("Queued for other graders (not yours to mark)")
        yield Static(others, classes="section", id="others-title")
        yield DataTable(id="others", cursor_type="row")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#mine", DataTable).add_columns(*MINE)
        self.query_one("#others", DataTable).add_columns(*OTHERS)
        for widget_id in ("#mine-title", "#mine", "#others-title", "#others"):
            self.query_one(widget_id).display = False

    def on_screen_resume(self) -> None:
        # Shown first, and again after second marking: the counts are read afresh each time.
        self.load(self.ctx, self.assignment_id)

    @work(thread=True, exclusive=True, group="moderation-queue", exit_on_error=False)
    def load(self, ctx: CourseContext, assignment_id: str) -> None:
        self.post_message(self.QueueRead(read_moderation_queue(ctx, assignment_id)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            failed = Text("reading the queue failed: see the message; escape and m to try again", style="red")
            self.query_one("#queue-summary", Static).update(failed)
            navigator(self.app).report_error(event.worker.error)

    @on(QueueRead)
    def queue_read(self, message: QueueRead) -> None:
        self.queue = message.queue
        self.query_one("#queue-summary", Static).update(summary_text(message.queue))
        self._fill("#mine", message.queue.mine, mine=True)
        self._fill("#others", message.queue.others, mine=False)
        tables = [self.query_one(f"#{t}", DataTable) for t in ("mine", "others")]
        if not any(t.has_focus and t.row_count for t in tables):  # never a hidden, empty table
            next((t for t in tables if t.row_count), tables[0]).focus()

    def _fill(self, table_id: str, rows: tuple[QueueRow, ...], *, mine: bool) -> None:
        table: DataTable[Text] = self.query_one(table_id, DataTable)
        highlighted = table.cursor_row
        cells: list[Row] = [
            (
                row.student.student_id,
                [
                    who(row.student, row.anonymous),
                    Text(f"{row.marked} / {row.manual}"),
                    status_cell(row, mine=mine),
                ],
            )
            for row in rows
        ]
        set_rows(table, MINE if mine else OTHERS, cells)
        if rows:
            table.move_cursor(row=min(highlighted, len(rows) - 1))
        table.display = bool(rows)
        self.query_one(f"{table_id}-title").display = bool(rows)

    @on(DataTable.RowSelected)
    def row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self._open(event.data_table.id == "mine", event.row_key.value)

    def action_open(self) -> None:
        for table in self.query(DataTable):
            if table.has_focus and table.row_count:
                row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
                if row_key.value is not None:
                    self._open(table.id == "mine", row_key.value)

    def _open(self, mine: bool, student_id: str) -> None:
        """Second-mark a submission of the acting grader's; anyone else's is refused, saying why."""
        if self.queue is None:
            return
        rows = {r.student.student_id: r for r in (*self.queue.mine, *self.queue.others)}
        row = rows.get(student_id)
        if row is None:
            return
        named = row.student.name if row.anonymous else student_id
        if row.first_marked_by_actor:
            refusal = first_marker_refusal(self.ctx.actor, self.assignment_id, named)
            self.notify(refusal, severity="error", markup=False)
        elif not mine:
            self.notify(
                f"{named}'s {self.assignment_id} submission is queued for {row.moderator} "
                f"to second-mark, not for {self.ctx.actor}",
                severity="warning",
                markup=False,
            )
        else:
            self.app.push_screen(SecondMarkingScreen(self.ctx, self.assignment_id, student_id))

    def action_back(self) -> None:
        self.dismiss(None)

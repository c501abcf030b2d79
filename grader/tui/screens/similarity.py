"""The Similarity screen (`S` on the Submissions screen): an assignment's similar pairs, most
similar first, under a histogram of every pair's score; `r` runs the comparison in a worker
(progress, pairs reused from the cache; escape cancels, saving nothing), `enter` opens a pair.

Students are shown by the engine's labels (pseudonyms while an anonymous assignment's identities
are hidden); names never appear here.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState, get_current_worker

from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.similarity import Settings
from grader.gradebook.context import CourseContext
from grader.gradebook.similarity import PairResult, SimilarityReport, run_similarity
from grader.gradebook.similarity_review import similarity_pairs
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain, safe_text
from grader.tui.widgets.histogram import progress_line
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.pair_table import COLUMNS, PairTable, histogram_text, pair_cells
from grader.tui.widgets.sized_table import set_rows


class SimilarityScreen(Screen[None]):
    """One assignment's similar pairs (the latest run), their verdicts, and running a comparison."""

    DEFAULT_CSS = """
    SimilarityScreen #similarity-title { height: auto; padding: 0 1; }
    SimilarityScreen #similarity-histogram { height: auto; padding: 0 1; }
    SimilarityScreen #similarity-progress { height: 1; padding: 0 1; display: none; }
    SimilarityScreen #similarity-pairs { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open_pair", "Open pair", id="similarity.open",
                tooltip="Open the selected pair side by side, its matching fragments highlighted"),
        Binding("r", "run", "Run", id="similarity.run",
                tooltip="Compare every pair of pulled submissions again (unchanged pairs are reused)"),
        Binding("escape", "back", "Back", id="similarity.back",
                tooltip="Back to the submissions (while comparing: cancel the run, nothing saved)"),
    ]  # fmt: skip

    @dataclass
    class PairsRead(Message):
        pairs: list[PairResult]

    @dataclass
    class RunProgress(Message):
        progress: Progress

    @dataclass
    class RunDone(Message):
        report: SimilarityReport

    @dataclass
    class Failed(Message):
        error: GraderError

    def __init__(self, ctx: CourseContext, assignment_id: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.assignment_id = assignment_id
        self.pairs: list[PairResult] = []
        self.running: Worker[None] | None = None
        self.last_run = ""
        """What the last run in this screen did ("" before one)."""

    def compose(self) -> ComposeResult:
        yield Static(id="similarity-title")
        yield Static(id="similarity-histogram")
        yield Static(id="similarity-progress")
        table = PairTable(id="similarity-pairs", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.show_title("reading the pairs…")
        self.read_pairs(self.ctx, self.assignment_id)

    def on_screen_resume(self) -> None:
        if self.is_mounted:  # a verdict may have been recorded on the pair screen
            self.read_pairs(self.ctx, self.assignment_id)

    def show_title(self, note: str = "") -> None:
        line = Text("Similar submissions · ", style="bold")
        line.append_text(safe_text(self.assignment_id, style="bold"))
        if note:
            line.append(f"  {note}", style="dim italic")
        self.query_one("#similarity-title", Static).update(line)

    # Reading the stored pairs

    @work(thread=True, exclusive=True, group="similarity-read", exit_on_error=False)
    def read_pairs(self, ctx: CourseContext, assignment_id: str) -> None:
        try:
            pairs = similarity_pairs(ctx, assignment_id)
        except GraderError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(self.PairsRead(pairs))

    def on_similarity_screen_pairs_read(self, message: PairsRead) -> None:
        self.show_pairs(message.pairs)

    def show_pairs(self, pairs: list[PairResult]) -> None:
        table: DataTable[Text] = self.query_one(DataTable)
        row = table.cursor_row
        self.pairs = pairs
        set_rows(table, COLUMNS, [(str(index), pair_cells(pair)) for index, pair in enumerate(pairs)])
        if pairs:
            table.move_cursor(row=min(max(row, 0), len(pairs) - 1))
            self.query_one("#similarity-histogram", Static).update(histogram_text(pairs))
        else:
            self.query_one("#similarity-histogram", Static).update(
                Text("no similar pairs stored for this assignment: press r to compare its submissions")
            )
        self.show_title(self.last_run)

    # Opening a pair

    def action_open_pair(self) -> None:
        table: DataTable[Text] = self.query_one(DataTable)
        if not self.pairs or not 0 <= table.cursor_row < len(self.pairs):
            self.notify("no pair is shown: press r to compare the submissions", severity="warning")
            return
        from grader.tui.screens.similarity_pair import PairScreen

        self.app.push_screen(PairScreen(self.ctx, self.assignment_id, self.pairs[table.cursor_row]))

    @on(DataTable.RowSelected, "#similarity-pairs")
    def row_selected(self) -> None:  # a click on a row
        self.action_open_pair()

    # Running a comparison

    def action_run(self) -> None:
        if self.running is not None and not self.running.is_finished:
            self.notify("a comparison is already running (escape cancels it)", severity="warning")
            return
        bar = self.query_one("#similarity-progress", Static)
        bar.display = True
        bar.update(Text("starting…", style="dim"))
        self.running = self.compare(self.ctx, self.assignment_id)

    @work(thread=True, exclusive=True, group="similarity-run", exit_on_error=False)
    def compare(self, ctx: CourseContext, assignment_id: str) -> None:
        worker = get_current_worker()
        # a generator function: closing it stops the run and saves nothing
        run = cast("Generator[Progress | SimilarityReport]", run_similarity(ctx, assignment_id, Settings()))
        try:
            for step in run:
                if worker.is_cancelled:
                    return  # closing the run (finally) stops it: nothing is saved
                if isinstance(step, Progress):
                    self.post_message(self.RunProgress(step))
                else:
                    self.post_message(self.RunDone(step))
        except GraderError as error:
            self.post_message(self.Failed(error))
        finally:
            run.close()

    def on_similarity_screen_run_progress(self, message: RunProgress) -> None:
        if self.running is None or self.running.is_finished:
            return
        step = message.progress
        line = progress_line(step.done, step.total)
        line.append("  ")
        line.append_text(safe_text(step.message))
        line.append("  · escape cancels", style="dim")
        self.query_one("#similarity-progress", Static).update(line)

    def on_similarity_screen_run_done(self, message: RunDone) -> None:
        report = message.report
        self.query_one("#similarity-progress", Static).display = False
        self.last_run = (
            f"{report.submissions:,} submissions · {report.compared:,} pairs computed, "
            f"{report.reused:,} reused from the last run"
        )
        self.notify(f"compared: {self.last_run}")
        self.show_pairs(report.pairs)

    def on_similarity_screen_failed(self, message: Failed) -> None:
        self.query_one("#similarity-progress", Static).display = False
        self.show_title(self.last_run)
        self.notify(safe_plain(str(message.error)), title="Error", severity="error", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.query_one("#similarity-progress", Static).display = False
            navigator(self.app).report_error(event.worker.error)

    def action_back(self) -> None:
        if self.running is not None and not self.running.is_finished:
            self.running.cancel()
            self.running = None
            self.query_one("#similarity-progress", Static).display = False
            self.notify("comparison cancelled: nothing was saved", severity="warning")
            return
        self.dismiss()

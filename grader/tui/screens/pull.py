"""Pulling from the TUI: the gradebook's pull generator in a worker, its progress and results here.

`escape` (or ctrl+c) cancels: every git still running is stopped at once, the generator is closed
(which records what was pulled so far and releases the course's pull lock), and the screen says
so; `escape` again closes it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import ProgressBar, RichLog, Static
from textual.worker import Worker, WorkerState, get_current_worker

from grader.domain.progress import Progress
from grader.domain.submission import attention_flags, graded_commit_words
from grader.gradebook.context import CourseContext
from grader.gradebook.git_stop import stop_git
from grader.gradebook.pull import PullResult, pull
from grader.tui.active_keys import KeyedModal
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain, safe_text
from grader.tui.widgets.key_bar import KeyBar

PROBLEMS = ("failed", "refused")
WATCH_SECONDS = 0.2
BATCH_SECONDS = 0.1
"""Results reach the screen at most this often, in batches (100,000 repositories would flood it)."""


def result_line(result: PullResult) -> Text:
    style = "red" if result.result in PROBLEMS else ""
    line = Text.assemble(
        safe_text(result.assignment_id),
        " ",
        safe_text(result.who, style="bold"),
        ": ",
        (result.result, style),
    )
    if result.reason:
        line.append(": ")
        line.append_text(safe_text(result.reason, limit=300))
    if result.commit:
        line.append(
            f" ({graded_commit_words(result.commit, result.late_minutes, result.flags)})", style="dim"
        )
    if attention_flags(result.flags):
        line.append(" [" + safe_plain(", ".join(attention_flags(result.flags))) + "]", style="yellow")
    return line


def stop_git_once_cancelled(worker: Worker[None], finished: threading.Event) -> None:
    """Once the pull is cancelled, keep stopping git until it has finished.

    The worker only sees the cancel when the pull yields, and a git waiting on a silent server
    yields nothing until its timeout; a git started just after a cancel is stopped here too.
    """
    while not finished.wait(WATCH_SECONDS):
        if worker.is_cancelled:
            stop_git()


class PullScreen(KeyedModal[None]):
    """Progress and per-repository results of one pull; cancellable."""

    DEFAULT_CSS = """
    PullScreen { align: center middle; }
    PullScreen > Vertical {
        width: 100; max-width: 100%; height: 80%; border: thick $primary; background: $surface; padding: 0 1;
    }
    PullScreen #pull-title { text-style: bold; }
    PullScreen ProgressBar { width: 100%; margin: 1 0 0 0; }
    PullScreen #pull-results { height: 1fr; border: solid $panel; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "stop", "Cancel / close", id="pull.stop", tooltip="Cancel the pull; close when done"
        ),
        Binding(
            "ctrl+c", "stop", "Cancel", show=False, priority=True, id="pull.cancel", tooltip="Cancel the pull"
        ),
    ]

    class PullProgressed(Message):
        def __init__(self, progress: Progress) -> None:
            super().__init__()
            self.progress = progress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PullScreen.PullProgressed)

    class ResultsArrived(Message):
        def __init__(self, results: list[PullResult]) -> None:
            super().__init__()
            self.results = results

    class PullFinished(Message):
        def __init__(self, outcome: str) -> None:
            super().__init__()
            self.outcome = outcome
            """"done", "cancelled" or "failed"."""

    def __init__(
        self,
        ctx: CourseContext,
        assignment_ids: Sequence[str] | None = None,
        student_ids: Sequence[str] | None = None,
        *,
        jobs: int = 8,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.assignment_ids = list(assignment_ids) if assignment_ids else None
        self.student_ids = list(student_ids) if student_ids else None
        self.jobs = jobs
        self.counts: Counter[str] = Counter()
        self.done = 0
        self.total = 0
        self.outcome = ""
        """Empty while the pull runs; then "done", "cancelled" or "failed"."""
        self.cancelling = False
        self.worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        what = ", ".join(self.assignment_ids) if self.assignment_ids else "every assignment"
        who = f"{len(self.student_ids):,} student(s)" if self.student_ids else "every student"
        with Vertical():
            yield Static(Text(f"Pulling {what}, {who}"), id="pull-title")
            yield ProgressBar(show_eta=False, id="pull-progress")
            yield Static(Text("starting…", style="dim"), id="pull-status")
            yield RichLog(max_lines=2000, wrap=True, markup=False, highlight=False, id="pull-results")
            yield Static(Text("escape: cancel", style="dim"), id="pull-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.worker = self.run_pull(self.ctx, self.assignment_ids, self.student_ids, self.jobs)

    @work(thread=True, group="pull", exit_on_error=False)
    def run_pull(
        self,
        ctx: CourseContext,
        assignment_ids: list[str] | None,
        student_ids: list[str] | None,
        jobs: int,
    ) -> None:
        """The pull, its progress and results as messages; "failed" when it raises (then the
        error reaches :meth:`on_worker_state_changed`)."""
        worker = get_current_worker()
        outcome = "failed"
        batch: list[PullResult] = []
        sent = time.monotonic()
        steps: Iterator[Progress | PullResult] | None = None
        finished = threading.Event()
        threading.Thread(target=stop_git_once_cancelled, args=(worker, finished), daemon=True).start()
        try:
            steps = pull(ctx, assignment_ids, student_ids, jobs=jobs)
            for item in steps:
                if worker.is_cancelled:
                    break
                if isinstance(item, Progress):
                    self.post_message(self.PullProgressed(item))
                else:
                    batch.append(item)
                if batch and time.monotonic() - sent >= BATCH_SECONDS:
                    self.post_message(self.ResultsArrived(batch))
                    batch, sent = [], time.monotonic()
            outcome = "cancelled" if worker.is_cancelled else "done"
        finally:
            if isinstance(steps, Generator):
                steps.close()  # on cancel: stops every git still running and records what came back
            if batch:
                self.post_message(self.ResultsArrived(batch))
            finished.set()
            self.post_message(self.PullFinished(outcome))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The worker has posted PullFinished("failed") already: the screen says so and closes.
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            navigator(self.app).report_error(event.worker.error)

    @on(PullProgressed)
    def progressed(self, message: PullProgressed) -> None:
        step = message.progress
        self.done, self.total = step.done, step.total
        self.query_one(ProgressBar).update(total=max(step.total, 1), progress=step.done)
        if not self.cancelling:
            self.query_one("#pull-status", Static).update(
                self.status_text(safe_plain(step.message, limit=60))
            )

    @on(ResultsArrived)
    def arrived(self, message: ResultsArrived) -> None:
        log = self.query_one(RichLog)
        for result in message.results:
            self.counts[result.result] += 1
            log.write(result_line(result))

    @on(PullFinished)
    def finished(self, message: PullFinished) -> None:
        self.outcome = message.outcome
        summary = ", ".join(f"{n} {r}" for r, n in sorted(self.counts.items())) or "nothing pulled"
        style = "red" if message.outcome != "done" or any(self.counts[p] for p in PROBLEMS) else "green"
        self.query_one("#pull-status", Static).update(Text(f"{message.outcome}: {summary}", style=style))
        self.query_one("#pull-hint", Static).update(Text("escape: close", style="dim"))

    def on_unmount(self) -> None:
        if not self.outcome and self.worker is not None:  # the app is closing mid-pull
            self.worker.cancel()
            stop_git()

    def status_text(self, current: str) -> Text:
        return Text.assemble(f"{self.done:,} / {self.total:,}  ", (current, "dim"))

    def action_stop(self) -> None:
        if self.outcome:
            self.dismiss(None)
            return
        if self.cancelling:
            return
        self.cancelling = True
        self.query_one("#pull-status", Static).update(Text("cancelling: stopping git…", style="yellow"))
        if self.worker is not None:
            self.worker.cancel()
        stop_git()  # the worker may be waiting on a silent server: do not wait for its timeout

"""Autograding from the TUI: the gradebook's autograde generator in a worker, a progress line.

The line sits under the screen's content while checks run; results reach the screen as they
come (:class:`AutogradeProgress.Recorded`, in batches), then :class:`AutogradeProgress.Finished` says how
it ended. Cancelling stops iterating and closes the generator (no new check starts; the ones
running end at their timeout at the latest). A sandbox that cannot run is one clear message,
however many checks it refused.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.widgets import ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from grader.domain.autograde import RunStatus
from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain

if TYPE_CHECKING:
    from grader.gradebook.autograde import AutogradeRecorded

BATCH_SECONDS = 0.1
"""Results reach the screen at most this often, in batches (a class of hundreds would flood it)."""
GROUP = "autograde"


@dataclass
class RunOutcome:
    """How a run ended: counts by status, the first refusal and failure, whether it was cancelled."""

    counts: Counter[str] = field(default_factory=Counter)
    refusal: str = ""
    """Why the sandbox refused (the first refused result's reason, or the refusal raised)."""
    error: str = ""
    """Why the run stopped early or never started (a GraderError's words: a sandbox refusal names
    ``apt-get install bubblewrap``)."""
    cancelled: bool = False
    unsandboxed: int = 0
    """Results of checks run without a sandbox (the course trusts its code)."""

    def messages(self) -> list[tuple[SeverityLevel, str]]:
        """What to tell the grader, as (severity, message): the refusal or failure, then a summary
        (left out when nothing was recorded because of them)."""
        found: list[tuple[SeverityLevel, str]] = [("error", self.refusal)] if self.refusal else []
        if self.error and self.error != self.refusal:
            found.append(("error", self.error))
        severity: SeverityLevel = "warning" if self.cancelled or found else "information"
        return [*found, (severity, self.summary())] if self.counts or not found else found

    def summary(self) -> str:
        done = sum(self.counts.values())
        parts = ", ".join(f"{n} {status}" for status, n in sorted(self.counts.items()))
        ended = "autograde cancelled" if self.cancelled else "autograde done"
        said = f"{ended}: {done} result(s)" + (f" ({parts})" if parts else "")
        if self.unsandboxed:
            said += f"; {self.unsandboxed} ran unsandboxed: no sandbox works and the course trusts its code"
        return said


class AutogradeProgress(Horizontal):
    """One line: what runs, and a progress bar; hidden when nothing runs."""

    DEFAULT_CSS = """
    AutogradeProgress { display: none; height: 1; padding: 0 1; background: $boost; }
    AutogradeProgress #autograde-label { width: auto; max-width: 60%; }
    AutogradeProgress ProgressBar { width: 1fr; padding: 0 0 0 1; }
    """

    @dataclass
    class Recorded(Message):
        """Results recorded since the last message (they bubble to the screen)."""

        results: list[AutogradeRecorded]

    @dataclass
    class Finished(Message):
        outcome: RunOutcome

    @dataclass
    class _Progressed(Message):
        progress: Progress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, AutogradeProgress._Progressed)

    @dataclass
    class _Ended(Message):
        cancelled: bool
        error: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.outcome = RunOutcome()
        self.worker: Worker[None] | None = None
        self.what = ""

    def compose(self) -> ComposeResult:
        yield Static(id="autograde-label")
        yield ProgressBar(show_eta=False, id="autograde-progress")

    @property
    def running(self) -> bool:
        return self.worker is not None

    def start(
        self, ctx: CourseContext, assignment_id: str, student_ids: Sequence[str] | None, *, rerun: bool
    ) -> bool:
        """Autograde these students' submissions (None: everyone's); False when a run is going on."""
        if self.running:
            return False
        count = "every submission" if student_ids is None else f"{len(student_ids):,} submission(s)"
        self.what = f"autograding {count}"
        self.outcome = RunOutcome()
        self._label(f"{self.what} · escape cancels")
        self.query_one(ProgressBar).update(total=None, progress=0)
        self.display = True
        ids = None if student_ids is None else list(student_ids)
        self.worker = self._run(ctx, assignment_id, ids, rerun)
        return True

    def cancel(self) -> None:
        """Stop: no new check starts; the screen hears Finished once the worker has let go."""
        if self.worker is not None and not self.worker.is_cancelled:
            self._label("cancelling: waiting for the checks still running to end…")
            self.worker.cancel()

    def _label(self, text: str) -> None:
        self.query_one("#autograde-label", Static).update(Text(text, style="bold"))

    @work(thread=True, group=GROUP, exit_on_error=False)
    def _run(
        self, ctx: CourseContext, assignment_id: str, student_ids: list[str] | None, rerun: bool
    ) -> None:
        from grader.gradebook.autograde import autograde

        worker = get_current_worker()
        steps: Iterator[Progress | AutogradeRecorded] | None = None
        batch: list[AutogradeRecorded] = []
        sent, error = time.monotonic(), ""
        try:
            steps = autograde(ctx, [assignment_id], student_ids, rerun=rerun)
            for step in steps:
                if worker.is_cancelled:
                    break
                if isinstance(step, Progress):
                    self.post_message(self._Progressed(step))
                else:
                    batch.append(step)
                if batch and time.monotonic() - sent >= BATCH_SECONDS:
                    self.post_message(self.Recorded(batch))
                    batch, sent = [], time.monotonic()
        except GraderError as refused:  # the sandbox refused, or the course cannot be autograded
            error = str(refused)
        finally:
            if isinstance(steps, Generator):
                steps.close()  # no new check starts
            if batch:
                self.post_message(self.Recorded(batch))
            self.post_message(self._Ended(worker.is_cancelled, error))

    @on(_Progressed)
    def progressed(self, message: _Progressed) -> None:
        step = message.progress
        self.query_one(ProgressBar).update(total=max(step.total, 1), progress=step.done)
        if self.worker is not None and not self.worker.is_cancelled:
            current = safe_plain(step.message, limit=40)
            self._label(f"{self.what} · {step.done:,}/{step.total:,} {current} · escape cancels")

    @on(Recorded)
    def recorded(self, message: Recorded) -> None:
        for found in message.results:  # counted here, then on to the screen
            result = found.result
            self.outcome.counts[result.status.value] += 1
            self.outcome.unsandboxed += result.sandbox == "trusted"
            if result.status is RunStatus.REFUSED and not self.outcome.refusal:
                self.outcome.refusal = result.reason

    @on(_Ended)
    def ended(self, message: _Ended) -> None:
        message.stop()
        self.outcome.cancelled = message.cancelled
        self.outcome.error = message.error
        self.worker = None
        self.display = False
        self.post_message(self.Finished(self.outcome))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.worker = None
            self.display = False
            navigator(self.app).report_error(event.worker.error)

    def on_unmount(self) -> None:
        if self.worker is not None:  # the screen or the app is closing mid-run
            self.worker.cancel()

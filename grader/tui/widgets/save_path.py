"""The Grading screen's saves as a widget: the ordered save queue, its worker, and what failed.

Choices go in through :meth:`SavePath.put`; the queue's messages (ChoiceSaved, SaveRefused…)
bubble on to the screen. When a save fails, or the worker dies, this widget becomes a banner
naming why, how many choices wait, and what to do; it refuses further choices until they are
saved again (:meth:`retry`) or given up when the grader leaves (:meth:`leave` asks first).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual import on
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from grader.gradebook.context import CourseContext
from grader.tui.grading.not_saved import NotSaved
from grader.tui.grading.ordered import AfterSaves, SavesDone
from grader.tui.grading.saves import Flag, Op, SaveChoice, SaveFailed, SaveQueue
from grader.tui.navigation import navigator
from grader.tui.screens.unsaved import LeaveUnsavedModal


class SavePath(Static):
    """Hidden while saving works; the banner above the panes while it fails."""

    DEFAULT_CSS = """
    SavePath { display: none; height: auto; padding: 0 1; background: $error; color: $text; }
    SavePath.-failing { display: block; }
    """

    class Changed(Message):
        """Saving started failing (``not_saved`` set) or works again (None)."""

        def __init__(self, not_saved: NotSaved | None) -> None:
            super().__init__()
            self.not_saved = not_saved

    def __init__(self, ctx: CourseContext, assignment_id: str, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.queue = SaveQueue(ctx, assignment_id, self)
        self.not_saved: NotSaved | None = None
        """Set while saving fails: why, and every choice not saved (further ones are refused)."""
        self.read_only = ""
        """Set while the submission is open read-only (another grader's claim): why every choice
        is refused ("read-only: 00123 is being graded by ta-anna")."""
        self.who: Callable[[str], str] = str
        """How a message names a student (the grading screen sets it: a pseudonym while the
        assignment's identities are hidden)."""

    def on_mount(self) -> None:
        self._start()

    def _start(self) -> None:
        self.run_worker(self.queue.run, thread=True, name="saves", exit_on_error=False)

    @property
    def blocked(self) -> bool:
        """No choice is taken now (saving fails, or read-only); ``refused`` says why."""
        return bool(self.read_only) or self.not_saved is not None

    def refused(self) -> bool:
        """While saving fails no choice is taken: True, and the grader is told why and what to do.
        Nor while the submission is open read-only."""
        if self.read_only:
            self.notify(self.read_only, severity="warning", markup=False)
            return True
        if self.not_saved is None:
            return False
        self.notify(self.not_saved.refusal(), severity="error", markup=False)
        return True

    def put(self, op: Op) -> bool:
        """Queue an operation; False (and said why) while saving fails."""
        if self.refused():
            return False
        self.queue.put(op)
        return True

    @on(SaveFailed)
    def save_failed(self, event: SaveFailed) -> None:
        event.stop()
        self._stopped(event.reason, [event.op])

    @on(SavesDone)
    def saves_done(self, event: SavesDone) -> None:
        event.stop()
        event.then()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The worker died: what it was on and what waits is not saved; then the one report."""
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        died_on = [self.queue.running] if self.queue.running is not None else []
        self.queue.running = None
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
        self._stopped(f"the save worker stopped: {type(error).__name__}: {first_line}", died_on)
        navigator(self.app).report_error(error)

    def _stopped(self, reason: str, stopped_on: list[Op | AfterSaves]) -> None:
        """The queue stopped: what it stopped on and everything queued behind it is not saved."""
        waiting = [*stopped_on, *self.queue.take_waiting()]
        unsaved = tuple(op for op in waiting if isinstance(op, SaveChoice | Flag))
        if not unsaved:
            self._start()  # nothing was lost: saving goes on
            return
        self._show(NotSaved(reason, unsaved, self.who))
        self.notify(
            f"{self.who(unsaved[0].student_id)}: {reason}",
            title="NOT SAVED",
            severity="error",
            timeout=15,
            markup=False,
        )

    def _show(self, not_saved: NotSaved | None) -> None:
        self.not_saved = not_saved
        self.update(not_saved.banner() if not_saved else "")
        self.set_class(not_saved is not None, "-failing")
        self.post_message(self.Changed(not_saved))

    def retry(self) -> None:
        """Send every choice not saved again, in the order made, with the version each was based on."""
        not_saved = self.not_saved
        if not_saved is None:
            return
        for op in not_saved.ops:
            self.queue.put(op)
        self._start()
        self._show(None)
        self.notify(f"saving {not_saved.count()} again…", markup=False)

    def leave(
        self, leaving: str, titles: Mapping[str, str], then: Callable[[], object], *, staying: bool
    ) -> None:
        """Do ``then`` now; while saving fails, once the grader agreed to lose what is not saved.

        ``staying``: the screen stays open afterwards (another submission), so saving starts over;
        else ``then`` waits for the saves queued before it (one that fails stops the leaving).
        """
        not_saved = self.not_saved
        if not_saved is None and staying:
            then()
            return
        if not_saved is None:
            self.queue.put(AfterSaves(then))
            return

        def answered(leave: bool | None) -> None:
            if leave and self.not_saved is not_saved:
                self._show(None)
                self.notify(f"{not_saved.count()} not saved: given up", severity="warning", markup=False)
                if staying:
                    self._start()
                then()

        self.app.push_screen(LeaveUnsavedModal(not_saved, titles, leaving), answered)

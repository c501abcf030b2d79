"""The filter's run over the whole class: a progress bar under the Submissions table."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.message import Message
from textual.widgets import ProgressBar
from textual.worker import Worker, WorkerState, get_current_worker

from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext
from grader.gradebook.listing import SubmissionFilter, SubmissionList
from grader.gradebook.mine import is_mine, resolve_mine
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain


class FilterRun(ProgressBar):
    """The filter's progress under the table: scans the class in a worker, then posts
    :class:`FilterRun.Filtered` (which bubbles to the screen) and hides; a failure hides it too."""

    @dataclass
    class Filtered(Message):
        wanted: SubmissionFilter
        indexes: list[int]

    @dataclass
    class Progressed(Message):
        done: int
        total: int

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, FilterRun.Progressed)

    @dataclass
    class Refused(Message):
        error: GraderError

    def start(self, listing: SubmissionList, wanted: SubmissionFilter) -> None:
        self.update(total=None, progress=0)
        self.display = True
        if is_mine(wanted) and not isinstance(listing.ctx, CourseContext):
            # The split is read from the gradebook: once the course is fully open.
            navigator(self.app).when_open("show your submissions", lambda ctx: self.scan(listing, wanted))
            return
        self.scan(listing, wanted)

    @work(thread=True, exclusive=True, group="filter", exit_on_error=False)
    def scan(self, listing: SubmissionList, wanted: SubmissionFilter) -> None:
        worker = get_current_worker()
        try:
            ready = wanted
            if is_mine(wanted):
                assert isinstance(listing.ctx, CourseContext)  # see start
                ready = resolve_mine(listing.ctx, listing.assignment_id, wanted)
            for step in listing.matching(ready):
                if worker.is_cancelled:
                    return
                if isinstance(step, Progress):
                    self.post_message(self.Progressed(step.done, step.total))
                else:
                    self.post_message(self.Filtered(wanted, step))
        except GraderError as error:
            self.post_message(self.Refused(error))

    @on(Progressed)
    def progressed(self, message: Progressed) -> None:
        message.stop()
        self.update(total=message.total, progress=message.done)

    @on(Filtered)
    def filtered(self) -> None:
        self.display = False  # and the message bubbles on to the screen

    @on(Refused)
    def refused(self, message: Refused) -> None:
        message.stop()
        self.display = False
        self.notify(safe_plain(str(message.error)), title="Error", severity="error", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.display = False
            navigator(self.app).report_error(event.worker.error)

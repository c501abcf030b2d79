"""The Course screen's live updates: an assignment's counts follow other graders' saves.

:class:`CourseLive` is the Course screen's base. A change to some assignments recounts just
those (in a worker, quietly: the figures shown stay until the new ones come); while another
screen is on top, the counts are only marked stale and recounted when the course shows again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import on, work
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext
from grader.tui.data.course_summaries import AssignmentSummary, assignment_summary
from grader.tui.live import GradebookChanged, LiveUpdatesFailed, follow_gradebook, stop_following
from grader.tui.navigation import navigator
from grader.tui.widgets.grader_progress import GraderProgress

RECOUNT = "course-recount"
"""The live recount's worker group (cancelled with the others when the course is left)."""


class CourseLive(Screen[None]):
    """Counts that follow the gradebook (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = []  # the screen's own keys: see its BINDINGS

    stale: bool
    live_ctx: CourseContext
    _recounting: bool = False
    _to_recount: frozenset[str] = frozenset()

    class Recounted(Message):
        """One assignment recounted after a change (None: the recount is over)."""

        def __init__(self, summary: AssignmentSummary | None) -> None:
            super().__init__()
            self.summary = summary

    def show_summary(self, summary: AssignmentSummary) -> None:
        raise NotImplementedError

    def follow(self, ctx: CourseContext) -> None:
        self.live_ctx = ctx
        follow_gradebook(self, ctx)

    def on_unmount(self) -> None:
        stop_following(self)

    @on(GradebookChanged)
    def counts_moved(self, event: GradebookChanged) -> None:
        changes = event.changes
        known = [a.id for a in self.live_ctx.files.course.assignments]
        changed = set(known) if changes.everything else changes.assignments() & set(known)
        if not changed:
            return
        if not self.is_current:
            self.stale = True  # counted afresh when the course shows again
            return
        self._to_recount |= changed
        for panel in self.query(GraderProgress):  # the work split's done / assigned per grader
            panel.changed(changed)
        if not self._recounting:
            self._recount_now()

    def stop_recounting(self) -> None:
        """The course was left (or a count failed): everything is recounted when it shows again."""
        self.workers.cancel_group(self, RECOUNT)
        self._recounting, self._to_recount = False, frozenset()

    def _recount_now(self) -> None:
        wanted, self._to_recount = self._to_recount, frozenset()
        self._recounting = True
        self.recount(self.live_ctx, sorted(wanted))

    @work(thread=True, exclusive=True, group=RECOUNT, exit_on_error=False)
    def recount(self, ctx: CourseContext, assignment_ids: Iterable[str]) -> None:
        from grader.gradebook.counts import count_assignment  # loaded with the first count

        worker = get_current_worker()
        for assignment_id in assignment_ids:
            assignment = ctx.files.course.assignment(assignment_id)
            if assignment is None:
                continue
            for found in count_assignment(ctx, assignment):
                if worker.is_cancelled:
                    return
                if not isinstance(found, Progress):
                    self.post_message(self.Recounted(assignment_summary(ctx.files.course, found)))
        self.post_message(self.Recounted(None))

    @on(Recounted)
    def recounted(self, message: Recounted) -> None:
        if message.summary is not None:
            self.show_summary(message.summary)
            return
        self._recounting = False
        if self._to_recount and self.is_current:
            self._recount_now()

    @on(LiveUpdatesFailed)
    def live_failed(self, event: LiveUpdatesFailed) -> None:
        navigator(self.app).report_error(event.error)

"""The Submissions screen's autograde review: `A` runs the checks, `g` groups rows by outcome.

:class:`OutcomeReview` is the screen's base: the autograde run (a progress line under the table,
results reaching the rows as they come) and the grouped view (the outcome groups read in a
worker, the table's rows ordered by group with a header row each). ``space`` on a header and
``B`` come from the screen itself: marks and batch review work on grouped rows unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen

from grader.domain.errors import GraderError
from grader.gradebook.context import CourseContext
from grader.gradebook.listing import SubmissionList
from grader.tui.navigation import navigator
from grader.tui.widgets.grouped_rows import GroupedRows, Groups
from grader.tui.widgets.submission_table import SubmissionTable

if TYPE_CHECKING:  # loaded by the first `A` (the list's first frame stays light)
    from grader.tui.screens.autograde_scope import AutogradeScope
    from grader.tui.widgets.autograde_progress import AutogradeProgress

PROGRESS_ID = "autograde-progress"


class OutcomeReview(Screen[None]):
    """Autograding and outcome groups; the Submissions screen provides the table and the rest."""

    BINDINGS: ClassVar[list[BindingType]] = []  # the screen's own keys: see its BINDINGS

    table: SubmissionTable
    listing: SubmissionList
    filtered: list[int] | None
    """The roster indexes the filter keeps (None: no filter)."""
    groups: Groups | None
    """The outcome groups shown (``g``), or None for the plain list."""

    @property
    def assignment_id(self) -> str:
        return self.listing.assignment_id

    def show_counts(self) -> None:
        raise NotImplementedError

    def marked_in_order(self) -> list[str]:
        raise NotImplementedError

    def fail(self, error: GraderError) -> None:
        raise NotImplementedError

    def show_rows(self, grouped: GroupedRows | None = None) -> None:
        """The table shows the filter's rows, grouped by outcome while ``g`` is on (``grouped``:
        those rows grouped already)."""
        groups = self.groups
        if groups is not None and grouped is None:
            listing = self.listing
            grouped = GroupedRows.of_groups(groups, listing.position_of, self.filtered, len(listing))
        self.table.set_view(self.filtered if groups is None else grouped)
        self.show_counts()

    # Outcome groups

    def action_group(self) -> None:
        if self.groups is not None:
            self.groups = None
            self.show_rows()
            return
        self.read_groups()

    def read_groups(self) -> None:
        """Read the outcome groups (once the course is fully open) and show the rows grouped."""
        navigator(self.app).when_open(
            "group by outcome", lambda ctx: self.group_rows(ctx, self.listing, self.filtered)
        )

    @work(thread=True, exclusive=True, group="groups", exit_on_error=False)
    def group_rows(self, ctx: CourseContext, listing: SubmissionList, filtered: Sequence[int] | None) -> None:
        """The assignment's outcome groups (one read of its results) and the rows grouped, as a
        message."""
        from grader.gradebook.autograde import outcome_groups

        try:
            found = outcome_groups(ctx, listing.assignment_id)
        except GraderError as error:
            self.post_message(self.GroupsRefused(str(error)))
            return
        groups = [(group.signature, tuple(group.student_ids)) for group in found]
        view = GroupedRows.of_groups(groups, listing.position_of, filtered, len(listing))
        self.post_message(self.GroupsRead(groups, view, filtered))

    @dataclass
    class GroupsRead(Message):
        groups: Groups
        view: GroupedRows
        """The rows grouped, for the filter ``filtered`` (built in the worker: 100,000 rows take a
        moment the UI thread need not spend)."""
        filtered: Sequence[int] | None

    @dataclass
    class GroupsRefused(Message):
        message: str

    @on(GroupsRead)
    def groups_read(self, message: GroupsRead) -> None:
        """Show the groups, the cursor on the largest one's header (on a regroup: where it was)."""
        regroup = self.groups is not None
        self.groups = message.groups
        self.show_rows(message.view if message.filtered is self.filtered else None)
        if not regroup:
            self.table.action_first()

    @on(GroupsRefused)
    def groups_refused(self, message: GroupsRefused) -> None:
        self.fail(GraderError(message.message))

    # Autograde

    def autograde_progress(self) -> AutogradeProgress | None:
        """The progress line of the runs, once the first one mounted it."""
        from grader.tui.widgets.autograde_progress import AutogradeProgress

        return next(iter(self.query(f"#{PROGRESS_ID}").results(AutogradeProgress)), None)

    @work(exclusive=True, group="autograde-flow", exit_on_error=False)
    async def action_autograde(self) -> None:
        from grader.tui.screens.autograde_scope import AutogradeScopeModal
        from grader.tui.widgets.autograde_progress import AutogradeProgress

        running = self.autograde_progress()
        if running is not None and running.running:
            self.notify("autograde is running already (escape cancels it)", severity="warning")
            return
        table = self.table
        shown = None if table.view is None else table.shown_student_ids()
        modal = AutogradeScopeModal(table.cursor_student_id, self.marked_in_order(), len(self.listing), shown)
        scope = await self.app.push_screen_wait(modal)
        if scope is None:
            return
        if running is None:  # mounted by the first run (the first frame stays light)
            running = AutogradeProgress(id=PROGRESS_ID)
            await self.mount(running, after=self.table)
        navigator(self.app).when_open("autograde", partial(self.start_autograde, running, scope))

    def start_autograde(self, run: AutogradeProgress, scope: AutogradeScope, ctx: CourseContext) -> None:
        if not run.start(ctx, self.assignment_id, scope.student_ids, rerun=scope.rerun):
            self.notify("autograde is running already (escape cancels it)", severity="warning")

    def on_autograde_progress_recorded(self, message: AutogradeProgress.Recorded) -> None:
        """A run's results: the rows (status, score, autograde column) read again as they come."""
        self.table.reload(sorted({found.student_id for found in message.results}))

    def on_autograde_progress_finished(self, message: AutogradeProgress.Finished) -> None:
        for severity, text in message.outcome.messages():
            self.notify(text, severity=severity, markup=False)
        if self.groups is not None:
            self.read_groups()  # the outcomes changed: group them again

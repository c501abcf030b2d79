"""The Submissions screen's rubric flows: `B` applies one choice to the marked submissions, `c`
grades one criterion across everyone.

:class:`CriterionFlows` is a base of the Submissions screen. Each flow asks in dialogs (the
rubric read off the UI thread first); the search for where grading by criterion starts runs in a
worker that takes the list and the rows shown and posts what it found.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen

from grader.domain.errors import GraderError
from grader.domain.rubric import Criterion, Rubric
from grader.gradebook.context import CourseContext
from grader.gradebook.listing import SubmissionList
from grader.gradebook.quick import QuickContext
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain
from grader.tui.widgets.submission_table import SubmissionTable

if TYPE_CHECKING:
    from grader.tui.screens.batch import BatchOutcome

EVERY_ONE_CHOSEN = "every shown submission has a choice for it already"


class CriterionFlows(Screen[None]):
    """Batch review and grading by criterion; the Submissions screen provides the table and marks."""

    BINDINGS: ClassVar[list[BindingType]] = []  # the screen's own keys: see its BINDINGS

    ctx: CourseContext | QuickContext
    listing: SubmissionList
    table: SubmissionTable

    @property
    def assignment_id(self) -> str:
        return self.listing.assignment_id

    def marked_in_order(self) -> list[str]:
        raise NotImplementedError

    class SearchFailed(Message):
        """A search of the list in a worker could not read it."""

        def __init__(self, error: GraderError) -> None:
            super().__init__()
            self.error = error

    class CriterionStartFound(Message):
        """Where grading ``criterion_id`` by criterion starts (None: no row is shown)."""

        def __init__(self, student_id: str | None, criterion_id: str, *, all_chosen: bool) -> None:
            super().__init__()
            self.student_id = student_id
            self.criterion_id = criterion_id
            self.all_chosen = all_chosen
            """Every shown submission had a choice for it: it starts on the first shown."""

    async def read_rubric(self) -> Rubric | None:
        try:
            rubric, refused = await asyncio.to_thread(self.listing.rubric)
        except GraderError as error:
            self.fail(error)
            return None
        if refused:
            self.notify(
                "the rubric changed in a way grades cannot follow: run 'grader rubric apply' first",
                severity="error",
            )
            return None
        return rubric

    @work(exclusive=True, group="batch-flow", exit_on_error=False)
    async def action_batch(self) -> None:
        from grader.tui.screens.batch import BatchModal, ChoiceModal, CriterionModal

        student_ids = self.marked_in_order()
        if not student_ids:
            self.notify("mark submissions with space (or * for every shown one) first", severity="error")
            return
        rubric = await self.read_rubric()
        if rubric is None:
            return
        modal = CriterionModal(rubric, "Batch-apply to which criterion?", autograded=True)
        criterion = await self.app.push_screen_wait(modal)
        if criterion is None:
            return
        request = await self.app.push_screen_wait(ChoiceModal(criterion))
        if request is None:
            return
        assignment_id, identities = self.assignment_id, self.listing.identities

        def confirm(ctx: CourseContext) -> None:
            modal = BatchModal(ctx, assignment_id, criterion, request, student_ids, identities)
            self.app.push_screen(modal, self.batch_done)

        if isinstance(self.ctx, CourseContext):
            confirm(self.ctx)
        else:  # it writes: once the course is fully open (it is still opening)
            navigator(self.app).when_open(f"batch-apply to {len(student_ids):,} submission(s)", confirm)

    def batch_done(self, outcome: BatchOutcome | None) -> None:
        if outcome is None:
            return
        self.table.reload(outcome.touched)
        for severity, message in outcome.messages():
            self.notify(message, severity=severity, markup=False)

    @work(exclusive=True, group="criterion-flow", exit_on_error=False)
    async def action_by_criterion(self) -> None:
        from grader.tui.screens.batch import CriterionModal

        rubric = await self.read_rubric()
        if rubric is None:
            return
        criterion = await self.app.push_screen_wait(
            CriterionModal(rubric, "Grade which criterion across everyone?")
        )
        if criterion is not None:
            shown = self.table.shown_indexes()
            first_shown = shown[0] if shown else None
            within = None if self.table.view is None else shown
            self.first_without_choice(self.listing, within, first_shown, criterion)

    @work(thread=True, exclusive=True, group="find", exit_on_error=False)
    def first_without_choice(
        self,
        listing: SubmissionList,
        within: Sequence[int] | None,
        first_shown: int | None,
        criterion: Criterion,
    ) -> None:
        """The first shown submission without a choice for ``criterion`` that nobody else is
        grading (else the first shown), as a message."""
        try:
            found = listing.next_matching(-1, listing.needs_grader(criterion.id), within=within)
        except GraderError as error:
            self.post_message(self.SearchFailed(error))
            return
        start = first_shown if found is None else found
        student_id = None if start is None else listing.students[start].student_id
        self.post_message(self.CriterionStartFound(student_id, criterion.id, all_chosen=found is None))

    @on(CriterionStartFound)
    def grade_by_criterion(self, message: CriterionStartFound) -> None:
        if message.all_chosen:
            self.notify(EVERY_ONE_CHOSEN)
        if message.student_id is not None:
            navigator(self.app).open_grading(
                self.assignment_id, message.student_id, criterion_id=message.criterion_id, by_criterion=True
            )

    @on(SearchFailed)
    def search_failed(self, message: SearchFailed) -> None:
        self.fail(message.error)

    def fail(self, error: GraderError) -> None:
        self.notify(safe_plain(str(error)), title="Error", severity="error", markup=False)

"""One assignment's submissions: a row per student, filters and search, marks and batch review."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.rubric import Criterion, Rubric
from grader.gradebook.context import CourseContext
from grader.gradebook.listing import SubmissionFilter, SubmissionList, is_flagged, is_ungraded
from grader.gradebook.quick import STILL_OPENING, QuickContext
from grader.gradebook.status import SubmissionStatus
from grader.tui.navigation import navigator
from grader.tui.safe import safe_plain, safe_text
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.submission_table import SubmissionTable

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

    from grader.tui.screens.batch import BatchOutcome


class SubmissionsScreen(Screen[None]):
    """Every student's submission of one assignment; scales to 100,000 rows."""

    CSS_PATH = Path(__file__).with_name("submissions.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "grade", "Grade", id="submissions.grade", tooltip="Grade the selected submission"),
        Binding(
            "n",
            "next_ungraded",
            "Next ungraded",
            id="submissions.next_ungraded",
            tooltip="Grade the first submission from the cursor on that still needs grading",
        ),
        Binding(
            "slash",
            "search",
            "Search",
            id="submissions.search",
            tooltip="Search by id, name or handle; filter by status, flagged, late, grader",
        ),
        Binding(
            "space",
            "mark",
            "Mark",
            id="submissions.mark",
            tooltip="Mark or unmark the selected row, then move down",
        ),
        Binding(
            "asterisk",
            "mark_all",
            "Mark all",
            show=False,  # in `?` and the palette: the footer keeps room for `escape` and `?`
            id="submissions.mark_all",
            tooltip="Mark every shown row; when every shown row is marked already, clear all marks",
        ),
        Binding(
            "P",
            "pull",
            "Pull",
            id="submissions.pull",
            tooltip="Pull the marked submissions (or all when none is marked)",
        ),
        Binding(
            "B",
            "batch",
            "Batch",
            id="submissions.batch",
            tooltip="Apply one rubric choice to every marked submission, each its own grade event",
        ),
        Binding(
            "c",
            "by_criterion",
            "By criterion",
            id="submissions.by_criterion",
            tooltip="Grade one criterion across every submission",
        ),
        Binding(
            "F",
            "next_flagged",
            "Next flagged",
            show=False,  # in `?` and the palette: the footer keeps room for `escape` and `?`
            id="submissions.next_flagged",
            tooltip="Move to the next flagged submission",
        ),
        Binding("e", "export", "Export", id="submissions.export", tooltip="Export this assignment's grades"),
        Binding("escape", "back", "Back", id="submissions.back", tooltip="Back to the course"),
    ]

    @dataclass
    class Filtered(Message):
        wanted: SubmissionFilter
        indexes: list[int]

    def __init__(self, ctx: CourseContext | QuickContext, assignment_id: str) -> None:
        """``ctx`` may be a quick (read-only) open: rows show at once; writing waits for
        :meth:`use_context` with the fully opened course."""
        super().__init__()
        self.ctx = ctx
        self.listing = SubmissionList(ctx, assignment_id)
        self.wanted = SubmissionFilter()
        self.table = SubmissionTable(self.listing, id="submission-table")

    @property
    def assignment_id(self) -> str:
        return self.listing.assignment_id

    def use_context(self, ctx: CourseContext) -> None:
        """The course is fully open now (the same files): read and write through it."""
        self.ctx = ctx
        self.listing.use_context(ctx)

    def compose(self) -> ComposeResult:
        # Only what the first frame shows: the filter's progress bar is mounted by the first
        # filter, and the keys are one KeyBar, not a Footer (a widget per key): ~70 ms less.
        yield Static(id="submissions-title")
        yield self.table
        yield KeyBar()

    def on_mount(self) -> None:
        self.table.focus()
        self.show_counts()

    def on_screen_resume(self) -> None:
        if self.table.is_mounted:
            self.table.reload()  # grades may have changed on the grading screen

    def show_counts(self) -> None:
        assignment = self.listing.assignment
        line = safe_text(assignment.title, style="bold")
        shown, total = self.table.row_count, len(self.listing)
        line.append(f"  {shown:,} of {total:,} shown" if shown != total else f"  {total:,} submissions")
        if self.table.marked:
            line.append(f" · {len(self.table.marked):,} marked")
        if not self.wanted.is_empty:
            line.append(" · filter: ")
            line.append_text(safe_text(describe(self.wanted), limit=60))
        self.query_one("#submissions-title", Static).update(line)

    # Navigation

    def action_grade(self) -> None:
        student_id = self.table.cursor_student_id
        if student_id is None:
            self.notify("no submission is shown (clear the filter with / then ctrl+r)", severity="error")
            return
        navigator(self.app).open_grading(self.assignment_id, student_id)

    def action_next_ungraded(self) -> None:
        self.find(is_ungraded, inclusive=True, then_grade=True, nothing="every shown submission is graded")

    def action_next_flagged(self) -> None:
        self.find(is_flagged, inclusive=False, then_grade=False, nothing="no shown submission is flagged")

    @work(thread=True, exclusive=True, group="find")
    def find(
        self,
        predicate: Callable[[SubmissionStatus], bool],
        *,
        inclusive: bool,
        then_grade: bool,
        nothing: str,
    ) -> None:
        """Scan from the cursor (a page at a time, wrapping) and move to the first match."""
        table = self.table
        if table.row_count == 0:
            self.app.call_from_thread(self.notify, nothing, severity="warning")
            return
        after = table.roster_index(table.cursor) - (1 if inclusive else 0)
        try:
            found = self.listing.next_matching(after, predicate, within=table.view)
        except GraderError as error:
            self.app.call_from_thread(self.fail, error)
            return
        if found is None:
            self.app.call_from_thread(self.notify, nothing, severity="warning")
            return
        self.app.call_from_thread(self.found, self.listing.students[found].student_id, then_grade)

    def found(self, student_id: str, then_grade: bool) -> None:
        self.table.move_to_student(student_id)
        if then_grade:
            navigator(self.app).open_grading(self.assignment_id, student_id)

    def action_export(self) -> None:
        navigator(self.app).open_export(self.assignment_id)

    def action_back(self) -> None:
        self.dismiss()

    def action_pull(self) -> None:
        marked = self.marked_in_order()
        navigator(self.app).start_pull([self.assignment_id], marked or None)

    # Marks

    def marked_in_order(self) -> list[str]:
        positions = [(self.listing.position_of(sid), sid) for sid in self.table.marked]
        return [sid for _, sid in sorted((p, sid) for p, sid in positions if p is not None)]

    def action_mark(self) -> None:
        self.table.toggle_mark()
        self.table.cursor += 1
        self.show_counts()

    def action_mark_all(self) -> None:
        shown = self.table.shown_student_ids()
        if shown and self.table.marked.issuperset(shown):
            self.table.clear_marks()
        else:
            self.table.mark_all_shown()
        self.show_counts()

    # Search and filters

    def action_search(self) -> None:
        from grader.tui.screens.filter import FilterModal

        self.app.push_screen(FilterModal(self.wanted), self.filter_chosen)

    async def filter_chosen(self, wanted: SubmissionFilter | None) -> None:
        if wanted is None:
            return
        if wanted.is_empty:
            self.wanted = wanted
            self.table.set_view(None)
            self.show_counts()
            return
        bar = await self.filter_progress()
        bar.display = True
        self.apply_filter(wanted, bar)

    async def filter_progress(self) -> ProgressBar:
        """The filter's progress bar under the table, mounted when the first filter runs."""
        from textual.widgets import ProgressBar

        for bar in self.query("#filter-progress").results(ProgressBar):
            return bar
        bar = ProgressBar(id="filter-progress", show_eta=False)
        await self.mount(bar, after=self.table)
        return bar

    @work(thread=True, exclusive=True, group="filter")
    def apply_filter(self, wanted: SubmissionFilter, bar: ProgressBar) -> None:
        worker = get_current_worker()
        try:
            for step in self.listing.matching(wanted):
                if worker.is_cancelled:
                    return
                if isinstance(step, Progress):
                    self.app.call_from_thread(bar.update, total=step.total, progress=step.done)
                else:
                    self.post_message(self.Filtered(wanted, step))
        except GraderError as error:
            self.app.call_from_thread(self.fail, error)

    @on(Filtered)
    def filtered(self, message: Filtered) -> None:
        for bar in self.query("#filter-progress"):
            bar.display = False
        self.wanted = message.wanted
        self.table.set_view(message.indexes)
        self.show_counts()
        if not message.indexes:
            self.notify("no submission matches the filter", severity="warning")

    # Batch review and grading by criterion

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

    @work(exclusive=True, group="batch-flow")
    async def action_batch(self) -> None:
        from grader.tui.screens.batch import BatchModal, ChoiceModal, CriterionModal

        if isinstance(self.ctx, QuickContext):
            self.notify(STILL_OPENING, severity="warning")
            return
        student_ids = self.marked_in_order()
        if not student_ids:
            self.notify("mark submissions with space (or * for every shown one) first", severity="error")
            return
        rubric = await self.read_rubric()
        if rubric is None:
            return
        criterion = await self.app.push_screen_wait(CriterionModal(rubric, "Batch-apply to which criterion?"))
        if criterion is None:
            return
        request = await self.app.push_screen_wait(ChoiceModal(criterion))
        if request is None:
            return
        ctx = self.ctx
        assert isinstance(ctx, CourseContext)  # never goes back to a quick context
        outcome = await self.app.push_screen_wait(
            BatchModal(ctx, self.assignment_id, criterion, request, student_ids)
        )
        if outcome is not None:
            self.batch_done(outcome)

    def batch_done(self, outcome: BatchOutcome) -> None:
        self.table.reload(outcome.touched)
        summary = f"recorded for {len(outcome.applied):,} submission(s)"
        if outcome.cancelled:
            summary += "; stopped before the rest"
        self.notify(summary, severity="information")
        for student_id, error in outcome.failed[:5]:
            self.notify(safe_plain(f"{student_id}: {error}"), severity="error", markup=False)
        if len(outcome.failed) > 5:
            self.notify(f"{len(outcome.failed) - 5:,} more failed", severity="error")
        for warning in outcome.warnings[:3]:
            self.notify(safe_plain(warning), severity="warning", markup=False)

    @work(exclusive=True, group="criterion-flow")
    async def action_by_criterion(self) -> None:
        from grader.tui.screens.batch import CriterionModal

        rubric = await self.read_rubric()
        if rubric is None:
            return
        criterion = await self.app.push_screen_wait(
            CriterionModal(rubric, "Grade which criterion across everyone?")
        )
        if criterion is not None:
            self.first_without_choice(criterion)

    @work(thread=True, exclusive=True, group="find")
    def first_without_choice(self, criterion: Criterion) -> None:
        def unchosen(row: SubmissionStatus) -> bool:
            return not any(c.criterion_id == criterion.id and c.choice.is_scored for c in row.criteria)

        try:
            found = self.listing.next_matching(-1, unchosen, within=self.table.view)
        except GraderError as error:
            self.app.call_from_thread(self.fail, error)
            return
        if found is None:
            self.app.call_from_thread(self.notify, "every shown submission has a choice for it already")
            found = self.table.roster_index(0) if self.table.row_count else None
        if found is not None:
            student_id = self.listing.students[found].student_id
            self.app.call_from_thread(
                navigator(self.app).open_grading,
                self.assignment_id,
                student_id,
                criterion_id=criterion.id,
                by_criterion=True,
            )

    def fail(self, error: GraderError) -> None:
        self.notify(safe_plain(str(error)), title="Error", severity="error", markup=False)


def describe(wanted: SubmissionFilter) -> str:
    parts = [f'"{wanted.text.strip()}"'] if wanted.text.strip() else []
    parts += [wanted.status] if wanted.status else []
    parts += ["flagged"] if wanted.flagged else []
    parts += ["late"] if wanted.late else []
    parts += [f"graded by {wanted.grader.strip()}"] if wanted.grader.strip() else []
    return ", ".join(parts)

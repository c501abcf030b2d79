"""One assignment's submissions: a row per student, filters and search, marks and batch review."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from grader.domain.errors import GraderError
from grader.gradebook.context import CourseContext
from grader.gradebook.listing import SubmissionFilter, SubmissionList, is_flagged
from grader.gradebook.quick import QuickContext
from grader.gradebook.status import SubmissionStatus
from grader.tui.navigation import navigator
from grader.tui.safe import safe_text
from grader.tui.screens.submissions_flows import CriterionFlows
from grader.tui.screens.submissions_live import SubmissionsLive
from grader.tui.screens.submissions_review import OutcomeReview
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.submission_table import SubmissionTable

if TYPE_CHECKING:
    from grader.tui.navigation import GradingLeft
    from grader.tui.widgets.filter_run import FilterRun


class SubmissionsScreen(SubmissionsLive, CriterionFlows, OutcomeReview):
    """Every student's submission of one assignment; scales to 100,000 rows."""

    DEFAULT_CSS = """
    SubmissionsScreen #submissions-title {
        height: 1;
        padding: 0 1;
        background: $boost;
    }

    SubmissionsScreen #filter-progress {
        display: none;
        height: 1;
        padding: 0 1;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "grade", "Grade", id="submissions.grade", tooltip="Grade the selected submission"),
        Binding("n", "next_ungraded", "Next ungraded", id="submissions.next_ungraded",
                tooltip="Grade the first submission from the cursor on that still needs grading"),
        Binding("slash", "search", "Search", id="submissions.search",
                tooltip="Search by id, name or handle; filter by status, flagged, late, grader"),
        Binding("M", "mine", "Mine", show=False, id="submissions.mine",
                tooltip="Only the submissions the work split gives you (grader assign); again: everyone's"),
        Binding("space", "mark", "Mark ↓", id="submissions.mark",
                tooltip="Mark or unmark the selected row, then move down; on a group's header, the whole "
                "group"),
        # `*`, `F`, `P` and `e`: in `?` and the palette (the Course screen pulls and exports too); the
        # key bar keeps room for this screen's workflow (autograde, group, batch), `escape` and `?`
        Binding("asterisk", "mark_all", "Mark all", show=False, id="submissions.mark_all",
                tooltip="Mark every shown row; when every shown row is marked already, clear all marks"),
        Binding("P", "pull", "Pull", show=False, id="submissions.pull",
                tooltip="Pull the marked submissions (or all when none is marked)"),
        Binding("A", "autograde", "Autograde", id="submissions.autograde",
                tooltip="Run the autograded criteria's checks: the selected, the marked or all submissions"),
        Binding("g", "group", "Group", id="submissions.group",
                tooltip="Group the rows by autograde outcome (the same failing tests), largest group first; "
                "again: the plain list"),
        Binding("B", "batch", "Batch", id="submissions.batch",
                tooltip="Apply one rubric choice to every marked submission, each its own grade event"),
        Binding("c", "by_criterion", "By criterion", id="submissions.by_criterion",
                tooltip="Grade one criterion across every submission"),
        Binding("F", "next_flagged", "Next flagged", show=False, id="submissions.next_flagged",
                tooltip="Move to the next flagged submission"),
        Binding("S", "similarity", "Similar", show=False, id="submissions.similarity",
                tooltip="Similar submissions: pairs by similarity, side by side, verdicts"),
        Binding("e", "export", "Export", show=False, id="submissions.export",
                tooltip="Export this assignment's grades"),
        Binding("escape", "back", "Back", id="submissions.back",
                tooltip="Back to the course (while autograding: cancel the run)"),
    ]  # fmt: skip

    def __init__(self, ctx: CourseContext | QuickContext, assignment_id: str) -> None:
        """``ctx`` may be a quick (read-only) open: rows show at once; writing waits for
        :meth:`use_context` with the fully opened course."""
        super().__init__()
        self.ctx = ctx
        self.listing = SubmissionList(ctx, assignment_id)
        self.wanted = SubmissionFilter()
        self.table = SubmissionTable(self.listing, id="submission-table")
        self.waiting = ""
        """What waits for the full open (shown quietly in the title line), "" when nothing does."""
        self.filtered = None
        self.groups = None
        self._resumed = False

    def use_context(self, ctx: CourseContext) -> None:
        """The course is fully open now (the same files): read and write through it."""
        self.ctx = ctx
        self.listing.use_context(ctx)
        self.follow(ctx)

    def compose(self) -> ComposeResult:
        # Only what the first frame shows: the filter's progress bar is mounted by the first
        # filter, and the keys are one KeyBar, not a Footer (a widget per key): ~70 ms less.
        yield Static(id="submissions-title")
        yield self.table
        yield KeyBar()

    def on_mount(self) -> None:
        self.table.focus()
        self.show_counts()
        if isinstance(self.ctx, CourseContext):
            self.follow(self.ctx)

    def on_screen_resume(self) -> None:
        # Back on top (not its first showing, whose rows were just read): grades may have
        # changed on the grading screen.
        if self._resumed and self.table.is_mounted:
            self.table.reload()
        self._resumed = True

    def on_grading_left(self, message: GradingLeft) -> None:
        """Back from grading: the cursor on the submission graded last (``]`` and ``n`` move on there)."""
        if message.assignment_id == self.assignment_id:
            self.table.move_to_student(message.student_id)

    def show_counts(self) -> None:
        assignment = self.listing.assignment
        line = safe_text(assignment.title, style="bold")
        shown, total = self.table.shown_count, len(self.listing)
        line.append(f"  {shown:,} of {total:,} shown" if shown != total else f"  {total:,} submissions")
        if self.table.marked:
            line.append(f" · {len(self.table.marked):,} marked")
        if not self.wanted.is_empty:
            from grader.tui.screens.filter import describe  # loaded with the filter it describes

            line.append(" · filter: ")
            line.append_text(safe_text(describe(self.wanted), limit=60))
        grouped = self.table.grouped
        if grouped is not None:
            line.append(f" · {grouped.summary}", style="bold")
        line.append_text(self.claims_line())
        if self.waiting:
            line.append(f" · {self.waiting}", style="dim italic")
        self.query_one("#submissions-title", Static).update(line)

    def show_waiting(self, text: str) -> None:
        self.waiting = text
        if self.is_mounted:
            self.show_counts()

    # Navigation

    def action_grade(self) -> None:
        group = self.table.cursor_group
        if group is not None and group.members:  # a group's header: its first submission
            self.table.cursor += 1
        student_id = self.table.cursor_student_id
        if student_id is None:
            self.notify("no submission is shown (clear the filter with / then ctrl+r)", severity="error")
            return
        navigator(self.app).open_grading(self.assignment_id, student_id)

    def action_next_ungraded(self) -> None:
        """Grade the next submission that needs it and that no one else is grading."""
        self.find_from_cursor(
            self.listing.needs_grader,
            inclusive=True,
            then_grade=True,
            nothing="every shown submission is graded or being graded",
        )

    def action_next_flagged(self) -> None:
        self.find_from_cursor(
            lambda: is_flagged, inclusive=False, then_grade=False, nothing="no shown submission is flagged"
        )

    def find_from_cursor(
        self,
        predicate: Callable[[], Callable[[SubmissionStatus], bool]],
        *,
        inclusive: bool,
        then_grade: bool,
        nothing: str,
    ) -> None:
        """Scan from the cursor (a page at a time, wrapping, in a worker) to the first match of
        the test ``predicate()`` makes there (it may read: claims)."""
        table = self.table
        if table.row_count == 0:
            self.notify(nothing, severity="warning")
            return
        after = table.cursor_roster_index() - (1 if inclusive else 0)
        within = None if table.view is None else table.shown_indexes()
        self.find(self.listing, after, within, predicate, then_grade=then_grade, nothing=nothing)

    @work(thread=True, exclusive=True, group="find", exit_on_error=False)
    def find(
        self,
        listing: SubmissionList,
        after: int,
        within: Sequence[int] | None,
        predicate: Callable[[], Callable[[SubmissionStatus], bool]],
        *,
        then_grade: bool,
        nothing: str,
    ) -> None:
        try:
            found = listing.next_matching(after, predicate(), within=within)
        except GraderError as error:
            self.post_message(self.SearchFailed(error))
            return
        student_id = None if found is None else listing.students[found].student_id
        self.post_message(self.SubmissionFound(student_id, then_grade=then_grade, nothing=nothing))

    class SubmissionFound(Message):
        """What a search from the cursor found (None: nothing, said in ``nothing``'s words)."""

        def __init__(self, student_id: str | None, *, then_grade: bool, nothing: str) -> None:
            super().__init__()
            self.student_id = student_id
            self.then_grade = then_grade
            self.nothing = nothing

    @on(SubmissionFound)
    def found(self, message: SubmissionFound) -> None:
        if message.student_id is None:
            self.notify(message.nothing, severity="warning")
            return
        self.table.move_to_student(message.student_id)
        if message.then_grade:
            navigator(self.app).open_grading(self.assignment_id, message.student_id)

    def action_similarity(self) -> None:
        from grader.tui.screens.similarity import SimilarityScreen

        assignment_id = self.assignment_id
        navigator(self.app).when_open(
            "similar submissions", lambda ctx: self.app.push_screen(SimilarityScreen(ctx, assignment_id))
        )

    def action_export(self) -> None:
        navigator(self.app).open_export(self.assignment_id)

    def action_back(self) -> None:
        run = self.autograde_progress()
        if run is not None and run.running:  # escape cancels the run first; again: back
            run.cancel()
            return
        self.dismiss()

    def action_pull(self) -> None:
        marked = self.marked_in_order()
        navigator(self.app).start_pull([self.assignment_id], marked or None)

    # Marks

    def marked_in_order(self) -> list[str]:
        positions = [(self.listing.position_of(sid), sid) for sid in self.table.marked]
        return [sid for _, sid in sorted((p, sid) for p, sid in positions if p is not None)]

    def action_mark(self) -> None:
        table = self.table
        grouped, on_header = table.grouped, table.cursor_group is not None
        table.toggle_mark()
        following = grouped.next_header_row(table.cursor) if grouped and on_header else None
        table.cursor = following if following is not None else table.cursor + 1
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
        from grader.tui.widgets.filter_run import FilterRun

        if wanted is None:
            return
        if wanted.is_empty:
            self.wanted = wanted
            self.filtered = None
            self.show_rows()
            return
        runs = list(self.query("#filter-progress").results(FilterRun))
        if not runs:  # mounted when the first filter runs
            runs = [FilterRun(id="filter-progress", show_eta=False)]
            await self.mount(runs[0], after=self.table)
        runs[0].start(self.listing, wanted)

    async def action_mine(self) -> None:
        from grader.gradebook.mine import mine_toggled

        await self.filter_chosen(mine_toggled(self.wanted))

    def on_filter_run_filtered(self, message: FilterRun.Filtered) -> None:
        self.wanted = message.wanted
        self.filtered = message.indexes
        self.show_rows()
        if not message.indexes:
            self.notify("no submission matches the filter", severity="warning")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An unexpected failure of a search or a flow: the screen is left as it was; the app
        reports it."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            navigator(self.app).report_error(event.worker.error)

"""The first screen: every assignment with its counts, progress and score histogram; the badges."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Header, ListView, Static
from textual.worker import Worker, WorkerState, get_current_worker

from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext
from grader.gradebook.quick import STILL_OPENING, QuickContext
from grader.tui.data.course_summaries import (
    AssignmentSummary,
    BadgeSummary,
    assignment_summary,
    badge_summaries,
)
from grader.tui.navigation import Navigator, navigator
from grader.tui.screens.course_live import CourseLive
from grader.tui.widgets.assignment_list import AssignmentItem, AssignmentList, counting_line
from grader.tui.widgets.grader_progress import GraderProgress
from grader.tui.widgets.key_bar import KeyBar
from grader.tui.widgets.moderation_panel import ModerationPanel

if TYPE_CHECKING:
    from grader.gradebook.counts import AssignmentCounts, BadgeCounts

COUNTS = "course-counts"
BADGES = "course-badges"
"""The two counting workers' groups: cancelled when the course is left, restarted on return."""
CHUNK = 1_000
"""Students counted between two looks at cancellation: about 0.1 s, so `q` quits at once (the
store reads ids 500 at a time anyway, so a smaller chunk costs nothing)."""


def count_assignments(ctx: CourseContext, *, chunk: int) -> Iterator[Progress | AssignmentCounts]:
    """The gradebook's counting, loaded when it first runs (after the first frame, in a worker)."""
    from grader.gradebook.counts import count_assignments as counting

    return counting(ctx, chunk=chunk)


def count_badges(ctx: CourseContext, *, chunk: int) -> Iterator[Progress | list[BadgeCounts]]:
    from grader.gradebook.counts import count_badges as counting

    return counting(ctx, chunk=chunk)


def changes_nothing(screen: object) -> bool:
    """Whether ``screen`` is the keys' help or Textual's command palette. The help's module is
    loaded when first opened, not on the way to the first key: if it is not loaded, it is not shown."""
    help_screens = sys.modules.get("grader.tui.screens.help")
    shown_help = help_screens is not None and isinstance(screen, help_screens.HelpScreen)
    return shown_help or isinstance(screen, CommandPalette)


class CourseScreen(CourseLive):
    """Assignments and badges at a glance; the way into everything else."""

    DEFAULT_CSS = """
    CourseScreen #columns { height: 1fr; }
    CourseScreen #assignments { width: 2fr; height: 1fr; }
    CourseScreen #badges { width: 1fr; height: 1fr; border-left: solid $primary; padding: 0 1; }
    CourseScreen AssignmentItem { padding: 0 1 1 1; height: auto; }
    CourseScreen .section { text-style: bold; padding: 0 1; }
    CourseScreen #waiting { padding: 0 1; color: $text-muted; text-style: italic; display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "open_assignment", "Open", id="course.open", tooltip="Grade the selected assignment"
        ),
        Binding(
            "b", "badges", "Badges", id="course.badges", tooltip="Who earned which badge, what is missing"
        ),
        Binding(
            "s", "students", "Students", id="course.students", tooltip="Find a student, open their grades"
        ),
        Binding(
            "m",
            "moderation",
            "Moderate",
            id="course.moderation",
            tooltip="Second-mark, blind, the highlighted assignment's submissions queued for you",
        ),
        Binding("P", "pull", "Pull all", id="course.pull", tooltip="Fetch every student's repository"),
        Binding("e", "export", "Export", id="course.export", tooltip="Export grades, feedback, the report"),
        Binding("q", "quit", "Quit", id="course.quit", tooltip="Leave grader (everything is already saved)"),
    ]

    class ChunkCounted(Message):
        """Counting of one assignment (``key``: its id) or of the badges ("badges") moved on."""

        def __init__(self, key: str, done: int, total: int) -> None:
            super().__init__()
            self.key = key
            self.done = done
            self.total = total

    class AssignmentCounted(Message):
        def __init__(self, summary: AssignmentSummary) -> None:
            super().__init__()
            self.summary = summary

    class BadgesCounted(Message):
        def __init__(self, badges: list[BadgeSummary]) -> None:
            super().__init__()
            self.badges = badges

    def __init__(self, ctx: CourseContext | QuickContext, *, chunk: int = CHUNK) -> None:
        """``ctx`` may be a quick (read-only) open: the assignments show at once; counting and
        everything else waits for :meth:`use_context` with the fully opened course."""
        super().__init__()
        self.quick = ctx if isinstance(ctx, QuickContext) else None
        self._ctx = ctx if isinstance(ctx, CourseContext) else None
        self.chunk = chunk
        """Students counted between two looks at cancellation (and two progress messages)."""
        self.summaries: dict[str, AssignmentSummary] = {}
        self.badges: list[BadgeSummary] | None = None
        self.stale = True
        """Counts are to be (re)counted when this screen next shows."""

    @property
    def ctx(self) -> CourseContext:
        """The fully open course (a quick open: after :meth:`use_context`)."""
        if self._ctx is None:
            raise GraderError(STILL_OPENING)
        return self._ctx

    def compose(self) -> ComposeResult:
        files = self.quick.files if self.quick is not None else self.ctx.files
        course = files.course
        yield Header()
        with Horizontal(id="columns"):
            with Vertical(id="assignments"):
                yield Static(
                    Text(f"{course.title} · {course.term} · {len(files.students):,} students"),
                    classes="section",
                )
                yield Static(id="waiting")
                yield AssignmentList(
                    *(
                        AssignmentItem(a.id, a.title, f"{a.deadline:%Y-%m-%d %H:%M}")
                        for a in course.assignments
                    ),
                    id="assignment-list",
                )
            with Vertical(id="badges"):
                yield Static(Text("Badges", style="bold"))
                yield Static(Text("counting…", style="dim italic"), id="badge-list")
                yield GraderProgress("assignment-list", id="grader-progress")
                yield ModerationPanel("assignment-list", id="moderation-panel")
        yield KeyBar()  # one widget, not Footer's one per key: the first frame comes sooner

    def on_mount(self) -> None:
        self.query_one(AssignmentList).focus()
        if self._ctx is not None:
            self.follow(self._ctx)

    def use_context(self, ctx: CourseContext) -> None:
        """The course is fully open now: count through it (the list again if the files changed)."""
        quick, self.quick, self._ctx = self.quick, None, ctx
        if quick is not None and quick.files.course != ctx.files.course:
            self.refresh(recompose=True)
        self.follow(ctx)
        self.on_screen_resume()

    def show_waiting(self, text: str) -> None:
        """What waits for the full open, quietly under the course's title ("": nothing)."""
        note = self.query_one("#waiting", Static)
        note.update(Text(text))
        note.display = bool(text)

    def when_open(self, what: str, action: Callable[[CourseContext], object]) -> None:
        if self._ctx is not None:
            action(self._ctx)
        else:  # a quick open: the app does it once the course is fully open
            self.go.when_open(what, action)

    @property
    def go(self) -> Navigator:
        return navigator(self.app)

    def on_screen_resume(self) -> None:
        # Counts change while other screens grade or pull: recount whenever the course shows again.
        # Not when another screen was pushed straight over this one (the app opened on an
        # assignment): counting a large class would compete with that screen's first rows.
        # Nor before a quick open is complete (use_context starts it).
        if self.is_current and self.stale and self.quick is None:
            self.stale = False
            self.load_counts(self.ctx, self.chunk)
            self.load_badges(self.ctx, self.chunk)
            for panel in self.query(GraderProgress):  # the Graders and Moderation panels
                panel.show_for(self.ctx, self.selected_assignment())

    def on_screen_suspend(self) -> None:
        # Another screen's reads should not wait behind counting: stop it (between two chunks),
        # and count afresh on return (that screen may grade or pull). Help and the command
        # palette change nothing: counting goes on underneath them.
        if not changes_nothing(self.app.screen):
            self.workers.cancel_group(self, COUNTS)
            self.workers.cancel_group(self, BADGES)
            self.stop_recounting()
            self.stale = True

    @work(thread=True, exclusive=True, group=COUNTS, exit_on_error=False)
    def load_counts(self, ctx: CourseContext, chunk: int) -> None:
        """Each assignment's counts, a chunk of students at a time; stops between chunks when cancelled."""
        worker = get_current_worker()
        for found in count_assignments(ctx, chunk=chunk):
            if worker.is_cancelled:
                return
            if isinstance(found, Progress):
                self.post_message(self.ChunkCounted(found.message, found.done, found.total))
            else:
                self.post_message(self.AssignmentCounted(assignment_summary(ctx.files.course, found)))

    @work(thread=True, exclusive=True, group=BADGES, exit_on_error=False)
    def load_badges(self, ctx: CourseContext, chunk: int) -> None:
        worker = get_current_worker()
        for found in count_badges(ctx, chunk=chunk):
            if worker.is_cancelled:
                return
            if isinstance(found, Progress):
                self.post_message(self.ChunkCounted("badges", found.done, found.total))
            else:
                self.post_message(self.BadgesCounted(badge_summaries(ctx.files.course, found)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A count that failed says so where its figures would be, and is tried again when the
        course next shows; the reason goes to the app's error funnel."""
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        failed = Text("counting failed: see the message", style="red")
        if event.worker.group == COUNTS:
            for item in self.query(AssignmentItem):
                if item.assignment_id not in self.summaries:
                    item.failed(failed)
        elif event.worker.group == BADGES and self.badges is None:
            self.query_one("#badge-list", Static).update(failed)
        self.stop_recounting()
        self.stale = True
        self.go.report_error(event.worker.error)

    @on(ChunkCounted)
    def show_progress(self, message: ChunkCounted) -> None:
        if message.key == "badges":
            if self.badges is None:  # a recount leaves the last figures up until it is done
                self.query_one("#badge-list", Static).update(counting_line(message.done, message.total))
            return
        for item in self.query(AssignmentItem):
            if item.assignment_id == message.key:
                item.counting(message.done, message.total)

    @on(AssignmentCounted)
    def show_counts(self, message: AssignmentCounted) -> None:
        self.show_summary(message.summary)

    def show_summary(self, summary: AssignmentSummary) -> None:
        self.summaries[summary.assignment_id] = summary
        for item in self.query(AssignmentItem):
            if item.assignment_id == summary.assignment_id:
                item.show(summary)

    @on(BadgesCounted)
    def show_badges(self, message: BadgesCounted) -> None:
        self.badges = message.badges
        text = Text()
        if not message.badges:
            text.append("this course has no badges", style="dim")
        for badge in message.badges:
            text.append(f"{badge.title}\n", style="bold")
            text.append(f"  {badge.earned:,} earned / {badge.eligible:,} eligible")
            if badge.undetermined:
                text.append(f" · {badge.undetermined:,} wait on a rubric change", style="yellow")
            text.append("\n")
        self.query_one("#badge-list", Static).update(text)

    def selected_assignment(self) -> str | None:
        highlighted = self.query_one(AssignmentList).highlighted_child
        return highlighted.assignment_id if isinstance(highlighted, AssignmentItem) else None

    @on(ListView.Selected)
    def clicked(self, event: ListView.Selected) -> None:
        if isinstance(event.item, AssignmentItem):
            navigator(self.app).open_submissions(event.item.assignment_id)

    def action_open_assignment(self) -> None:
        assignment_id = self.selected_assignment()
        if assignment_id is not None:
            navigator(self.app).open_submissions(assignment_id)

    def action_badges(self) -> None:
        from grader.tui.screens.course_badges import BadgesScreen

        self.when_open("show the badges", lambda ctx: self.app.push_screen(BadgesScreen(ctx)))

    def action_students(self) -> None:
        from grader.tui.screens.course_students import StudentsScreen

        self.when_open("find a student", lambda ctx: self.app.push_screen(StudentsScreen(ctx)))

    def action_moderation(self) -> None:
        from grader.tui.screens.moderation_queue import ModerationQueueScreen

        assignment_id = self.selected_assignment()
        if assignment_id is not None:
            self.when_open(
                f"open the moderation queue of {assignment_id}",
                lambda ctx: self.app.push_screen(ModerationQueueScreen(ctx, assignment_id)),
            )

    def action_pull(self) -> None:
        navigator(self.app).start_pull()

    def action_export(self) -> None:
        navigator(self.app).open_export(self.selected_assignment())

    async def action_quit(self) -> None:
        await self.app.action_quit()  # the app asks any screen with work not saved yet

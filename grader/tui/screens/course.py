"""The first screen: every assignment with its counts, progress and score histogram; the badges."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, ListItem, ListView, Static

from grader.gradebook.context import CourseContext
from grader.gradebook.mastery import mastery_report
from grader.tui.navigation import navigator
from grader.tui.screens.course_data import (
    AssignmentSummary,
    BadgeSummary,
    assignment_summaries,
    badge_summaries,
)
from grader.tui.widgets.histogram import histogram, progress_line


class AssignmentList(ListView, inherit_bindings=False):
    """The assignments; `enter` belongs to the screen (so it can be remapped by id)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Previous", show=False),
        Binding("down,j", "cursor_down", "Next", show=False),
    ]


class AssignmentItem(ListItem):
    """One assignment: title and due date, then its counts and charts once they are counted."""

    def __init__(self, assignment_id: str, title: str, due: str) -> None:
        super().__init__(id=f"assignment-{assignment_id}")
        self.assignment_id = assignment_id
        self.heading = Text.assemble((assignment_id, "bold"), "  ", title, "  ", (f"due {due}", "dim"))
        self.summary: AssignmentSummary | None = None

    def compose(self) -> ComposeResult:
        yield Static(Group(self.heading, Text("counting…", style="dim italic")), classes="body")

    def show(self, summary: AssignmentSummary) -> None:
        self.summary = summary
        counts = Text.assemble(
            "pulled ",
            (f"{summary.pulled:,}", "bold"),
            " · graded ",
            (f"{summary.graded:,}", "bold"),
            " · total ",
            (f"{summary.total:,}", "bold"),
        )
        parts: list[Text] = [self.heading, counts, progress_line(summary.graded, summary.total)]
        if summary.refused:
            parts.append(Text(f"rubric change needs mapping: {summary.refused}", style="red"))
        elif summary.fractions:
            parts.append(histogram(summary.fractions))
        else:
            parts.append(Text("no graded submissions yet", style="dim"))
        self.query_one(".body", Static).update(Group(*parts))


class CourseScreen(Screen[None]):
    """Assignments and badges at a glance; the way into everything else."""

    DEFAULT_CSS = """
    CourseScreen #columns { height: 1fr; }
    CourseScreen #assignments { width: 2fr; height: 1fr; }
    CourseScreen #badges { width: 1fr; height: 1fr; border-left: solid $primary; padding: 0 1; }
    CourseScreen AssignmentItem { padding: 0 1 1 1; height: auto; }
    CourseScreen .section { text-style: bold; padding: 0 1; }
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
        Binding("P", "pull", "Pull all", id="course.pull", tooltip="Fetch every student's repository"),
        Binding("e", "export", "Export", id="course.export", tooltip="Export grades, feedback, the report"),
        Binding("q", "quit", "Quit", id="course.quit", tooltip="Leave grader (everything is already saved)"),
    ]

    class CountsLoaded(Message):
        def __init__(self, summaries: list[AssignmentSummary]) -> None:
            super().__init__()
            self.summaries = summaries

    class BadgesLoaded(Message):
        def __init__(self, badges: list[BadgeSummary]) -> None:
            super().__init__()
            self.badges = badges

    def __init__(self, ctx: CourseContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.summaries: dict[str, AssignmentSummary] = {}
        self.badges: list[BadgeSummary] | None = None

    def compose(self) -> ComposeResult:
        course = self.ctx.files.course
        yield Header()
        with Horizontal(id="columns"):
            with Vertical(id="assignments"):
                yield Static(
                    Text(f"{course.title} · {course.term} · {len(self.ctx.files.students):,} students"),
                    classes="section",
                )
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
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(AssignmentList).focus()

    def on_screen_resume(self) -> None:
        # Counts change while other screens grade or pull: recount whenever the course shows again.
        self.load_counts()
        self.load_badges()

    @work(thread=True, exclusive=True, group="course-counts")
    def load_counts(self) -> None:
        self.post_message(self.CountsLoaded(assignment_summaries(self.ctx)))

    @work(thread=True, exclusive=True, group="course-badges")
    def load_badges(self) -> None:
        report = mastery_report(self.ctx)
        self.post_message(self.BadgesLoaded(badge_summaries(self.ctx, report)))

    @on(CountsLoaded)
    def show_counts(self, message: CountsLoaded) -> None:
        self.summaries = {s.assignment_id: s for s in message.summaries}
        for item in self.query(AssignmentItem):
            if (summary := self.summaries.get(item.assignment_id)) is not None:
                item.show(summary)

    @on(BadgesLoaded)
    def show_badges(self, message: BadgesLoaded) -> None:
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

        self.app.push_screen(BadgesScreen(self.ctx))

    def action_students(self) -> None:
        from grader.tui.screens.course_students import StudentsScreen

        self.app.push_screen(StudentsScreen(self.ctx))

    def action_pull(self) -> None:
        navigator(self.app).start_pull()

    def action_export(self) -> None:
        navigator(self.app).open_export(self.selected_assignment())

    def action_quit(self) -> None:
        self.app.exit()

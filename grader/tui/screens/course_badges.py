"""`b` on the course: every badge, who earned it, and what the others still miss."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import Worker, WorkerState, get_current_worker

from grader.domain.mastery import BadgeEvaluation, BadgeStatus
from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext
from grader.gradebook.counts import badge_evaluations
from grader.tui.data.badge_listing import BadgeListing
from grader.tui.navigation import navigator
from grader.tui.safe import safe_text
from grader.tui.widgets.key_bar import KeyBar


def hanging(prefix: Text, body: Text) -> Table:
    """``prefix`` then ``body``, whose wrapped lines stay indented under its first (not under
    the prefix): a hanging indent, so the ids stay a clear column."""
    table = Table.grid()
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    table.add_row(prefix, body)
    return table


def _student_line(evaluation: BadgeEvaluation, name: str) -> Table:
    body = Text()  # wraps (a safe_text alone does not)
    body.append_text(safe_text(name, limit=40))
    if evaluation.status is BadgeStatus.NOT_YET:
        body.append(" — " + "; ".join(evaluation.shortfalls()), style="yellow")
    prefix = Text("    ")
    prefix.append_text(safe_text(evaluation.student_id, style="bold"))
    prefix.append(" ")
    return hanging(prefix, body)


def badges_text(ctx: CourseContext, listing: BadgeListing) -> Group:
    wanted = {e.student_id for shown in listing.listed.values() for e in shown}
    names = {s.student_id: s.name for s in ctx.files.students if s.student_id in wanted}
    lines: list[RenderableType] = []
    if not ctx.files.course.badges:
        lines.append(Text("this course has no badges", style="dim"))
    for index, badge in enumerate(ctx.files.course.badges):
        earned = listing.counts[(badge.id, BadgeStatus.EARNED)]
        waiting = listing.counts[(badge.id, BadgeStatus.UNDETERMINED)]
        missing = listing.counts[(badge.id, BadgeStatus.NOT_YET)]
        lines.append(Text(badge.title, style="bold"))
        lines.append(Text(badge.criteria, style="dim"))
        counts = f"{earned:,} earned · {missing:,} not yet"
        lines.append(Text(counts + (f" · {waiting:,} wait on a rubric change" if waiting else "")))
        for label, status, count, style in (
            ("earned", BadgeStatus.EARNED, earned, "green"),
            ("not yet", BadgeStatus.NOT_YET, missing, ""),
        ):
            if not count:
                continue
            lines.append(Text(f"  {label}:", style="bold " + style))
            for evaluation in listing.listed.get((badge.id, status), []):
                lines.append(_student_line(evaluation, names.get(evaluation.student_id, "")))
            if count > listing.limit:
                lines.append(Text(f"    … and {count - listing.limit:,} more", style="dim"))
        if index < len(ctx.files.course.badges) - 1:
            lines.append(Text(""))
    return Group(*lines)


class BadgesScreen(Screen[None]):
    """Badge by badge: earned, not yet (and why)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="badges.back", tooltip="Back to the course"),
    ]

    class ReportLoaded(Message):
        def __init__(self, text: RenderableType) -> None:
            super().__init__()
            self.text = text

    def __init__(self, ctx: CourseContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(Text("evaluating badges…", style="dim italic"), id="badge-report")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load(self.ctx)

    @work(thread=True, exclusive=True, group="badges", exit_on_error=False)
    def load(self, ctx: CourseContext) -> None:
        """Every student's evaluations a chunk at a time (stops between chunks when cancelled)."""
        worker = get_current_worker()
        listing = BadgeListing()
        for found in badge_evaluations(ctx):
            if worker.is_cancelled:
                return
            if isinstance(found, Progress):
                line = Text(f"evaluating badges {found.done:,} / {found.total:,}", style="dim italic")
                self.post_message(self.ReportLoaded(line))
            else:
                listing.add(found)
        self.post_message(self.ReportLoaded(badges_text(ctx, listing)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            failed = Text("evaluating the badges failed: see the message (escape: back)", style="red")
            self.query_one("#badge-report", Static).update(failed)
            navigator(self.app).report_error(event.worker.error)

    @on(ReportLoaded)
    def show(self, message: ReportLoaded) -> None:
        self.query_one("#badge-report", Static).update(message.text)

    def action_back(self) -> None:
        self.dismiss(None)

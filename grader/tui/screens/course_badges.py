"""`b` on the course: every badge, who earned it, and what the others still miss."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from grader.domain.mastery import BadgeStatus
from grader.gradebook.context import CourseContext
from grader.gradebook.mastery import MasteryReport, mastery_report
from grader.tui.safe import safe_text

LISTED = 100
"""Students listed per badge and status (a course may have 100,000): the counts are always whole."""


def badges_text(ctx: CourseContext, report: MasteryReport, limit: int = LISTED) -> Text:
    names = {s.student_id: s.name for s in report.students}
    text = Text()
    if not ctx.files.course.badges:
        text.append("this course has no badges", style="dim")
    for index, badge in enumerate(ctx.files.course.badges):
        evaluations = [
            e for s in report.students for e in report.badges[s.student_id] if e.badge_id == badge.id
        ]
        earned = [e for e in evaluations if e.status is BadgeStatus.EARNED]
        waiting = [e for e in evaluations if e.status is BadgeStatus.UNDETERMINED]
        missing = [e for e in evaluations if e.status is BadgeStatus.NOT_YET]
        text.append(f"{badge.title}\n", style="bold")
        text.append(f"{badge.criteria}\n", style="dim")
        text.append(f"{len(earned):,} earned · {len(missing):,} not yet")
        text.append(f" · {len(waiting):,} wait on a rubric change\n" if waiting else "\n")
        for label, group, style in (("earned", earned, "green"), ("not yet", missing, "")):
            if not group:
                continue
            text.append(f"  {label}:\n", style="bold " + style)
            for evaluation in group[:limit]:
                text.append("    ")
                text.append_text(safe_text(evaluation.student_id, style="bold"))
                text.append(" ")
                text.append_text(safe_text(names.get(evaluation.student_id, ""), limit=40))
                if evaluation.status is BadgeStatus.NOT_YET:
                    text.append(" — " + "; ".join(evaluation.shortfalls()), style="yellow")
                text.append("\n")
            if len(group) > limit:
                text.append(f"    … and {len(group) - limit:,} more\n", style="dim")
        if index < len(ctx.files.course.badges) - 1:
            text.append("\n")
    return text


class BadgesScreen(Screen[None]):
    """Badge by badge: earned, not yet (and why)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="badges.back", tooltip="Back to the course"),
    ]

    class ReportLoaded(Message):
        def __init__(self, text: Text) -> None:
            super().__init__()
            self.text = text

    def __init__(self, ctx: CourseContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(Text("evaluating badges…", style="dim italic"), id="badge-report")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="badges")
    def load(self) -> None:
        self.post_message(self.ReportLoaded(badges_text(self.ctx, mastery_report(self.ctx))))

    @on(ReportLoaded)
    def show(self, message: ReportLoaded) -> None:
        self.query_one("#badge-report", Static).update(message.text)

    def action_back(self) -> None:
        self.dismiss(None)

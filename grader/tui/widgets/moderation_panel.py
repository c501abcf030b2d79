"""The highlighted assignment's moderation: how many submissions are queued for second marking,
exact agreement and mean point difference overall and per criterion, and how many
disagreements wait to be resolved; hidden while nothing is queued. The Graders panel's
pattern (it follows the highlight and reads in a worker)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.message import Message

from grader.tui.safe import safe_text
from grader.tui.widgets.grader_progress import NAME_WIDTH, GraderProgress

if TYPE_CHECKING:
    from grader.domain.agreement import Agreement, AgreementReport
    from grader.gradebook.context import CourseContext


def _figures(agreement: Agreement) -> str:
    mean = "" if agreement.mean_difference is None else f" · mean {agreement.mean_difference:+.2f}"
    return f"  {agreement.agreed}/{agreement.marks} agree ({agreement.share:.0%}){mean}"


def moderation_text(assignment_id: str, report: AgreementReport, queued: int) -> Text:
    """``Moderation · a1``, the queue and the marks, then two lines overall and per criterion
    (the column is narrow): the name, then agreed / second marks, exact agreement and the mean
    point difference (second − first)."""
    text = Text()
    text.append("Moderation · ", style="bold")
    text.append_text(safe_text(assignment_id, style="bold", limit=NAME_WIDTH + 6))
    overall = report.overall
    text.append(f"\n{queued:,} queued · {overall.marks:,} second marks", style="dim")
    if not overall.marks:
        return text
    text.append(f"\nall criteria\n{_figures(overall)}")
    for row in report.by_criterion:
        text.append("\n")
        text.append_text(safe_text(row.key, limit=NAME_WIDTH))
        text.append(f"\n{_figures(row)}")
    text.append(f"\n{len(report.disagreements):,} disagreement(s) to resolve", style="dim")
    return text


class ModerationPanel(GraderProgress):
    """Follows the assignment list ``list_id`` like the Graders panel; reads
    :func:`grader.gradebook.moderation.moderation_summary` in a worker."""

    DEFAULT_CSS = """
    ModerationPanel { display: none; height: auto; padding: 1 0 0 0; }
    """

    @dataclass
    class Summarized(Message):
        assignment_id: str
        summary: tuple[AgreementReport, int] | None

    @work(thread=True, exclusive=True, group="moderation-panel", exit_on_error=False)
    def load(self, ctx: CourseContext, assignment_id: str) -> None:
        from grader.gradebook.moderation import moderation_summary  # loaded when first shown

        self.post_message(self.Summarized(assignment_id, moderation_summary(ctx, assignment_id)))

    @on(Summarized)
    def summarized(self, message: Summarized) -> None:
        message.stop()
        if message.assignment_id != self.assignment_id:
            return  # the highlight moved on meanwhile
        self.display = message.summary is not None
        if message.summary is not None:
            self.update(moderation_text(message.assignment_id, *message.summary))

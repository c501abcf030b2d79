"""Each grader's progress on the highlighted assignment's work split (``grader assign``): done /
assigned per grader, read in a worker; hidden while the assignment has no split."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import ListView, Static
from textual.worker import Worker, WorkerState

from grader.tui.navigation import navigator
from grader.tui.safe import safe_text
from grader.tui.widgets.histogram import progress_line

if TYPE_CHECKING:
    from grader.gradebook.context import CourseContext
    from grader.gradebook.split_progress import SplitProgress

NAME_WIDTH = 20
BAR_WIDTH = 24
MODES = {"submissions": "by submission", "sections": "by section", "criteria": "by criterion"}


def progress_text(progress: SplitProgress) -> Text:
    """``Graders · a1`` and how it is split, then two lines per grader: name and done /
    assigned, a bar (the column is narrow)."""
    text = Text()
    text.append("Graders · ", style="bold")
    text.append_text(safe_text(progress.assignment_id, style="bold", limit=NAME_WIDTH + 6))
    text.append(f"\nsplit {MODES[progress.mode.value]}", style="dim")
    for figure in progress.graders:
        text.append("\n")
        text.append_text(safe_text(figure.grader.ljust(NAME_WIDTH), limit=NAME_WIDTH))
        text.append(f" {figure.done:>4,} / {figure.assigned:,}\n")
        text.append_text(progress_line(figure.done, figure.assigned, width=BAR_WIDTH))
    return text


class GraderProgress(Static):
    """Follows the highlight of the assignment list ``list_id`` once :meth:`show_for` gave it the
    open course; reads :func:`grader.gradebook.split_progress.split_progress` in a worker."""

    DEFAULT_CSS = """
    GraderProgress { display: none; height: auto; padding: 1 0 0 0; }
    """

    @dataclass
    class Read(Message):
        assignment_id: str
        progress: SplitProgress | None

    def __init__(self, list_id: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.list_id = list_id
        self.ctx: CourseContext | None = None
        self.assignment_id: str | None = None

    def on_mount(self) -> None:
        self.watch(self.assignment_list, "index", self.highlight_moved, init=False)

    @property
    def assignment_list(self) -> ListView:
        return self.screen.query_one(f"#{self.list_id}", ListView)

    def show_for(self, ctx: CourseContext, assignment_id: str | None) -> None:
        """Read (again) the progress of ``assignment_id`` through the open course ``ctx``."""
        self.ctx = ctx
        self.assignment_id = assignment_id
        if assignment_id is None:
            self.display = False
            return
        self.load(ctx, assignment_id)

    def changed(self, assignment_ids: Collection[str]) -> None:
        """Assignments changed in the gradebook (another grader saved): read again if shown."""
        if self.ctx is not None and self.assignment_id in assignment_ids:
            self.show_for(self.ctx, self.assignment_id)

    def highlight_moved(self) -> None:
        highlighted = self.assignment_list.highlighted_child
        assignment_id = getattr(highlighted, "assignment_id", None)
        if self.ctx is not None and isinstance(assignment_id, str) and assignment_id != self.assignment_id:
            self.show_for(self.ctx, assignment_id)

    @work(thread=True, exclusive=True, group="grader-progress", exit_on_error=False)
    def load(self, ctx: CourseContext, assignment_id: str) -> None:
        from grader.gradebook.split_progress import split_progress  # loaded when first shown

        self.post_message(self.Read(assignment_id, split_progress(ctx, assignment_id)))

    @on(Read)
    def read(self, message: Read) -> None:
        message.stop()
        if message.assignment_id != self.assignment_id:
            return  # the highlight moved on meanwhile
        progress = message.progress
        self.display = progress is not None and bool(progress.graders)
        if progress is not None:
            self.update(progress_text(progress))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.display = False
            navigator(self.app).report_error(event.worker.error)

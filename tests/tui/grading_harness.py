"""The app with one grading screen mounted alone (navigation recorded, not done); waiting helpers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.syntax import Syntax
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerState

from grader.gradebook.context import CourseContext
from grader.tui.app import GraderApp
from grader.tui.screens.grading import GradingScreen

A1 = "a1-calculator"
SIZE = (170, 45)


class Harness(GraderApp):
    """The real app (its notifications, error reports and quitting) showing only ``screen``;
    the Navigator's moves to other screens are recorded, not made."""

    def __init__(self, screen: GradingScreen) -> None:
        super().__init__(screen.ctx)
        self.grading = screen
        self.calls: list[tuple[str, tuple[object, ...]]] = []

    def on_mount(self, event: events.Mount) -> None:
        event.prevent_default()  # not the app's own start (the Course screen, the keymap)
        self.push_screen(self.grading)

    def open_submissions(self, assignment_id: str) -> None:
        self.calls.append(("open_submissions", (assignment_id,)))

    def open_grading(
        self,
        assignment_id: str,
        student_id: str,
        *,
        criterion_id: str | None = None,
        by_criterion: bool = False,
    ) -> None:
        self.calls.append(("open_grading", (assignment_id, student_id, criterion_id, by_criterion)))

    def open_student(self, student_id: str) -> None:
        self.calls.append(("open_student", (student_id,)))

    def open_export(self, assignment_id: str | None = None) -> None:
        self.calls.append(("open_export", (assignment_id,)))

    def start_pull(
        self, assignment_ids: Sequence[str] | None = None, student_ids: Sequence[str] | None = None
    ) -> None:
        self.calls.append(("start_pull", (assignment_ids, student_ids)))


def busy(app: App[Any]) -> bool:
    """A worker other than the long-lived save queue is still running."""
    active = (WorkerState.PENDING, WorkerState.RUNNING)
    return any(w.state in active and w.name != "saves" for w in app.workers)


async def until(pilot: Pilot[Any], done: Callable[[], object], what: str) -> None:
    """Wait until ``done()`` holds (the UI running meanwhile); fail naming ``what`` after ~10 s."""
    for _ in range(500):
        if done():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"never happened: {what}")


async def settle(pilot: Pilot[Any], screen: GradingScreen, student_id: str | None = None) -> None:
    """Wait until the screen shows ``student_id`` (or any), every save is done and workers are idle."""
    for _ in range(500):
        await pilot.pause(0.02)
        shown = screen.loaded.student.student_id if screen.loaded else None
        ready = screen.state is not None and (student_id is None or shown == student_id)
        if ready and screen.saves.pending == 0 and not busy(pilot.app):
            await pilot.pause(0.05)
            if screen.saves.pending == 0 and not busy(pilot.app):
                return
    raise AssertionError(f"the grading screen did not settle on {student_id}")


def pulled_students(ctx: CourseContext, assignment_id: str = A1) -> list[str]:
    """Roster-ordered ids of students whose submission has a graded commit."""
    states = ctx.store.pull_states(assignment_id)
    return [
        s.student_id
        for s in ctx.files.students
        if (state := states.get(s.student_id)) is not None and state.graded_commit
    ]


def notifications(app: GraderApp) -> list[str]:
    """Every message the app showed, oldest first."""
    return [message for _severity, message in app.messages_shown]


def viewer_text(screen: GradingScreen) -> str:
    """The viewer's header and body as plain text (the code of a highlighted file)."""
    header = screen.query_one("#viewer-header", Static).content
    body = screen.query_one("#viewer-body", Static).content
    shown = body.code if isinstance(body, Syntax) else str(body)
    return f"{header}\n{shown}"


def header_text(screen: GradingScreen) -> str:
    return str(screen.query_one("#grading-header", Static).content)

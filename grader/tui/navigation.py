"""How screens ask the app to go somewhere, or to report a failure: the app implements these,
screens call them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol, TypedDict, Unpack, cast, runtime_checkable

from textual.app import App
from textual.message import Message

if TYPE_CHECKING:
    from grader.gradebook.context import CourseContext


class GradingPlace(TypedDict, total=False):
    """Where the Grading screen opens in a submission."""

    criterion_id: str | None
    """On this criterion (else the first)."""
    by_criterion: bool
    """Grading one criterion across every submission: the next opens in place."""


class Navigator(Protocol):
    def open_submissions(self, assignment_id: str) -> None: ...

    def open_grading(self, assignment_id: str, student_id: str, **where: Unpack[GradingPlace]) -> None: ...

    def open_student(self, student_id: str) -> None: ...

    def open_export(self, assignment_id: str | None = None) -> None: ...

    def start_pull(
        self, assignment_ids: Sequence[str] | None = None, student_ids: Sequence[str] | None = None
    ) -> None: ...

    def when_open(self, what: str, action: Callable[[CourseContext], object]) -> None:
        """Do ``action`` on the fully open course: now, or once a quick open has become a full one
        (in the order asked; ``what`` names it meanwhile)."""

    def report_error(self, error: BaseException) -> None:
        """The one place a failure becomes a message (and, when unexpected, a crash log)."""


class GradingLeft(Message):
    """The grading screen was left showing this submission (the list below puts its cursor there)."""

    def __init__(self, assignment_id: str, student_id: str) -> None:
        super().__init__()
        self.assignment_id = assignment_id
        self.student_id = student_id


@runtime_checkable
class ConfirmsQuit(Protocol):
    """A screen that may hold the app's quit back (work not saved yet): True when it took
    ``quit_app`` and calls it once it may."""

    def confirm_quit(self, quit_app: Callable[[], object]) -> bool: ...


@runtime_checkable
class ShowsWaiting(Protocol):
    """A screen that shows, quietly, what waits for the full open ("" when nothing does)."""

    def show_waiting(self, text: str) -> None: ...


def navigator(app: App[object]) -> Navigator:
    """The running app as a Navigator (GraderApp implements every method)."""
    return cast(Navigator, app)


class OpeningApp(App[None]):
    """The app's side of navigation: each screen a key asks for opens now, or, while a quick open
    is becoming a full one, once it is done, in the order asked (never refused)."""

    def __init__(self, full: CourseContext | None) -> None:
        super().__init__()
        self.full = full
        """The fully open course; None while a quick open is still becoming one."""
        self.waiting_actions: list[tuple[str, Callable[[CourseContext], object]]] = []
        """What waits for the full open, in the order it was asked: (what, action)."""

    def when_open(self, what: str, action: Callable[[CourseContext], object]) -> None:
        """Do ``action`` on the fully open course: now, or (after whatever waits already) as soon
        as the full open is done. ``what`` says what waits, in the screens' "opening…" note."""
        if self.full is not None and not self.waiting_actions:
            action(self.full)
            return
        self.waiting_actions.append((what, action))
        self.show_waiting()

    def show_waiting(self) -> None:
        count = len(self.waiting_actions)
        if count == 0:
            text = ""
        elif count == 1:
            text = f"opening the course… then: {self.waiting_actions[0][0]}"
        else:
            text = f"opening the course… then {count} actions, first: {self.waiting_actions[0][0]}"
        for screen in self.screen_stack:
            if isinstance(screen, ShowsWaiting):
                screen.show_waiting(text)

    # Screens are imported when first used.

    def action_open_students(self) -> None:
        from grader.tui.screens.course_students import StudentsScreen

        self.when_open("find a student", lambda ctx: self.push_screen(StudentsScreen(ctx)))

    def open_grading(self, assignment_id: str, student_id: str, **where: Unpack[GradingPlace]) -> None:
        from grader.tui.screens.grading import GradingScreen

        def grade(ctx: CourseContext) -> None:
            self.push_screen(GradingScreen(ctx, assignment_id, student_id, **where))

        self.when_open(f"grade a submission of {assignment_id}", grade)

    def open_student(self, student_id: str) -> None:
        from grader.tui.screens.student import StudentScreen

        self.when_open(
            f"open student {student_id}", lambda ctx: self.push_screen(StudentScreen(ctx, student_id))
        )

    def open_export(self, assignment_id: str | None = None) -> None:
        from grader.tui.screens.export import ExportModal

        self.when_open("export", lambda ctx: self.push_screen(ExportModal(ctx, assignment_id)))

    def start_pull(
        self, assignment_ids: Sequence[str] | None = None, student_ids: Sequence[str] | None = None
    ) -> None:
        from grader.tui.screens.pull import PullScreen

        def pull(ctx: CourseContext) -> None:
            if any(isinstance(screen, PullScreen) for screen in self.screen_stack):
                self.notify("a pull is already running", severity="warning")
                return
            self.push_screen(PullScreen(ctx, assignment_ids, student_ids))

        self.when_open("pull", pull)

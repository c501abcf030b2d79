"""The grading app: opens on the course, moves between screens, and turns failures into messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.notifications import SeverityLevel
from textual.worker import WorkerFailed

from grader.domain.errors import GraderError
from grader.domain.text import printable
from grader.gradebook.context import CourseContext
from grader.gradebook.quick import STILL_OPENING, QuickContext
from grader.tui.crash import crash_log, internal_message
from grader.tui.keymap import config_paths, grader_binding_ids, load_keymap, unknown_ids


def screen_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (not on the first frame)."""
    from grader.tui.commands import ScreenCommands

    return ScreenCommands


class GraderApp(App[None]):
    """Keyboard-first grading of one course; screens navigate through the methods below."""

    TITLE = "grader"
    COMMANDS: ClassVar = App.COMMANDS | {screen_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: `?` works on modal screens too; a focused Input still takes `?` as text
        Binding(
            "question_mark",
            "help",
            "Keys",
            id="app.help",
            tooltip="Show the keys of this screen",
            priority=True,
        ),
    ]

    def __init__(
        self,
        ctx: CourseContext | QuickContext,
        *,
        keymap_path: Path | None = None,
        open_assignment: str | None = None,
        exit_after_first_rows: bool = False,
        open_full: Callable[[], CourseContext] | None = None,
        on_first_frame: Callable[[], None] | None = None,
    ) -> None:
        """``ctx`` is the open course; or a quick, read-only one with ``open_full`` opening it
        fully: run in a worker after the first paint, and until it returns every screen but the
        first (that assignment's Submissions screen, or the Course screen listing the
        assignments without counts) waits. ``on_first_frame`` runs once that first screen was
        painted with its rows."""
        super().__init__()
        self._full: CourseContext | None = ctx if isinstance(ctx, CourseContext) else None
        self.quick = ctx if isinstance(ctx, QuickContext) else None
        self.open_full = open_full
        self.on_first_frame = on_first_frame
        self.open_error: BaseException | None = None
        """Why the full open after a quick one failed (the app exits; the CLI reports it)."""
        self._course_wanted = False
        if self.quick is not None and open_full is None:
            raise ValueError("a quick context needs open_full")
        self.open_assignment = open_assignment
        """Open straight onto this assignment's Submissions screen (the Course screen under it)."""
        self.exit_after_first_rows = exit_after_first_rows
        """Exit once a Submissions screen has shown its first rows read from the store (benchmarks)."""
        self.title = ctx.files.course.title
        self.show_actor(ctx)
        self.keymap = load_keymap(config_paths(ctx.root, keymap_path))
        self.internal_errors: list[BaseException] = []
        """Every unexpected failure shown as "internal error" (tests look here)."""

    def show_actor(self, ctx: CourseContext | QuickContext) -> None:
        """Course id and grader in the header; a quick open may learn the grader only when fully open."""
        course_id = ctx.files.course.id
        self.sub_title = f"{course_id} · {ctx.actor}" if ctx.actor else course_id

    @property
    def ctx(self) -> CourseContext:
        """The fully open course (check :attr:`is_open` first after a quick open)."""
        if self._full is None:
            raise GraderError(STILL_OPENING)
        return self._full

    @property
    def is_open(self) -> bool:
        return self._full is not None

    def ready(self) -> bool:
        """True when the course is fully open; else says it is still opening."""
        if self._full is None:
            self.notify(STILL_OPENING, severity="warning")
        return self._full is not None

    def on_mount(self) -> None:
        if self.keymap.keymap:
            self.set_keymap(self.keymap.keymap)
        for problem in self.keymap.problems:
            self.notify(str(problem), title="Key file", severity="error", timeout=15, markup=False)
        if self.keymap.keymap:
            self.check_keymap_ids()
        if self.quick is not None:
            self.start_quick(self.quick)
            return
        from grader.tui.screens.course import CourseScreen

        self.push_screen(CourseScreen(self.ctx))
        if self.open_assignment is not None:
            if self.ctx.files.course.assignment(self.open_assignment) is None:
                self.notify(f"no assignment '{self.open_assignment}' in this course", severity="error")
            else:
                # The Course screen sees it is not current and leaves its counting for later.
                self.open_submissions(self.open_assignment)

    def on_submission_table_rows_shown(self) -> None:
        # Posted by the Submissions screen's table once every visible row was read; bubbles here.
        self.first_frame_shown()
        if self.exit_after_first_rows:
            self.exit()
        elif self.quick is not None:
            self.open_fully()  # right after the first rows (the benchmark exits before this)

    # --- a quick open: the Submissions screen first, the full course right after ------------------

    def start_quick(self, quick: QuickContext) -> None:
        if self.open_assignment is None:  # bare `grader`: the assignments, counted once fully open
            from grader.tui.screens.course import CourseScreen

            self.push_screen(CourseScreen(quick))
            self.call_after_refresh(self.open_fully)
            return
        from grader.tui.screens.submissions import SubmissionsScreen

        self.push_screen(SubmissionsScreen(quick, self.open_assignment), self.submissions_left)
        self.set_timer(1.0, self.open_fully)  # in case no row is ever shown (an empty roster)

    def first_frame_shown(self) -> None:
        if self.on_first_frame is not None:
            done, self.on_first_frame = self.on_first_frame, None
            done()

    def open_fully(self) -> None:
        self.first_frame_shown()
        if self.open_full is not None:
            opener, self.open_full = self.open_full, None
            self.run_full_open(opener)

    @work(thread=True, exit_on_error=False, group="open")
    def run_full_open(self, opener: Callable[[], CourseContext]) -> None:
        """Validate every course file and open the gradebook, as the CLI does, off the UI thread."""
        try:
            ctx = opener()
        except Exception as error:
            self.call_from_thread(self.full_open_failed, error)
            return
        self.call_from_thread(self.fully_open, ctx)

    def full_open_failed(self, error: BaseException) -> None:
        self.open_error = error
        self.exit(return_code=1)

    def fully_open(self, ctx: CourseContext) -> None:
        """Swap every screen onto the fully open course."""
        from grader.tui.screens.course import CourseScreen
        from grader.tui.screens.submissions import SubmissionsScreen

        quick, self._full = self.quick, ctx
        assert quick is not None
        self.show_actor(ctx)
        same_files = dict(ctx.files.digests) == dict(quick.files.digests)
        for screen in list(self.screen_stack):
            if isinstance(screen, CourseScreen):
                screen.use_context(ctx)  # lists the assignments again if they changed
            elif isinstance(screen, SubmissionsScreen):
                if same_files:
                    screen.use_context(ctx)
                else:  # edited between the two opens: the rows of the snapshot are not these
                    self.notify("the course files changed while opening: the list was reloaded")
                    screen.dismiss()
                    self.open_submissions(screen.assignment_id)
        if self._course_wanted:
            self.submissions_left(None)

    def submissions_left(self, _result: None) -> None:
        """The first Submissions screen was left: the Course screen (opened now) is under it."""
        from grader.tui.screens.course import CourseScreen

        if self._full is None:
            self._course_wanted = True  # shown as soon as the course is fully open
            return
        self._course_wanted = False
        if len(self.screen_stack) <= 1:
            self.push_screen(CourseScreen(self._full))

    @work(thread=True, exit_on_error=False, group="keymap")
    def check_keymap_ids(self) -> None:
        """Name every remapped id that no screen has (importing every screen takes a moment)."""
        for problem in unknown_ids(self.keymap, grader_binding_ids()):
            self.call_from_thread(
                self.notify, str(problem), title="Key file", severity="error", timeout=15, markup=False
            )

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification, from every screen, as literal text with controls made visible.

        Messages quote student names, file names and git's words; markup is never parsed
        (``markup`` is accepted for Textual's signature and ignored) so TERM-1/TERM-2 hold for
        every toast in one place.
        """
        super().notify(
            printable(message, keep_newlines=True),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    # --- the one place failures become messages -------------------------------------------------

    def report_error(self, error: BaseException) -> None:
        """A failure as a notification: a GraderError says what to do; anything else is logged."""
        if isinstance(error, GraderError):
            self.notify(str(error), title="Error", severity="error", timeout=10, markup=False)
            return
        log = crash_log(error)
        self.internal_errors.append(error)
        self.notify(internal_message(error, log), title="Error", severity="error", timeout=20, markup=False)
        if self.is_headless and self._exception is None and isinstance(error, Exception):
            self._exception = error  # a pilot test still fails on an internal error, after the fact

    def _handle_exception(self, error: Exception) -> None:
        # Textual calls this for every unhandled exception. A worker's failure is a message and the
        # app keeps running; a failure in the UI itself stops the app (its widget is gone), with a
        # crash log and a one-line message instead of a traceback.
        if isinstance(error, WorkerFailed):
            self.report_error(error.error)
            return
        log = crash_log(error)
        self.internal_errors.append(error)
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._exit_renderables.append(Text(internal_message(error, log), style="bold red"))
        self._close_messages_no_wait()

    # --- help -------------------------------------------------------------------------------------

    def action_help(self) -> None:
        from grader.tui.screens.help import HelpScreen, help_rows

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_rows(self, self.screen), screen_title=self.screen_title()))

    def screen_title(self) -> str:
        name = type(self.screen).__name__.removesuffix("Screen").removesuffix("Modal")
        return name or "Screen"

    def action_open_students(self) -> None:
        from grader.tui.screens.course_students import StudentsScreen

        if not self.ready():
            return
        self.push_screen(StudentsScreen(self.ctx))

    # --- Navigator: screens are imported when first used --------------------------------------------

    def open_submissions(self, assignment_id: str) -> None:
        from grader.tui.screens.submissions import SubmissionsScreen

        if not self.ready():
            return
        self.push_screen(SubmissionsScreen(self.ctx, assignment_id))

    def open_grading(
        self,
        assignment_id: str,
        student_id: str,
        *,
        criterion_id: str | None = None,
        by_criterion: bool = False,
    ) -> None:
        from grader.tui.screens.grading import GradingScreen

        if not self.ready():
            return
        self.push_screen(
            GradingScreen(
                self.ctx, assignment_id, student_id, criterion_id=criterion_id, by_criterion=by_criterion
            )
        )

    def open_student(self, student_id: str) -> None:
        from grader.tui.screens.student import StudentScreen

        if not self.ready():
            return
        self.push_screen(StudentScreen(self.ctx, student_id))

    def open_export(self, assignment_id: str | None = None) -> None:
        from grader.tui.screens.export import ExportModal

        if not self.ready():
            return
        self.push_screen(ExportModal(self.ctx, assignment_id))

    def start_pull(
        self, assignment_ids: Sequence[str] | None = None, student_ids: Sequence[str] | None = None
    ) -> None:
        from grader.tui.screens.pull import PullScreen

        if not self.ready():
            return
        if any(isinstance(screen, PullScreen) for screen in self.screen_stack):
            self.notify("a pull is already running", severity="warning")
            return
        self.push_screen(PullScreen(self.ctx, assignment_ids, student_ids))


def make_app(
    ctx: CourseContext | QuickContext,
    *,
    keymap_path: Path | None = None,
    open_assignment: str | None = None,
    exit_after_first_rows: bool = False,
    open_full: Callable[[], CourseContext] | None = None,
    on_first_frame: Callable[[], None] | None = None,
) -> GraderApp:
    """The app as the CLI runs it and as tests drive it."""
    return GraderApp(
        ctx,
        keymap_path=keymap_path,
        open_assignment=open_assignment,
        exit_after_first_rows=exit_after_first_rows,
        open_full=open_full,
        on_first_frame=on_first_frame,
    )

"""The grading app: opens on the course, moves between screens, and turns failures into messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.console import Console
from textual import events, on, work
from textual.binding import BindingType
from textual.command import Provider
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from grader.domain.errors import GraderError
from grader.domain.text import printable
from grader.gradebook.context import CourseContext
from grader.gradebook.quick import STILL_OPENING, QuickContext
from grader.tui.active_keys import HELP
from grader.tui.crash import CrashLogWriter, crash_log, internal_message
from grader.tui.keymap import (
    KeymapProblem,
    LoadedKeymap,
    config_paths,
    grader_binding_ids,
    load_keymap,
    unknown_ids,
)
from grader.tui.navigation import ConfirmsQuit, OpeningApp

if TYPE_CHECKING:
    from grader.tui.screens.submissions import SubmissionsScreen

OPEN_GROUP = "open"
"""The full open's worker group."""
FIRST_KEYS_SECONDS = 0.1
"""How long after the first paint the full open starts: keys pressed by then are served first."""
NO_ROWS_SECONDS = 1.0
"""A quick Submissions screen that shows no row by then (an empty roster) lets the full open start."""


def screen_commands() -> type[Provider]:
    """The palette's provider, imported when the palette first opens (not on the first frame)."""
    from grader.tui.commands import ScreenCommands

    return ScreenCommands


class GraderApp(OpeningApp):
    """Keyboard-first grading of one course; screens navigate through the methods below."""

    TITLE = "grader"
    # One provider: the screen's own actions first, then the app's and Textual's (see commands.py).
    COMMANDS: ClassVar = {screen_commands}
    BINDINGS: ClassVar[list[BindingType]] = [HELP]

    def __init__(
        self,
        ctx: CourseContext | QuickContext,
        *,
        keymap_path: Path | None = None,
        open_assignment: str | None = None,
        exit_after_first_rows: bool = False,
        open_full: Callable[[], CourseContext] | None = None,
        on_first_frame: Callable[[], None] | None = None,
        press_at_first_paint: Sequence[str] = (),
        startup_errors: Sequence[BaseException] = (),
    ) -> None:
        """``ctx`` is the open course; or a quick, read-only one with ``open_full`` opening it
        fully: run in a worker after the first paint. Until it returns, what the quick view can
        serve is served (the assignments; an assignment's Submissions screen when its rubric was
        verified) and everything else waits, in order, to be done once it is open.
        ``on_first_frame`` runs once the first screen was painted (with its rows);
        ``press_at_first_paint``: keys sent then (benchmarks); ``startup_errors``: failures
        before the app started, reported once it shows."""
        super().__init__(ctx if isinstance(ctx, CourseContext) else None)
        self.messages_shown: list[tuple[str, str]] = []
        """Every notification as (severity, the message as shown), oldest first."""
        self.internal_errors: list[BaseException] = []
        """Every unexpected failure reported as "internal error" (each with its crash log)."""
        self.crash_file = CrashLogWriter()
        # A failure of the UI itself stops the app (Textual's handling): its traceback goes to a
        # crash log instead of the terminal, and the CLI says where (see crash_log_path).
        self.error_console = Console(file=self.crash_file, markup=False, highlight=False)
        self.quick = ctx if isinstance(ctx, QuickContext) else None
        self.open_full = open_full
        self.on_first_frame = on_first_frame
        self.press_at_first_paint = tuple(press_at_first_paint)
        self.startup_errors = tuple(startup_errors)
        self.open_error: BaseException | None = None
        """Why the full open after a quick one failed (the app exits; the CLI reports it)."""
        self.actions_not_done: list[str] = []
        """What waited when the full open failed (the CLI lists it)."""
        self._rows_pending = False
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

    def show_actor(self, ctx: CourseContext | QuickContext) -> None:
        """Course id and grader in the header; a quick open may learn the grader only when fully open."""
        course_id = ctx.files.course.id
        self.sub_title = f"{course_id} · {ctx.actor}" if ctx.actor else course_id

    @property
    def ctx(self) -> CourseContext:
        """The fully open course (check :attr:`is_open` first after a quick open)."""
        if self.full is None:
            raise GraderError(STILL_OPENING)
        return self.full

    @property
    def is_open(self) -> bool:
        return self.full is not None

    @property
    def crash_log_path(self) -> Path | None:
        """Where the traceback of a failure of the UI itself went (None: there was none)."""
        return self.crash_file.path

    async def on_mount(self) -> None:
        if self.keymap.keymap:
            self.set_keymap(self.keymap.keymap)
        for problem in self.keymap.problems:
            self.notify(str(problem), title="Key file", severity="error", timeout=15, markup=False)
        for note in self.keymap.notes:
            self.notify(str(note), title="Key file", severity="warning", timeout=15, markup=False)
        if self.keymap.keymap:
            self.check_keymap_ids(self.keymap)
        for error in self.startup_errors:
            self.report_error(error)
        if self.quick is not None:
            await self.start_quick(self.quick)
            return
        from grader.tui.screens.course import CourseScreen

        self.push_screen(CourseScreen(self.ctx))
        if self.open_assignment is not None:
            if self.ctx.files.course.assignment(self.open_assignment) is None:
                self.notify(f"no assignment '{self.open_assignment}' in this course", severity="error")
            else:
                # The Course screen sees it is not current and leaves its counting for later.
                self.open_submissions(self.open_assignment)
        self.call_after_refresh(self.first_paint)

    def on_submission_table_rows_shown(self) -> None:
        # Posted by the Submissions screen's table once every visible row was read; bubbles here.
        self._rows_pending = False
        self.first_frame_shown()
        if self.exit_after_first_rows:
            self.exit()
        elif self.quick is not None:
            self.open_fully()  # right after the first rows (the benchmark exits before this)

    # --- a quick open: the first screen at once, the full course right after ------------------

    async def start_quick(self, quick: QuickContext) -> None:
        if self.open_assignment is None:  # bare `grader`: the assignments, counted once fully open
            from grader.tui.screens.course import CourseScreen

            await self.push_screen(CourseScreen(quick))  # mounted: its first paint comes next
            self.call_after_refresh(self.first_paint)
            return
        self.push_quick_submissions(quick, self.open_assignment, self.submissions_left)

    def first_paint(self) -> None:
        """The first screen was painted: the keys given for this moment, then, a moment later, the
        full open (keys typed ahead or pressed now are served first: a Submissions screen they
        open on the quick view holds the full open back until its rows show)."""
        for key in self.press_at_first_paint:
            self.simulate_key(key)
        if self.quick is not None:
            self.set_timer(FIRST_KEYS_SECONDS, self.open_fully)

    def no_rows_yet(self) -> None:
        if self._rows_pending:
            self._rows_pending = False
            self.open_fully()

    def first_frame_shown(self) -> None:
        if self.on_first_frame is not None:
            done, self.on_first_frame = self.on_first_frame, None
            done()

    def open_fully(self) -> None:
        """Start the full open, unless a Submissions screen on the quick view is reading its first
        rows: both would compete for the one Python thread that runs at a time."""
        if self._rows_pending:
            return
        self.first_frame_shown()
        if self.open_full is not None:
            opener, self.open_full = self.open_full, None
            self.run_full_open(opener)

    @work(thread=True, exit_on_error=False, group=OPEN_GROUP)
    def run_full_open(self, opener: Callable[[], CourseContext]) -> CourseContext:
        """Validate every course file and open the gradebook, as the CLI does, off the UI thread."""
        return opener()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers: the full open, the keymap check."""
        worker = event.worker
        if event.state is WorkerState.SUCCESS and worker.group == OPEN_GROUP:
            assert isinstance(worker.result, CourseContext)
            self.fully_open(worker.result)
        elif event.state is WorkerState.ERROR and worker.error is not None:
            if worker.group == OPEN_GROUP:
                self.full_open_failed(worker.error)
            else:
                self.report_error(worker.error)

    def full_open_failed(self, error: BaseException) -> None:
        self.open_error = error
        self.actions_not_done = [what for what, _ in self.waiting_actions]
        self.exit(return_code=1)

    def fully_open(self, ctx: CourseContext) -> None:
        """Swap every screen onto the fully open course, then do what waited for it, in order."""
        from grader.tui.screens.course import CourseScreen
        from grader.tui.screens.submissions import SubmissionsScreen

        quick, self.full = self.quick, ctx
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
        waiting, self.waiting_actions = self.waiting_actions, []
        for _what, action in waiting:
            try:
                action(ctx)
            except Exception as error:  # one failed action neither stops the others nor the app
                self.report_error(error)
        self.show_waiting()

    def submissions_left(self, _result: None) -> None:
        """The first Submissions screen was left: the Course screen (opened now) is under it."""
        from grader.tui.screens.course import CourseScreen

        if self.full is None:
            self._course_wanted = True  # shown as soon as the course is fully open
            return
        self._course_wanted = False
        if len(self.screen_stack) <= 1:
            self.push_screen(CourseScreen(self.full))

    @work(thread=True, exit_on_error=False, group="keymap")
    def check_keymap_ids(self, loaded: LoadedKeymap) -> None:
        """Name every remapped id that no screen has (importing every screen takes a moment)."""
        self.post_message(self.KeymapChecked(unknown_ids(loaded, grader_binding_ids())))

    class KeymapChecked(Message):
        """The keys file was checked against every binding id: these name none."""

        def __init__(self, problems: list[KeymapProblem]) -> None:
            super().__init__()
            self.problems = problems

    @on(KeymapChecked)
    def keymap_checked(self, message: KeymapChecked) -> None:
        for problem in message.problems:
            self.notify(str(problem), title="Key file", severity="error", timeout=15, markup=False)

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
        every toast in one place. Each is also kept in :attr:`messages_shown`.
        """
        shown = printable(message, keep_newlines=True)
        self.messages_shown.append((severity, shown))
        super().notify(shown, title=printable(title), severity=severity, timeout=timeout, markup=False)

    # --- the one place failures become messages -------------------------------------------------

    def report_error(self, error: BaseException) -> None:
        """A failure as a notification: a GraderError says what to do; anything else is logged.

        Workers call this from their node's ``on_worker_state_changed`` (``exit_on_error=False``),
        after putting their screen back in a usable state; the app goes on either way.
        """
        if isinstance(error, GraderError):
            self.notify(str(error), title="Error", severity="error", timeout=10, markup=False)
            return
        log = crash_log(error)
        self.internal_errors.append(error)
        self.notify(internal_message(error, log), title="Error", severity="error", timeout=20, markup=False)

    async def on_event(self, event: events.Event) -> None:
        # An enter typed ahead, while grader was starting and the terminal was still in line mode,
        # reaches the app as a line feed (ctrl+j). Nothing in grader is bound to ctrl+j: it is the
        # enter the grader pressed, and is acted on as one.
        if isinstance(event, events.Key) and event.key == "ctrl+j" and not event.is_forwarded:
            event = events.Key("enter", "\r")
        await super().on_event(event)

    async def action_quit(self) -> None:
        """Quit (ctrl+q, and `q` on the Course screen); a screen with work not saved yet asks first."""
        self.quit_after(list(self.screen_stack))

    def quit_after(self, screens: list[Screen[object]]) -> None:
        """Ask each screen left, topmost first, whether it lets the app quit; then quit."""
        while screens:
            screen = screens.pop()
            if isinstance(screen, ConfirmsQuit) and screen.confirm_quit(lambda: self.quit_after(screens)):
                return
        self.exit()

    # --- help -------------------------------------------------------------------------------------

    def action_help(self) -> None:
        from grader.tui.screens.help import HelpScreen, help_rows

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(help_rows(self.screen), screen_title=self.screen_title()))

    def screen_title(self) -> str:
        name = type(self.screen).__name__.removesuffix("Screen").removesuffix("Modal")
        return name or "Screen"

    # --- Navigator: screens are imported when first used --------------------------------------------

    def push_quick_submissions(
        self, quick: QuickContext, assignment_id: str, left: Callable[[None], None] | None = None
    ) -> SubmissionsScreen:
        """The quick view's Submissions screen: rows at once, writing once fully open."""
        from grader.tui.screens.submissions import SubmissionsScreen

        screen = SubmissionsScreen(quick, assignment_id)
        self._rows_pending = True
        self.set_timer(NO_ROWS_SECONDS, self.no_rows_yet)
        self.push_screen(screen, left)
        return screen

    def open_submissions(self, assignment_id: str) -> None:
        from grader.tui.screens.submissions import SubmissionsScreen

        quick = self.quick
        # The quick view lists an assignment whose rubric was verified, unless something waits
        # already (it goes first).
        if (
            self.full is None
            and quick is not None
            and not self.waiting_actions
            and assignment_id in quick.in_force
            and not _anonymous(quick, assignment_id)
        ):
            self.push_quick_submissions(quick, assignment_id)
            return
        self.when_open(
            f"open {assignment_id}", lambda ctx: self.push_screen(SubmissionsScreen(ctx, assignment_id))
        )


def _anonymous(quick: QuickContext, assignment_id: str) -> bool:
    """An anonymous assignment is listed once the course is fully open (its pseudonyms are
    read from the gradebook first: the quick view never shows who is who)."""
    assignment = quick.files.course.assignment(assignment_id)
    return assignment is None or assignment.anonymous


make_app = GraderApp
"""The one factory: the app as the CLI runs it and as tests drive it."""

"""The app shell: the error funnel, the command palette, navigation, and how the CLI opens it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner
from crash_logs import CrashLogs
from hostile import screen_lines
from textual import work
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from grader.cli.main import cli, main
from grader.domain.errors import GraderError
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.status import PULLED, submission_statuses
from grader.tui.app import GraderApp, make_app
from grader.tui.navigation import navigator
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.course_badges import BadgesScreen
from grader.tui.screens.course_students import StudentsScreen
from grader.tui.screens.help import HelpScreen

SIZE = (120, 40)


class FailingScreen(Screen[None]):
    """A screen whose worker raises what it is given, handled as every real screen handles it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("x", "fail", "Fail", id="test.fail", tooltip="Raise in a worker"),
        Binding("u", "fail_here", "Fail here", id="test.fail_here", tooltip="Raise in the UI"),
    ]

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> Any:
        yield Static("failing")

    def action_fail(self) -> None:
        self.fail()

    def action_fail_here(self) -> None:
        raise self.error

    @work(thread=True, exit_on_error=False)
    def fail(self) -> None:
        raise self.error

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            navigator(self.app).report_error(event.worker.error)


async def settled(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def messages(app: GraderApp) -> list[str]:
    return [message for _severity, message in app.messages_shown]


async def test_a_grader_error_in_a_worker_is_a_message_and_the_app_goes_on(ctx: CourseContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(FailingScreen(GraderError("cannot pull: a pull is already running")))
        await pilot.press("x")
        await settled(pilot)
        assert messages(app) == ["cannot pull: a pull is already running"]
        assert app.internal_errors == []
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen), "the app still answers keys"
    assert not app.return_code


async def test_an_internal_error_in_a_worker_is_logged_shown_briefly_and_the_app_goes_on(
    ctx: CourseContext, crash_logs: CrashLogs
) -> None:
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.push_screen(FailingScreen(RuntimeError("kaboom")))
        await pilot.press("x")
        await settled(pilot)
        (message,) = messages(app)
        assert message.startswith("internal error: RuntimeError: kaboom\ndetails are in ")
        ((log, logged),) = crash_logs.take().items()  # the test harness fails a test that leaves one
        assert str(log) in message
        assert "Traceback" in logged and "kaboom" in logged
        assert "Traceback" not in "\n".join(screen_lines(app))
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen), "the app still answers keys"
    assert [type(e) for e in app.internal_errors] == [RuntimeError]
    assert not app.return_code and app.crash_log_path is None


async def test_a_failure_of_the_ui_itself_stops_the_app_into_a_crash_log_not_the_terminal(
    ctx: CourseContext, crash_logs: CrashLogs
) -> None:
    app = make_app(ctx)
    with pytest.raises(RuntimeError, match="in the UI"):  # Textual re-raises it to the test
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.push_screen(FailingScreen(RuntimeError("in the UI")))
            await pilot.press("u")
            await pilot.pause()
    assert app.return_code == 1
    ((log, logged),) = crash_logs.take().items()
    assert app.crash_log_path == log
    assert "Traceback" in logged and "RuntimeError: in the UI" in logged and "action_fail_here" in logged


def test_the_cli_names_the_crash_log_in_one_line_when_the_ui_fails(
    pulled_demo: Path,
    crash_logs: CrashLogs,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from grader.tui.screens.submissions import SubmissionsScreen

    def broken(self: SubmissionsScreen) -> None:
        raise RuntimeError("the screen broke")

    monkeypatch.setattr(SubmissionsScreen, "on_mount", broken)
    args = ["--course", str(pulled_demo), "--as", "t", "--open", "a1-calculator", "--headless"]
    assert main([*args, "--exit-after-first-rows"]) == 1
    captured = capsys.readouterr()
    ((log, logged),) = crash_logs.take().items()
    assert captured.err == f"internal error: grader stopped; details are in {log} — please report it\n"
    assert "Traceback" not in captured.out + captured.err
    assert "RuntimeError: the screen broke" in logged


async def palette_run(pilot: Pilot[Any], query: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)
    await pilot.press(*query)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settled(pilot)


async def test_palette_offers_the_screens_keys_and_app_commands(ctx: CourseContext) -> None:
    from grader.tui.commands import ScreenCommands

    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in ScreenCommands(app.screen).commands()]
        for title in (
            "Open",
            "Badges",
            "Students",
            "Pull all",
            "Quit",
            "Keys",
            "Export…",
            "Open student…",
        ):
            assert title in titles
        assert "Export" not in titles, "the screen's e and the app's Export… are one command"
        await palette_run(pilot, "badges")
        assert isinstance(app.screen, BadgesScreen)
        badge_titles = [c.title for c in ScreenCommands(app.screen).commands()]
        assert "Back" in badge_titles and "Badges" not in badge_titles
        await palette_run(pilot, "back")
        assert isinstance(app.screen, CourseScreen)
        await palette_run(pilot, "open student")
        assert isinstance(app.screen, StudentsScreen)


async def test_enter_opens_the_submissions_screen(ctx: CourseContext) -> None:
    from grader.tui.screens.submissions import SubmissionsScreen

    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("down", "enter")
        await settled(pilot)
        assert isinstance(app.screen, SubmissionsScreen)
        assert app.screen.assignment_id == "a2-webpage"


def test_bare_grader_without_a_terminal_prints_the_overview(pulled_demo: Path) -> None:
    result = CliRunner().invoke(cli, ["--course", str(pulled_demo)])
    assert result.exit_code == 0, result.output
    assert "Introduction to Programming (demo)" in result.output
    assert "a1-calculator" in result.output and "grader status" in result.output


def test_demo_builds_and_pulls_then_prints_next_steps_without_a_terminal(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(root), "--students", "4"])
    assert result.exit_code == 0, result.output
    assert "pulled: " in result.output and "next:" in result.output
    with open_course(root, actor="t") as ctx:
        rows = submission_statuses(ctx)
    assert len(rows) == 12
    assert any(r.status == PULLED for r in rows)
    assert all(r.pull_result is not None for r in rows), "every repository was pulled"


def test_demo_no_tui_only_builds(tmp_path: Path) -> None:
    root = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", str(root), "--students", "2", "--no-tui"])
    assert result.exit_code == 0, result.output
    assert "pulled: " not in result.output
    with open_course(root, actor="t") as ctx:
        assert all(r.pull_result is None for r in submission_statuses(ctx))


async def test_opening_on_an_assignment_leaves_the_course_counting_for_later(ctx: CourseContext) -> None:
    from grader.tui.screens.submissions import SubmissionsScreen
    from grader.tui.widgets.submission_table import SubmissionTable

    app = make_app(ctx, open_assignment="a2-webpage")
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert isinstance(app.screen, SubmissionsScreen) and app.screen.assignment_id == "a2-webpage"
        assert app.screen.table.listing.cached(0) is not None, "its rows were read"
        course = app.screen_stack[-2]
        assert isinstance(course, CourseScreen)
        assert course.summaries == {} and course.badges is None, "no counting competed with the rows"
        assert not [w for w in app.workers if w.node is course]
        await pilot.press("escape")
        await settled(pilot)
        assert app.screen is course
        assert set(course.summaries) == {a.id for a in ctx.files.course.assignments}
        assert course.badges is not None
        assert app.is_running, "exit_after_first_rows is off by default"
        app.post_message(SubmissionTable.RowsShown(app.screen.query_one("#assignment-list")))  # type: ignore[arg-type]
        await pilot.pause()
        assert app.is_running


class ReadingStore:
    """The real store, recording which students' grades were read."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.read: list[str] = []

    def grades_of(self, assignment_id: str, student_ids: Sequence[str]) -> object:
        self.read.extend(f"{assignment_id}/{s}" for s in student_ids)
        return self.store.grades_of(assignment_id, student_ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


async def test_exit_after_first_rows_exits_once_the_rows_are_shown(ctx: CourseContext) -> None:
    store = ReadingStore(ctx.store)
    reading = CourseContext(ctx.files, store, ctx.actor)  # type: ignore[arg-type]
    app = make_app(reading, open_assignment="a1-calculator", exit_after_first_rows=True)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if not app.is_running:
                break
            await pilot.pause(0.02)
    assert not app.is_running and not app.return_code
    first = ctx.files.students[0].student_id
    assert f"a1-calculator/{first}" in store.read, "it exited after the first rows were read"
    assert all(r.startswith("a1-calculator/") for r in store.read), "the course did not count"


async def test_an_unknown_assignment_to_open_is_an_error_on_the_course(ctx: CourseContext) -> None:
    app = make_app(ctx, open_assignment="a9-nothing")
    async with app.run_test(size=SIZE) as pilot:
        await settled(pilot)
        assert isinstance(app.screen, CourseScreen)
        assert messages(app) == ["no assignment 'a9-nothing' in this course"]


def test_cli_opens_an_assignment_headless_and_exits_after_its_first_rows(
    pulled_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--course", str(pulled_demo), "--as", "bench", "--open", "a1-calculator"]
    assert main([*args, "--exit-after-first-rows", "--headless"]) == 0
    assert "--open" not in CliRunner().invoke(cli, ["--help"]).output, "hidden from --help"
    capsys.readouterr()
    assert main(["--course", str(pulled_demo), "--open", "a9", "--headless"]) == 1
    assert "no assignment 'a9' in this course (it has: a1-calculator, a2-webpage" in capsys.readouterr().err
    assert main(["--course", str(pulled_demo), "--exit-after-first-rows"]) == 2
    assert "need --open ASSIGNMENT" in capsys.readouterr().err

"""The app shell: the error funnel, the command palette, navigation, and how the CLI opens it."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner
from hostile import screen_lines
from textual import work
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from grader.cli.main import cli
from grader.domain.errors import GraderError
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.status import PULLED, submission_statuses
from grader.tui.app import GraderApp, make_app
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.course_badges import BadgesScreen
from grader.tui.screens.course_students import StudentsScreen
from grader.tui.screens.help import HelpScreen

SIZE = (120, 40)


class FailingScreen(Screen[None]):
    """A screen whose worker raises what it is given, as a real screen's worker might."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("x", "fail", "Fail", id="test.fail", tooltip="Raise")]

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def compose(self) -> Any:
        yield Static("failing")

    def action_fail(self) -> None:
        self.fail()

    @work(thread=True)
    def fail(self) -> None:
        raise self.error


async def settled(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def messages(app: GraderApp) -> list[str]:
    return [n.message for n in app._notifications]


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


async def test_an_internal_error_is_logged_shown_briefly_and_the_app_goes_on(
    ctx: CourseContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    app = make_app(ctx)
    with pytest.raises(RuntimeError, match="kaboom"):  # a pilot test still sees it, after the fact
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.push_screen(FailingScreen(RuntimeError("kaboom")))
            await pilot.press("x")
            await settled(pilot)
            (message,) = messages(app)
            assert message.startswith("internal error: RuntimeError: kaboom\ndetails are in ")
            (log,) = (tmp_path / "state" / "grader").glob("crash-*.log")
            assert str(log) in message
            assert "Traceback" in log.read_text() and "kaboom" in log.read_text()
            assert "Traceback" not in "\n".join(screen_lines(app))
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen), "the app still answers keys"
    assert [type(e) for e in app.internal_errors] == [RuntimeError]


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
            "Export",
            "Quit",
            "Keys",
            "Export…",
            "Open student…",
        ):
            assert title in titles
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

"""Keys from the first frame: after a quick open nothing a grader presses is refused. The quick
view serves what it can at once (an assignment's submissions); the rest waits, in order, for the
full open, and is done then; a full open that fails says what was not done."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from postgres import postgres_test_url, scratch_postgres_url
from required_tools import require_tool
from textual.pilot import Pilot

import grader.cli.tui_cmd
from grader.cli.main import Options
from grader.domain.errors import GraderError, ValidationFailed
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.quick import Declined, QuickContext, quick_open
from grader.gradebook.rubrics import rubric_in_force
from grader.tui.app import GraderApp, make_app
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.course_badges import BadgesScreen
from grader.tui.screens.course_students import StudentsScreen
from grader.tui.screens.submissions import SubmissionsScreen

A1 = "a1-calculator"
SIZE = (150, 40)


async def until(pilot: Pilot[Any], condition: Callable[[], object], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.02)


@pytest.fixture
def quick_course(demo_root: Path) -> Iterator[QuickContext]:
    """The demo opened from its snapshot, as bare `grader` opens it (a1's rubric verified)."""
    with open_course(demo_root, actor="ta-test") as ctx:
        rubric_in_force(ctx, A1)
    found = quick_open(demo_root, database_url=None, actor="ta-test", assignment_id=None)
    assert isinstance(found, QuickContext), found
    assert A1 in found.in_force
    yield found
    found.close()


class HeldOpen:
    """The real full open, held until the test lets it go."""

    def __init__(self, root: Path, stack: ExitStack) -> None:
        self.root = root
        self.stack = stack
        self.release = threading.Event()

    def __call__(self) -> CourseContext:
        assert self.release.wait(30), "the test never let the full open go"
        return self.stack.enter_context(open_course(self.root, actor="ta-test"))


def rows_shown(app: GraderApp) -> bool:
    screen = app.screen
    return isinstance(screen, SubmissionsScreen) and screen.listing.cached(0) is not None


def stack_names(app: GraderApp) -> list[str]:
    return [type(screen).__name__ for screen in app.screen_stack[1:]]  # after Textual's blank base


async def test_enter_at_first_paint_lists_at_once_and_a_grading_open_waits_for_the_full_open(
    quick_course: QuickContext,
) -> None:
    with ExitStack() as stack:
        held = HeldOpen(quick_course.root, stack)
        app = make_app(quick_course, open_full=held, press_at_first_paint=("enter",))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: rows_shown(app), "the first enter to open a1's submissions")
            screen = app.screen
            assert isinstance(screen, SubmissionsScreen) and screen.assignment_id == A1
            assert not app.is_open and isinstance(screen.ctx, QuickContext), "served by the quick view"
            first = quick_course.files.students[0].student_id
            await pilot.press("enter")  # grading writes: it waits for the full open
            await pilot.pause()
            assert app.screen is screen
            assert [what for what, _ in app.waiting_actions] == [f"grade a submission of {A1}"]
            title = str(screen.query_one("#submissions-title").render())
            assert f"opening the course… then: grade a submission of {A1}" in title
            held.release.set()
            await until(pilot, lambda: type(app.screen).__name__ == "GradingScreen", "the grading screen")
            grading = app.screen
            assert (grading.assignment_id, grading.student_id) == (A1, first)  # type: ignore[attr-defined]
            assert app.is_open and screen.ctx is app.ctx, "the list now reads and writes the full course"
            assert app.waiting_actions == []
            assert "opening the course" not in str(screen.query_one("#submissions-title").render())
    assert app.messages_shown == [], "nothing was refused, nothing needed saying"


async def test_waiting_keys_are_done_in_the_order_pressed(quick_course: QuickContext) -> None:
    with ExitStack() as stack:
        held = HeldOpen(quick_course.root, stack)
        app = make_app(quick_course, open_full=held)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: isinstance(app.screen, CourseScreen), "the course")
            course = app.screen
            assert isinstance(course, CourseScreen)
            await pilot.press("b", "down", "enter", "s")  # badges, a2's submissions, students
            await pilot.pause()
            assert app.screen is course, "nothing opened yet: every one of them waits"
            assert [what for what, _ in app.waiting_actions] == [
                "show the badges",
                "open a2-webpage",
                "find a student",
            ]
            note = str(course.query_one("#waiting").render())
            assert note == "opening the course… then 3 actions, first: show the badges"
            held.release.set()
            await until(pilot, lambda: isinstance(app.screen, StudentsScreen), "the last one")
            assert stack_names(app) == ["CourseScreen", "BadgesScreen", "SubmissionsScreen", "StudentsScreen"]
            badges, submissions = app.screen_stack[2], app.screen_stack[3]
            assert isinstance(badges, BadgesScreen) and isinstance(submissions, SubmissionsScreen)
            assert submissions.assignment_id == "a2-webpage" and submissions.ctx is app.ctx
            assert not course.query_one("#waiting").display
            await pilot.press("escape", "escape", "escape")
            await until(pilot, lambda: app.screen is course, "the course again")
            await until(pilot, lambda: len(course.summaries) == 3, "the counts (after the full open)")
    assert app.messages_shown == []


async def test_an_assignment_whose_rubric_is_not_verified_opens_after_the_full_open(demo_root: Path) -> None:
    with open_course(demo_root, actor="ta-test") as ctx:
        rubric_in_force(ctx, A1)
    with sqlite3.connect(demo_root / ".grader" / "grades.db") as db:
        db.execute("DELETE FROM rubric_check WHERE assignment_id = 'a2-webpage'")
    found = quick_open(demo_root, database_url=None, actor="ta-test", assignment_id=None)
    assert isinstance(found, QuickContext) and "a2-webpage" not in found.in_force
    with ExitStack() as stack:
        stack.callback(found.close)
        held = HeldOpen(demo_root, stack)
        app = make_app(found, open_full=held, press_at_first_paint=("down", "enter"))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.waiting_actions, "the enter to wait")
            assert [what for what, _ in app.waiting_actions] == ["open a2-webpage"]
            assert isinstance(app.screen, CourseScreen)
            held.release.set()
            await until(pilot, lambda: rows_shown(app), "a2's submissions")
            assert isinstance(app.screen, SubmissionsScreen) and app.screen.assignment_id == "a2-webpage"
            assert app.screen.ctx is app.ctx


async def test_a_failed_full_open_exits_and_names_what_waited(quick_course: QuickContext) -> None:
    def failing() -> CourseContext:
        raise GraderError("roster.csv:3: email: expected an address")

    app = make_app(quick_course, open_full=failing, press_at_first_paint=("s",))
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: not app.is_running, "the app to exit")
    assert app.return_code == 1
    assert str(app.open_error) == "roster.csv:3: email: expected an address"
    assert app.actions_not_done == ["find a student"]


def test_the_cli_reports_a_failed_full_open_and_what_was_not_done(
    demo_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_course(demo_root, actor="ta-test") as ctx:
        rubric_in_force(ctx, A1)
    real_open = grader.cli.tui_cmd.open_course

    def edited_meanwhile(root: Path, **options: Any) -> Any:
        # Someone breaks the roster after the quick open hashed it, before the full open reads it.
        roster = root / "roster.csv"
        roster.write_text(roster.read_text(encoding="utf-8") + "9999,,not-an-email,,\n", encoding="utf-8")
        return real_open(root, **options)

    monkeypatch.setattr(grader.cli.tui_cmd, "open_course", edited_meanwhile)
    with pytest.raises(ValidationFailed):  # main prints its problems, as for any open
        grader.cli.tui_cmd.open_tui(
            Options(demo_root, None, "ta-test"), headless=True, press_at_first_paint=("b",)
        )
    assert capsys.readouterr().err == "not done: show the badges (the course did not open)\n"


async def test_an_enter_typed_ahead_arrives_as_a_line_feed_and_is_acted_on(
    quick_course: QuickContext,
) -> None:
    # Typed while grader starts, the terminal still in line mode turns enter into a line feed,
    # which Textual reads as ctrl+j.
    with ExitStack() as stack:
        held = HeldOpen(quick_course.root, stack)
        app = make_app(quick_course, open_full=held, press_at_first_paint=("ctrl+j",))
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: rows_shown(app), "a1's submissions")
            assert isinstance(app.screen, SubmissionsScreen) and app.screen.assignment_id == A1
            held.release.set()
            await until(pilot, lambda: app.is_open, "the full open")


@pytest.mark.postgres
async def test_on_postgresql_the_course_opens_the_normal_way_and_the_first_keys_act(
    demo_root: Path,
) -> None:
    require_tool("postgresql")
    base = postgres_test_url()
    assert base is not None
    with scratch_postgres_url(base) as url:
        found = quick_open(demo_root, database_url=url, actor="ta-test", assignment_id=None)
        assert found == Declined(("the gradebook is not a plain SQLite file",))
        with open_course(demo_root, database_url=url, actor="ta-test") as ctx:
            app = make_app(ctx, press_at_first_paint=("enter",))
            async with app.run_test(size=SIZE) as pilot:
                await until(pilot, lambda: rows_shown(app), "a1's submissions, read from PostgreSQL")
                first = ctx.files.students[0].student_id
                await pilot.press("enter")
                await until(pilot, lambda: type(app.screen).__name__ == "GradingScreen", "grading")
                await pilot.press("1")
                await until(pilot, lambda: ctx.store.grade(A1, first).choices, "the save")
            assert app.messages_shown == []

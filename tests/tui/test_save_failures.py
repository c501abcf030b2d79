"""A save that fails is never shown as saved: the grading screen against a gradebook that fails.

The failures are real: a trigger makes the database refuse every grade event, either with an
error grader expects (the save fails) or with one it does not (the save worker dies). Both must
end the same way: the screen says so, marks each choice not saved, refuses more, and saves them
all, in order, once the failure is lifted and the grader presses r; leaving asks first.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from failing_gradebook import KINDS, FailingGradebook
from grading_harness import A1, SIZE, Harness, notifications, pulled_students, settle, until
from postgres import postgres_test_url, scratch_postgres_url
from required_tools import require_tool
from textual.pilot import Pilot

from grader.domain.events import EventOutcome
from grader.gradebook.context import CourseContext, default_database_url, open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.tui.screens.conflict import ConflictModal
from grader.tui.screens.grading import GradingScreen
from grader.tui.screens.unsaved import LeaveUnsavedModal
from grader.tui.widgets.rubric_panel import RubricPanel

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
REFUSED = "No further choice until saving works"


@pytest.fixture(params=BACKENDS)
def gradebook(
    request: pytest.FixtureRequest, demo_root: Path
) -> Iterator[tuple[CourseContext, FailingGradebook]]:
    """The demo course on each backend, and a way to make its saves fail."""
    if request.param == "sqlite":
        with open_course(demo_root, actor="ta-test") as ctx:
            yield ctx, FailingGradebook(default_database_url(ctx.root))
        return
    require_tool("postgresql")
    base = postgres_test_url()
    assert base is not None
    with scratch_postgres_url(base) as url, open_course(demo_root, database_url=url, actor="ta-test") as ctx:
        yield ctx, FailingGradebook(url)


def panel_text(screen: GradingScreen) -> str:
    return screen.query_one(RubricPanel).render().plain


def banner_text(screen: GradingScreen) -> str:
    return str(screen.save_path.content) if screen.save_path.has_class("-failing") else ""


def applied(ctx: CourseContext, student_id: str) -> list[tuple[str, object]]:
    """The choices the gradebook holds for this student, in the order saved."""
    events = [e for e in ctx.store.events(A1, student_id) if e.outcome is EventOutcome.APPLIED]
    return [(e.criterion_id, e.new.level if e.new.level is not None else e.new.items) for e in events]


async def failing(pilot: Pilot[Any], screen: GradingScreen) -> None:
    await until(pilot, lambda: screen.save_path.not_saved is not None, "the screen says saving failed")
    await settle(pilot, screen, screen.student_id)


@pytest.mark.parametrize("kind", KINDS)
async def test_unsaved_choices_are_marked_refused_and_saved_in_order_by_retry(
    gradebook: tuple[CourseContext, FailingGradebook], kind: str, crash_logs: Any
) -> None:
    ctx, broken = gradebook
    student = ctx.files.students[0].student_id
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("1")  # correctness: Exemplary, saved
        await settle(pilot, screen, student)
        with broken.held(kind):  # three choices wait behind the lock, then meet the failure
            await pilot.press("2", "1", "4")  # cli: Proficient; code-quality: tick 1, then tick 4
            assert screen.saves.pending == 3
        await failing(pilot, screen)

        assert applied(ctx, student) == [("correctness", "Exemplary")], "exactly what was saved"
        banner = banner_text(screen)
        assert banner.startswith("NOT SAVED: ") and "disk I/O error" in banner, banner
        assert "3 choices not saved" in banner and "r retries saving" in banner
        panel = panel_text(screen)
        for lost in ("Proficient", "1 item: Unclear names", "2 items: Unclear names, Dead code"):
            assert f"NOT SAVED: {lost}\n" in panel, panel
        assert screen.state is not None and screen.state.choice("cli").level is None, "shown as saved"
        assert screen.state.choice("code-quality").items is None

        said = len(notifications(app))
        await pilot.press("3", "u", "f")
        refusals = [n for n in notifications(app)[said:] if REFUSED in n]
        assert len(refusals) == 3 and "press r to retry saving" in refusals[0]
        assert not isinstance(app.screen, LeaveUnsavedModal) and screen.saves.pending == 0

        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LeaveUnsavedModal), "leaving warns")
        assert isinstance(app.screen, LeaveUnsavedModal)
        assert app.screen.lost() == [
            f"{student} · Command-line interface → Proficient",
            f"{student} · Code quality → 1 item: Unclear names",
            f"{student} · Code quality → 2 items: Unclear names, Dead code",
        ]
        await pilot.press("n")  # stay
        await until(pilot, lambda: app.screen is screen, "back on the grading screen")
        assert applied(ctx, student) == [("correctness", "Exemplary")]

        broken.mend()
        await pilot.press("r")
        await until(pilot, lambda: len(applied(ctx, student)) == 4, "the retry saved")
        await settle(pilot, screen, student)
        assert applied(ctx, student) == [
            ("correctness", "Exemplary"),
            ("cli", "Proficient"),
            ("code-quality", ("Unclear names",)),
            ("code-quality", ("Unclear names", "Dead code")),
        ]
        assert banner_text(screen) == "" and "NOT SAVED" not in panel_text(screen)
        assert screen.state.choice("cli").level == "Proficient"
        await pilot.press("5")  # choices are taken again
        await settle(pilot, screen, student)
        assert applied(ctx, student)[-1] == ("code-quality", ("Unclear names", "Dead code", "Bare except"))

    if kind == "dies":
        assert len(app.internal_errors) == 1, "the worker's death is reported, not silent"
        logs = crash_logs.take()
        assert len(logs) == 1 and "disk I/O error" in next(iter(logs.values()))
    else:
        assert app.internal_errors == []
        assert any("could not write the gradebook" in n for n in notifications(app))


async def test_leaving_asks_names_what_is_lost_and_saving_starts_over(ctx: CourseContext) -> None:
    first, second = (s.student_id for s in ctx.files.students[:2])
    broken = FailingGradebook(default_database_url(ctx.root))
    screen = GradingScreen(ctx, A1, first)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, first)
        broken.break_saves("fails")
        await pilot.press("1")
        await failing(pilot, screen)
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: isinstance(app.screen, LeaveUnsavedModal), "] warns")
        assert isinstance(app.screen, LeaveUnsavedModal)
        assert app.screen.lost() == [f"{first} · Correct results → Exemplary"]
        assert app.screen.leaving == "open the next submission"
        await pilot.press("y")
        await settle(pilot, screen, second)
        assert screen.save_path.not_saved is None and banner_text(screen) == ""
        assert any("1 choice not saved: given up" in n for n in notifications(app))
        assert applied(ctx, first) == [], "given up: never saved"

        broken.mend()
        await pilot.press("2")
        await settle(pilot, screen, second)
        assert applied(ctx, second) == [("correctness", "Proficient")], "the queue started over"


@pytest.mark.parametrize("kind", [None, "fails"])
async def test_leaving_waits_for_the_saves_queued_and_one_that_fails_stops_it(
    ctx: CourseContext, kind: str | None
) -> None:
    student = ctx.files.students[0].student_id
    broken = FailingGradebook(default_database_url(ctx.root))
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        with broken.held(kind):
            await pilot.press("1", "escape")
            assert app.screen is screen, "not gone while a choice waits to be saved"
        if kind is None:
            await until(pilot, lambda: app.screen is not screen, "left once saved")
            assert applied(ctx, student) == [("correctness", "Exemplary")]
        else:
            await failing(pilot, screen)
            assert app.screen is screen and "1 choice not saved" in banner_text(screen)
            assert applied(ctx, student) == []


async def test_quitting_with_unsaved_choices_asks_first(ctx: CourseContext) -> None:
    student = ctx.files.students[0].student_id
    broken = FailingGradebook(default_database_url(ctx.root))
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        broken.break_saves("fails")
        await pilot.press("1")
        await failing(pilot, screen)
        await pilot.press("ctrl+q")
        await until(pilot, lambda: isinstance(app.screen, LeaveUnsavedModal), "ctrl+q warns")
        assert isinstance(app.screen, LeaveUnsavedModal) and app.screen.leaving == "quit grader"
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen, "stayed")
        assert app.is_running
        await pilot.press("ctrl+q", "y")
        await until(pilot, lambda: not app.is_running, "quit after saying yes")
    assert applied(ctx, student) == []


async def test_quitting_waits_for_the_choices_queued(ctx: CourseContext) -> None:
    student = ctx.files.students[0].student_id
    broken = FailingGradebook(default_database_url(ctx.root))
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        with broken.held(None):
            await pilot.press("1", "ctrl+q")
            assert app.is_running, "not quit while a choice waits to be saved"
        await until(pilot, lambda: not app.is_running, "quit once saved")
    assert applied(ctx, student) == [("correctness", "Exemplary")]


async def test_a_retry_after_another_grader_changed_the_grade_is_a_conflict(ctx: CourseContext) -> None:
    student = ctx.files.students[0].student_id
    broken = FailingGradebook(default_database_url(ctx.root))
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        broken.break_saves("fails")
        await pilot.press("1")
        await failing(pilot, screen)
        broken.mend()
        record_choice(
            replace(ctx, actor="prof-b"), A1, student, "correctness", ChoiceRequest(level="Beginning")
        )
        await pilot.press("r")
        await until(pilot, lambda: isinstance(app.screen, ConflictModal), "the conflict dialog")
        await pilot.press("t")
        await settle(pilot, screen, student)
        said = [n for n in notifications(app) if "prof-b's choice stands" in n]
        assert said and "Correct results" in said[0], notifications(app)
        assert ctx.store.grade(A1, student).choices["correctness"].level == "Beginning", "never overwritten"
        assert screen.save_path.not_saved is None
        assert screen.state is not None and screen.state.choice("correctness").level == "Beginning"


def test_snapshot_of_choices_not_saved(ctx: CourseContext, snap_compare: Any, crash_logs: Any) -> None:
    student = pulled_students(ctx)[0]
    broken = FailingGradebook(default_database_url(ctx.root))
    screen = GradingScreen(ctx, A1, student)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, screen, student)
        with broken.held("dies"):  # "dies": its reason names no temporary path
            await pilot.press("2", "1")
        await failing(pilot, screen)
        pilot.app.clear_notifications()  # the crash log's path in a toast differs on every run

    assert snap_compare(Harness(screen), terminal_size=SIZE, run_before=run_before)
    assert len(crash_logs.take()) == 1

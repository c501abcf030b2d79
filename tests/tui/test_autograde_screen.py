"""Autograde results at the keyboard, on the pulled demo: the Grading screen runs a submission's
checks in the sandbox (`A`), shows the result (`o`: the output, sanitised), accepts or overrides
it; a refused sandbox is one clear message; escape cancels a run.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from autograde_results import record_result, run_failing
from grading_harness import A1, SIZE, Harness, notifications, pulled_students, settle
from hostile import BEL, ESC
from test_outcome_groups import said, submissions, table_lines, wait_for
from textual.pilot import Pilot
from textual.widgets import Log

from grader.domain.events import EventSource
from grader.gradebook.autograde import latest_results
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.listing import SubmissionList
from grader.gradebook.pull import checkout_path
from grader.tui.app import make_app
from grader.tui.screens.autograde_output import OutputModal
from grader.tui.screens.autograde_scope import AutogradeScopeModal
from grader.tui.screens.grading import GradingScreen
from grader.tui.widgets.autograde_progress import AutogradeProgress
from grader.tui.widgets.submission_cells import UNSANDBOXED, flags_label
from tests.required_tools import needs_tool

RUN_SECONDS = 60
HOSTILE_TEST = f'''\
def test_hostile_output():
    print("{ESC}]0;PWNED{BEL}{ESC}[2J{ESC}[31mred{ESC}[0m [@click=app.quit]x\\rprogress 100%")
    print("y" * 400_000)
    assert False
'''
ENDLESS_TEST = "def test_forever():\n    while True:\n        pass\n"


def panel_text(screen: GradingScreen) -> str:
    assert screen.state is not None
    return screen.state.render().plain


def focused(screen: GradingScreen) -> str:
    assert screen.state is not None and screen.state.focused is not None
    return screen.state.focused.id


async def run_checks(pilot: Pilot[Any], screen: GradingScreen, student: str) -> None:
    """Press A and wait until the run is over and the screen shows its result."""
    app = pilot.app
    before = len(app.messages_shown)  # type: ignore[attr-defined]
    await pilot.press("A")
    await wait_for(
        pilot,
        lambda: any("autograde" in m for _, m in app.messages_shown[before:]),  # type: ignore[attr-defined]
        "the run's end",
        RUN_SECONDS,
    )
    await settle(pilot, screen, student)


def write_test(ctx: CourseContext, student: str, name: str, source: str) -> None:
    """A test file in the student's checkout (what the sandbox copies and runs)."""
    folder = checkout_path(ctx.root, A1, student) / "tests"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(source, encoding="utf-8")


@needs_tool("bubblewrap")
async def test_a_run_is_shown_accepted_overridden_and_the_override_survives_a_rerun(
    any_ctx: CourseContext,
) -> None:
    ctx = any_ctx
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        assert "autograde: not run" in panel_text(screen)
        assert focused(screen) == "correctness", "the first manual criterion, not the autograded one"
        await run_checks(pilot, screen, student)
        run = latest_results(ctx, A1, student)["tests"].result
        text = panel_text(screen)
        shown = f"autograde: {run.status.value} · {format(run.points.normalize(), 'f')} / 20"  # type: ignore[union-attr]
        assert shown in text and "sandboxed (bwrap, no network)" in text
        assert f"tests: {sum(t.outcome == 'passed' for t in run.tests)} passed" in text
        assert any(
            s == "autograde done: 1 result(s) (1 " + run.status.value + ")" for s in notifications(app)
        )
        await pilot.press("j", "j")
        assert focused(screen) == "tests", "j reaches the autograded criterion"
        await pilot.press("enter")
        await settle(pilot, screen, student)
        assert focused(screen) != "tests", "enter accepts the run and moves on"
        assert "tests" not in ctx.store.grade(A1, student).choices, "accepting records nothing"
        await pilot.press("k")
        assert focused(screen) == "tests"
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, OutputModal), "the output")
        log_lines = app.screen.query_one(Log).lines
        assert any("passed" in line or "failed" in line for line in log_lines), "pytest's summary"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back on the grading screen")
        await pilot.press("p", "ctrl+u", "1", "5", "enter")
        await settle(pilot, screen, student)
        assert ctx.store.grade(A1, student).choices["tests"].points == Decimal(15)
        ran = format(run.points.normalize(), "f")  # type: ignore[union-attr]
        assert f"override: 15 (run gave {ran})" in panel_text(screen)
        assert "Test suite passes  15 / 20" in panel_text(screen)
        await run_checks(pilot, screen, student)  # A again: runs anew (the cache is ignored)
        assert len(ctx.store.runs(A1, student, "tests")) == 2
        assert f"override: 15 (run gave {ran})" in panel_text(screen), "a re-run never erases an override"
        assert ctx.store.grade(A1, student).choices["tests"].points == Decimal(15)
    sources = [e.source for e in ctx.store.events(A1, student) if e.criterion_id == "tests"]
    assert sources.count(EventSource.AUTOGRADER) == 2 and sources.count(EventSource.GRADER) == 1


@needs_tool("bubblewrap")
async def test_o_shows_hostile_output_sanitised_and_capped(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[1]
    write_test(ctx, student, "test_hostile.py", HOSTILE_TEST)
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await run_checks(pilot, screen, student)
        result = latest_results(ctx, A1, student)["tests"].result
        assert result.output_truncated and ESC in result.output, "the run kept the raw output, capped"
        assert "✗ test_hostile_output" in panel_text(screen)
        await pilot.press("j", "j", "o")
        await wait_for(pilot, lambda: isinstance(app.screen, OutputModal), "the output")
        log = app.screen.query_one(Log)
        assert all(ESC not in line and BEL not in line and "\r" not in line for line in log.lines)
        assert any("[@click=app.quit]x" in line for line in log.lines), "markup shown literally"
        assert any("progress 100%" in line and "red" not in line for line in log.lines)
        assert log.lines[-1].startswith("[truncated: ")
        assert max(len(line) for line in log.lines) > 10_000, "the long line is kept (scrolls sideways)"
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen, "back")
        assert app.is_running, "no action ran from the output"


async def test_a_refused_sandbox_is_one_message_naming_bubblewrap(
    any_ctx: CourseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = any_ctx
    monkeypatch.setenv("GRADER_SANDBOX", "none")  # the sandbox's own switch: as if none worked
    app = make_app(ctx, open_assignment=A1)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot, lambda: any(type(s).__name__ == "SubmissionsScreen" for s in app.screen_stack), "list"
        )
        screen = submissions(app)
        await pilot.press("A")
        await wait_for(pilot, lambda: isinstance(app.screen, AutogradeScopeModal), "the scope dialog")
        await pilot.press("enter")
        await wait_for(pilot, lambda: said(app, "apt-get install bubblewrap"), "the refusal")
        await wait_for(pilot, lambda: not screen.query_one(AutogradeProgress).running, "the run's end")
        refusals = [m for severity, m in app.messages_shown if "bubblewrap" in m]
        assert len(refusals) == 1 and "checks: {trust: true}" in refusals[0]
        assert not said(app, "autograde done")
        assert "not run" in "\n".join(table_lines(screen))
    assert ctx.store.latest_runs(A1) == {}
    assert not [e for e in ctx.store.events(A1) if e.source is EventSource.AUTOGRADER]


async def test_a_course_that_trusts_its_code_says_so_on_every_result(
    demo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    course_yaml = demo_root / "course.yaml"
    text = course_yaml.read_text(encoding="utf-8")
    course_yaml.write_text(
        text.replace("  python: grader", "  python: grader\n  trust: true", 1), encoding="utf-8"
    )
    monkeypatch.setenv("GRADER_SANDBOX", "none")  # no sandbox works: trusted code runs without one
    with open_course(demo_root, actor="ta-test") as ctx:
        student = pulled_students(ctx)[0]
        screen = GradingScreen(ctx, A1, student)
        app = Harness(screen)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, screen, student)
            await run_checks(pilot, screen, student)
            assert "trusted: not sandboxed" in panel_text(screen)
            assert any("ran unsandboxed" in n for n in notifications(app))
        assert latest_results(ctx, A1, student)["tests"].result.sandbox == "trusted"
        listing = SubmissionList(ctx, A1)
        (row,) = listing.rows_at([listing.position_of(student) or 0])
        assert row.student_id == student and UNSANDBOXED in flags_label(row), "the list says it too"


@needs_tool("bubblewrap")
async def test_escape_cancels_a_run_and_records_nothing(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[2]
    write_test(ctx, student, "test_forever.py", ENDLESS_TEST)
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("A")
        await wait_for(
            pilot,
            lambda: screen.query(AutogradeProgress) and screen.query_one(AutogradeProgress).running,
            "run",
        )
        await pilot.press("escape")
        await wait_for(pilot, lambda: said(app, "autograde cancelled"), "the cancel", RUN_SECONDS)
        assert app.screen is screen, "the first escape cancels the run, it does not leave"
        assert "autograde: not run" in panel_text(screen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not screen, "the second escape leaves")
    assert latest_results(ctx, A1, student) == {}


def test_snapshot_of_a_partial_run_with_an_override(ctx: CourseContext, snap_compare: Any) -> None:
    student = pulled_students(ctx)[0]
    record_result(ctx, student, run_failing(("test_decimals", "test_negative_numbers")))
    record_choice(ctx, A1, student, "tests", ChoiceRequest(points=Decimal(15)))
    screen = GradingScreen(ctx, A1, student)

    async def focused_on_tests(pilot: Pilot[Any]) -> None:
        await settle(pilot, screen, student)
        await pilot.press("j", "j")
        assert focused(screen) == "tests"

    assert snap_compare(Harness(screen), terminal_size=SIZE, run_before=focused_on_tests)

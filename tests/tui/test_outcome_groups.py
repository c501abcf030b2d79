"""The pilot of issue 12's "Must show": autograde from the TUI, group by outcome, batch-apply a
choice to one group; the gradebook holds one grade event per student of that group.

Everything is real: the pulled demo course, its students' tests run in the sandbox, the app as
the CLI opens it.
"""

from __future__ import annotations

from typing import Any

from autograde_results import record_result, run_failing
from grading_harness import A1, pulled_students
from textual.pilot import Pilot

from grader.domain.events import EventSource
from grader.gradebook.context import CourseContext
from grader.tui.app import GraderApp, make_app
from grader.tui.screens.autograde_scope import AutogradeScopeModal
from grader.tui.screens.batch import BatchModal, ChoiceModal, CriterionModal
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.widgets.grouped_rows import Group
from tests.required_tools import needs_tool
from tests.tui.test_submissions_screen import NavApp, screen_of, settle

RUN_SECONDS = 240
"""Generous: every a1 check of the demo, four at a time, one of them timing out."""


async def wait_for(pilot: Pilot[Any], done: Any, what: str, seconds: float = 20) -> None:
    """Wait until ``done()`` holds, the UI running meanwhile; fail naming ``what``."""
    for _ in range(int(seconds / 0.05)):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


def submissions(app: GraderApp) -> SubmissionsScreen:
    screen = next(s for s in app.screen_stack if isinstance(s, SubmissionsScreen))
    return screen


def table_lines(screen: SubmissionsScreen) -> list[str]:
    table = screen.table
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


def said(app: GraderApp, text: str) -> bool:
    return any(text in message for _severity, message in app.messages_shown)


async def autograde_everyone(pilot: Pilot[Any], app: GraderApp) -> SubmissionsScreen:
    """Open a1's list, press A, run it for all: wait until the run said it was done."""
    await wait_for(pilot, lambda: any(isinstance(s, SubmissionsScreen) for s in app.screen_stack), "the list")
    screen = submissions(app)
    await wait_for(pilot, lambda: screen.table.row_count and screen.listing.cached(0) is not None, "rows")
    assert "not run" in "\n".join(table_lines(screen)), "the autograde column, before any run"
    await pilot.press("A")
    await wait_for(pilot, lambda: isinstance(app.screen, AutogradeScopeModal), "the scope dialog")
    await pilot.press("enter")  # no marks: "All 36 submissions" is highlighted
    await wait_for(pilot, lambda: said(app, "autograde done"), "the run's end", RUN_SECONDS)
    return screen


@needs_tool("bubblewrap")
async def test_autograde_group_and_batch_apply_one_event_per_student(any_ctx: CourseContext) -> None:
    ctx = any_ctx
    app = make_app(ctx, open_assignment=A1)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await autograde_everyone(pilot, app)
        await wait_for(pilot, lambda: "tests" in "\n".join(table_lines(screen)), "the column after the run")
        assert any("/9 tests" in line or "/11 tests" in line for line in table_lines(screen))
        await pilot.press("g")
        await wait_for(pilot, lambda: screen.table.grouped is not None, "the grouped rows")
        grouped = screen.table.grouped
        assert grouped is not None
        sizes = [len(group.members) for group in grouped.groups]
        assert sizes == sorted(sizes, reverse=True), "largest group first"
        failing: Group = next(
            g for g in grouped.groups if g.signature.startswith("fails: ") and len(g.members) > 1
        )
        header = grouped.header_row(failing)
        await pilot.press("home", *(["down"] * header))
        assert screen.table.cursor_group == failing
        shown = "\n".join(table_lines(screen))
        assert f"▾ {failing.signature}" in shown or header >= screen.table.scrollable_content_region.height
        await pilot.press("space")
        students = {screen.listing.students[i].student_id for i in failing.members}
        assert screen.table.marked == students
        await pilot.press("B")
        await wait_for(pilot, lambda: isinstance(app.screen, CriterionModal), "the criterion dialog")
        await pilot.press("enter")  # correctness
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceModal), "the choice dialog")
        await pilot.press("down", "down", "enter")  # its third level
        await wait_for(pilot, lambda: isinstance(app.screen, BatchModal), "the confirmation")
        await pilot.press("enter")
        await wait_for(pilot, lambda: said(app, f"recorded for {len(students)} submission(s)"), "the batch")
        assert screen.table.grouped is not None, "still grouped after the batch"
    level = ctx.files.rubric(A1).criterion("correctness").levels[2].label  # type: ignore[union-attr]
    batch = [e for e in ctx.store.events(A1) if e.source is EventSource.BATCH]
    assert sorted(e.student_id for e in batch) == sorted(students), "one event per student of the group"
    assert {(e.criterion_id, e.new.level, e.actor) for e in batch} == {("correctness", level, "ta-test")}
    for student_id in students:
        assert ctx.store.grade(A1, student_id).choices["correctness"].level == level
    by_autograder = {e.student_id for e in ctx.store.events(A1) if e.source is EventSource.AUTOGRADER}
    assert students <= by_autograder, "each result recorded as a grade event of the autograder"


async def test_g_on_an_assignment_never_autograded_is_one_not_run_group(ctx: CourseContext) -> None:
    app = make_app(ctx, open_assignment=A1)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: any(isinstance(s, SubmissionsScreen) for s in app.screen_stack), "list")
        screen = submissions(app)
        await wait_for(pilot, lambda: screen.listing.cached(0) is not None, "rows")
        lines = table_lines(screen)
        assert "checks" in lines[0] and "score" in lines[0], "the (compact) column fits at 80 columns"
        assert "not run" in lines[1]
        await pilot.press("g")
        await wait_for(pilot, lambda: screen.table.grouped is not None, "the grouped rows")
        grouped = screen.table.grouped
        assert grouped is not None and [g.signature for g in grouped.groups] == ["not run"]
        assert len(grouped.groups[0].members) == len(ctx.files.students)
        assert "▾ not run" in table_lines(screen)[1]
        assert "1 outcome group (g: list)" in str(screen.query_one("#submissions-title").render())
        await pilot.press("space")
        assert len(screen.table.marked) == len(ctx.files.students), "space on a header marks its group"
        await pilot.press("home", "space")
        assert screen.table.marked == set(), "again: unmarks it"
        await pilot.press("home", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "GradingScreen", "grading")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SubmissionsScreen), "back")
        await pilot.press("g")
        assert screen.table.grouped is None and screen.table.row_count == len(ctx.files.students)


def test_snapshot_of_rows_grouped_by_outcome_with_a_group_marked(
    ctx: CourseContext, snap_compare: Any
) -> None:
    ids = pulled_students(ctx)
    for student_id in ids[:3]:
        record_result(ctx, student_id, run_failing(("test_decimals",)))
    for student_id in ids[3:5]:
        record_result(ctx, student_id, run_failing(()))
    record_result(ctx, ids[5], run_failing(("test_divide", "test_decimals")))
    app = NavApp(ctx)

    async def grouped(pilot: Pilot[Any]) -> None:
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        table = screen_of(app).table
        assert table.grouped is not None
        await pilot.press("down", *(["down"] * len(table.grouped.groups[0].members)), "space")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(120, 30), run_before=grouped)


async def test_the_new_actions_are_in_the_palette_and_in_help(ctx: CourseContext) -> None:
    from grader.tui.commands import ScreenCommands
    from grader.tui.screens.help import HelpScreen

    app = make_app(ctx, open_assignment=A1)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SubmissionsScreen), "the list")
        titles = [c.title for c in ScreenCommands(app.screen).commands()]
        assert {"Autograde", "Group", "Batch"} <= set(titles)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        ids = {row.binding_id for row in app.screen.rows}  # type: ignore[attr-defined]
        assert {"submissions.autograde", "submissions.group"} <= ids
        await pilot.press("escape", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "GradingScreen", "grading")
        await pilot.pause(0.3)
        titles = [c.title for c in ScreenCommands(app.screen).commands()]
        assert {"Points", "Output", "Autograde"} <= set(titles)
        await pilot.press("question_mark")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "help")
        ids = {row.binding_id for row in app.screen.rows}  # type: ignore[attr-defined]
        assert {"grading.points", "grading.output", "grading.autograde"} <= ids

"""No worker error disappears: a worker that fails unexpectedly tells the grader (a message naming
the crash log), writes the crash log, and leaves its screen usable (no progress left spinning,
no "counting…" forever, keys still answered)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from crash_logs import CrashLogs
from hostile import screen_lines
from textual.pilot import Pilot
from textual.widgets import ProgressBar

import grader.tui.screens.batch as batch_screen
import grader.tui.screens.course as course_screen
import grader.tui.screens.pull as pull_screen
from grader.domain.progress import Progress
from grader.gradebook.batch import batch_apply
from grader.gradebook.context import STATE_DIR, CourseContext
from grader.gradebook.counts import count_assignments
from grader.gradebook.locks import course_lock
from grader.gradebook.pull import PullResult, pull
from grader.tui.app import GraderApp, make_app
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.help import HelpScreen
from grader.tui.screens.pull import PullScreen
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.widgets.assignment_list import AssignmentItem

SIZE = (140, 40)
A1 = "a1-calculator"


async def until(pilot: Pilot[Any], condition: Callable[[], object], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n" + "\n".join(
            screen_lines(pilot.app)
        )
        await pilot.pause(0.02)


def internal_errors_shown(app: GraderApp) -> list[str]:
    return [m for severity, m in app.messages_shown if severity == "error" and m.startswith("internal error")]


def one_crash_log(crash_logs: CrashLogs, app: GraderApp, error_text: str) -> str:
    """The one crash log written, named by the one internal-error message shown."""
    ((log, logged),) = crash_logs.take().items()
    (message,) = internal_errors_shown(app)
    assert message == f"internal error: RuntimeError: {error_text}\ndetails are in {log}; please report it"
    assert f"RuntimeError: {error_text}" in logged and "Traceback" in logged
    return logged


async def help_answers(pilot: Pilot[Any]) -> None:
    """`?` opens the keys of the screen and `escape` closes them: the app still answers."""
    before = pilot.app.screen
    await pilot.press("question_mark")
    await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "help")
    await pilot.press("escape")
    await until(pilot, lambda: pilot.app.screen is before, "help to close")


async def test_a_pull_that_fails_unexpectedly_says_so_and_the_screen_closes(
    ctx: CourseContext, crash_logs: CrashLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_pull(*args: Any, **kwargs: Any) -> Iterator[Progress | PullResult]:
        steps = pull(*args, **kwargs)
        yield next(steps)  # the real pull starts (its first progress), then something breaks
        steps.close()
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pull_screen, "pull", failing_pull)
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, CourseScreen), "the course")
        await pilot.press("P")
        await until(pilot, lambda: isinstance(app.screen, PullScreen), "the pull screen")
        screen = app.screen
        assert isinstance(screen, PullScreen)
        await until(pilot, lambda: screen.outcome, "the pull to end")
        assert screen.outcome == "failed"
        await until(pilot, lambda: internal_errors_shown(app), "the message")
        logged = one_crash_log(crash_logs, app, "disk on fire")
        assert "failing_pull" in logged
        shown = "\n".join(screen_lines(app))
        assert "failed: " in shown and "escape: close" in shown and "starting…" not in shown
        await help_answers(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, CourseScreen), "the pull screen to close")
    with course_lock(ctx.root / STATE_DIR, "pull"):
        pass  # released: another pull can start


async def test_a_batch_that_fails_unexpectedly_keeps_what_was_saved_and_lists_the_rest(
    ctx: CourseContext, crash_logs: CrashLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_batch(*args: Any, **kwargs: Any) -> Iterator[Any]:
        steps = batch_apply(*args, **kwargs)
        for step in steps:
            yield step
            if isinstance(step, batch_screen.BatchApplied):  # the first student is saved, then
                steps.close()
                raise RuntimeError("the database went away")

    monkeypatch.setattr(batch_screen, "batch_apply", failing_batch)
    ids = [s.student_id for s in ctx.files.students]
    app = make_app(ctx, open_assignment=A1)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SubmissionsScreen), "the submissions")
        screen = app.screen
        assert isinstance(screen, SubmissionsScreen)
        await until(pilot, lambda: screen.listing.cached(2) is not None, "the rows")
        await pilot.press("space", "space", "space", "B")  # mark the first three, batch
        await until(pilot, lambda: type(app.screen).__name__ == "CriterionModal", "the criterion")
        await pilot.press("enter")  # correctness
        await until(pilot, lambda: type(app.screen).__name__ == "ChoiceModal", "the choice")
        await pilot.press("down", "enter")  # Proficient
        await until(pilot, lambda: type(app.screen).__name__ == "BatchModal", "the confirmation")
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen, "the dialog to close")
        await until(pilot, lambda: internal_errors_shown(app), "the message")
        one_crash_log(crash_logs, app, "the database went away")
        errors = [m for severity, m in app.messages_shown if severity == "error" and "not applied" in m]
        assert errors == [
            f"{ids[1]}: not applied: internal error (RuntimeError)",
            f"{ids[2]}: not applied: internal error (RuntimeError)",
        ]
        assert ("information", "recorded for 1 submission(s)") in app.messages_shown
        await help_answers(pilot)
        await pilot.press("down")
        await until(pilot, lambda: screen.table.cursor == 4, "the cursor to move")  # 3 marks moved it to 3
    assert ctx.store.grade(A1, ids[0]).choices["correctness"].level == "Proficient"
    assert "correctness" not in ctx.store.grade(A1, ids[1]).choices
    assert "correctness" not in ctx.store.grade(A1, ids[2]).choices


async def test_counting_that_fails_unexpectedly_says_so_and_counts_again_on_return(
    ctx: CourseContext, crash_logs: CrashLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_count(ctx: CourseContext, *, chunk: int) -> Iterator[Any]:
        yield Progress(1, 36, A1)
        raise RuntimeError("a count went wrong")

    monkeypatch.setattr(course_screen, "count_assignments", failing_count)
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: internal_errors_shown(app), "the message")
        one_crash_log(crash_logs, app, "a count went wrong")
        screen = app.screen
        assert isinstance(screen, CourseScreen)
        shown = "\n".join(screen_lines(app))
        assert shown.count("counting failed: see the message") == 3, shown
        assert "counting 1 / 36" not in shown and "counting…" not in shown
        items = list(screen.query(AssignmentItem))
        await pilot.press("down")
        assert screen.selected_assignment() == items[1].assignment_id, "the list still answers"
        monkeypatch.setattr(course_screen, "count_assignments", count_assignments)
        await help_answers(pilot)  # whenever the course shows again, it is counted again
        await until(pilot, lambda: len(screen.summaries) == len(items), "the counts")
        assert "counting failed" not in "\n".join(screen_lines(app))


async def test_a_filter_that_fails_unexpectedly_takes_its_progress_bar_down(
    ctx: CourseContext, crash_logs: CrashLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(ctx, open_assignment=A1)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, SubmissionsScreen), "the submissions")
        screen = app.screen
        assert isinstance(screen, SubmissionsScreen)

        def failing(*_args: Any, **_kwargs: Any) -> Iterator[Any]:
            yield Progress(1, 36)
            raise RuntimeError("the filter broke")

        monkeypatch.setattr(screen.listing, "matching", failing)
        await pilot.press("slash", *"zzz", "enter")
        await until(pilot, lambda: internal_errors_shown(app), "the message")
        one_crash_log(crash_logs, app, "the filter broke")
        bars = list(screen.query(ProgressBar))
        assert len(bars) == 1 and not bars[0].display, "no progress bar left up"
        await help_answers(pilot)


async def test_rows_that_fail_to_read_unexpectedly_are_said_and_read_again(
    ctx: CourseContext, crash_logs: CrashLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from grader.gradebook.listing import SubmissionList
    from grader.tui.widgets.submission_table import SubmissionTable

    real_rows_at = SubmissionList.rows_at
    failures = [RuntimeError("a page went missing")]

    def failing_once(self: SubmissionList, indexes: Any) -> Any:
        if failures:
            raise failures.pop()
        return real_rows_at(self, indexes)

    monkeypatch.setattr(SubmissionList, "rows_at", failing_once)
    app = make_app(ctx, open_assignment=A1)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: internal_errors_shown(app), "the message")
        one_crash_log(crash_logs, app, "a page went missing")
        assert app.screen.query_one(SubmissionTable).row_count > 0
        await pilot.press("down")  # the next read is not refused as "still reading"
        await until(pilot, lambda: any("Emma Okafor" in line for line in screen_lines(app)), "the rows")
        await help_answers(pilot)

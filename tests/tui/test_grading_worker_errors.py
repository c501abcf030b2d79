"""No worker error of the grading screens disappears: each is shown, logged when unexpected, and
the screen goes on answering keys. A failure is injected into the one gradebook call each
worker makes (file, diff, loading, badges, the next-submission search)."""

from __future__ import annotations

from typing import Any

import pytest
from grading_harness import A1, SIZE, Harness, notifications, pulled_students, settle, until, viewer_text

from grader.domain.errors import GraderError
from grader.gradebook import certify
from grader.gradebook.context import CourseContext
from grader.gradebook.listing import SubmissionList
from grader.tui.grading import reads
from grader.tui.screens.grading import GradingScreen
from grader.tui.widgets import submission_files


def fails_with(error: BaseException) -> Any:
    def failing(*_args: object, **_kwargs: object) -> object:
        raise error

    return failing


def internal(app: Harness, crash_logs: Any, text: str) -> None:
    """Each unexpected failure was shown as an internal error and has its crash log."""
    assert app.internal_errors, "the failure was reported"
    assert all(text in str(error) for error in app.internal_errors), app.internal_errors
    assert any(f"internal error: RuntimeError: {text}" in n for n in notifications(app))
    logs = crash_logs.take()
    assert len(logs) == len(app.internal_errors) and all(text in log for log in logs.values())


@pytest.mark.parametrize("reader", ["read_file", "read_diff"])
async def test_a_file_or_diff_that_cannot_be_read_says_so_and_keys_still_work(
    ctx: CourseContext, monkeypatch: pytest.MonkeyPatch, crash_logs: Any, reader: str
) -> None:
    monkeypatch.setattr(submission_files, reader, fails_with(RuntimeError("the checkout vanished")))
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        if reader == "read_diff":
            await pilot.press("d")
        await until(pilot, lambda: "cannot show this" in viewer_text(screen), "the viewer says so")
        assert "RuntimeError: the checkout vanished" in viewer_text(screen)
        await pilot.press("1")
        await settle(pilot, screen, student)
        assert ctx.store.grade(A1, student).choices["correctness"].level == "Exemplary"
    internal(app, crash_logs, "the checkout vanished")


async def test_a_submission_that_cannot_be_loaded_says_so_and_the_next_one_opens(
    ctx: CourseContext, monkeypatch: pytest.MonkeyPatch, crash_logs: Any
) -> None:
    first, second, third = (s.student_id for s in ctx.files.students[:3])
    load = reads.load_submission

    def breaks_on_second(ctx: CourseContext, assignment_id: str, student_id: str) -> Any:
        if student_id == second:
            raise RuntimeError("the gradebook vanished")
        return load(ctx, assignment_id, student_id)

    monkeypatch.setattr(reads, "load_submission", breaks_on_second)
    screen = GradingScreen(ctx, A1, first)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, first)
        await pilot.press("right_square_bracket")
        await until(pilot, lambda: screen.student_id == second and screen.state is None, "refused")
        assert f"could not read {second}'s submission" in viewer_text(screen)
        await pilot.press("right_square_bracket")
        await settle(pilot, screen, third)
    internal(app, crash_logs, "the gradebook vanished")


async def test_badges_not_updated_is_said_and_the_grade_stays(
    ctx: CourseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(certify, "after_grading", fails_with(GraderError("the signing key is locked")))
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("2")
        await until(pilot, lambda: any("badges not updated" in n for n in notifications(app)), "said")
        await settle(pilot, screen, student)
    assert any("badges not updated: the signing key is locked" in n for n in notifications(app))
    assert ctx.store.grade(A1, student).choices["correctness"].level == "Proficient"
    assert app.internal_errors == []


async def test_a_failed_next_submission_search_is_reported_and_saving_goes_on(
    ctx: CourseContext, monkeypatch: pytest.MonkeyPatch, crash_logs: Any
) -> None:
    roster = [s.student_id for s in ctx.files.students]
    monkeypatch.setattr(SubmissionList, "next_to_grade", fails_with(RuntimeError("the listing broke")))
    screen = GradingScreen(ctx, A1, roster[0], criterion_id="readme", by_criterion=True)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, roster[0])
        await pilot.press("1")  # saved; then the search for the next submission dies with the worker
        await until(pilot, lambda: bool(app.internal_errors), "the search's failure is reported")
        await settle(pilot, screen, roster[0])
        assert ctx.store.grade(A1, roster[0]).choices["readme"].level == "Complete"
        assert screen.save_path.not_saved is None, "nothing was lost: no choice is refused"
        monkeypatch.undo()
        await pilot.press("2")
        await settle(pilot, screen, roster[1])
        assert ctx.store.grade(A1, roster[0]).choices["readme"].level == "Partial", "saving went on"
    internal(app, crash_logs, "the listing broke")

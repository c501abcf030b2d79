"""The export dialog: keys only, the same gradebook code as the CLI, files re-read by the checkers."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from crash_logs import CrashLogs
from hostile import Harness, screen_lines
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from grader.domain.progress import Progress
from grader.exports.lms_checks import check_canvas
from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.tui.screens import export as export_screen
from grader.tui.screens.export import ExportModal, OverwriteModal

SIZE = (120, 50)
STUDENT = "00178825"


def result_text(app: Harness) -> str:
    return str(app.screen.query_one("#result", Static).render())


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def choose(pilot: Pilot[Any], downs: int) -> None:
    """Open the focused Select, move ``downs`` options down from the current one, choose it."""
    await pilot.press("enter", *(["down"] * downs), "enter")


A1_FULL = {
    "correctness": ChoiceRequest(level="Proficient"),
    "cli": ChoiceRequest(level="Exemplary"),
    "tests": ChoiceRequest(points=Decimal(18)),
    "code-quality": ChoiceRequest(items=("Dead code",)),
    "readme": ChoiceRequest(level="Complete"),
    "git-practice": ChoiceRequest(items=()),
}


def errors(app: Harness) -> list[str]:
    return [message for severity, message in app.messages_shown if severity == "error"]


async def test_canvas_csv_passes_the_canvas_import_check_and_lists_what_was_left_out(
    ctx: CourseContext,
) -> None:
    for criterion_id, choice in A1_FULL.items():
        record_choice(ctx, "a1-calculator", STUDENT, criterion_id, choice)
    record_choice(ctx, "a1-calculator", "00284753", "correctness", ChoiceRequest(level="Proficient"))
    app = Harness(lambda: ExportModal(ctx))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, 1)  # wide -> canvas
        modal = app.screen
        assert isinstance(modal, ExportModal)
        assert modal.kind == "canvas"
        output = modal.query_one("#output", Input)
        assert output.value == "exports/cs101-fall26-demo-canvas.csv"
        await pilot.press("tab", "tab")  # assignment, then the output path
        assert app.focused is output
        await pilot.press("enter")
        await settle(pilot)
        path = ctx.root / "exports" / "cs101-fall26-demo-canvas.csv"
        text = path.read_text(encoding="utf-8")
        assert check_canvas(text, str(path)) == []
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][5:] == ["Command-line calculator (482101)"]
        assert [row[2] for row in rows[2:]] == [STUDENT], "only the final grade: a blank clears Canvas's"
        shown = result_text(app)
        assert "wrote 1 student row(s)" in shown
        assert "left out a2-webpage whole: none of its grades can be written" in shown
        assert "left out 00284753 Anne-Marie O'Brien, a1-calculator: in progress" in shown
        assert "importing this file clears no grade in Canvas" in shown
        assert "more (grader export grades lists every one)" in shown
        assert errors(app) == []
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportModal)


async def test_nothing_final_writes_no_file_and_says_why(ctx: CourseContext) -> None:
    record_choice(ctx, "a1-calculator", STUDENT, "correctness", ChoiceRequest(level="Proficient"))
    app = Harness(lambda: ExportModal(ctx, "a1-calculator"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, 2)  # wide -> moodle
        assert isinstance(app.screen, ExportModal) and app.screen.kind == "moodle"
        await pilot.press("tab", "tab", "enter")  # assignment, output, run
        await settle(pilot)
        shown = result_text(app)
        assert "nothing to write: none of these grades can be written for Moodle" in shown
        assert "left out 00178825 Emma Okafor, a1-calculator: in progress" in shown
        assert not (ctx.root / "exports").exists() or not any((ctx.root / "exports").iterdir())
        assert ("warning", "nothing exported: nothing here can be written (listed)") in app.messages_shown
        assert app.screen.written is None


async def test_an_unexpected_error_is_shown_logged_and_the_dialog_works_again(
    ctx: CourseContext, crash_logs: CrashLogs, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_job = export_screen.run_job
    calls: list[str] = []

    def failing_once(job_ctx: CourseContext, job: Any) -> Iterator[Any]:
        calls.append(job.kind)
        if len(calls) == 1:
            yield Progress(1, 10, "gathering")
            raise RuntimeError("disk on fire")
        yield from real_job(job_ctx, job)

    monkeypatch.setattr(export_screen, "run_job", failing_once)
    app = Harness(lambda: ExportModal(ctx))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab", "tab", "enter")  # wide, all assignments, default path
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ExportModal)
        assert "the export failed: RuntimeError: disk on fire; nothing was written" in result_text(app)
        assert "exporting" not in result_text(app)
        assert modal.query_one("#progress").has_class("hidden")
        (message,) = errors(app)
        assert message.startswith("internal error: RuntimeError: disk on fire")
        ((log, logged),) = crash_logs.take().items()
        assert str(log) in message and "disk on fire" in logged
        await pilot.press("enter")  # the dialog answers again: the same export, now working
        await settle(pilot)
        assert calls == ["wide", "wide"]
        assert "wrote 36 student row(s)" in result_text(app)
        assert (ctx.root / "exports" / "cs101-fall26-demo-wide.csv").is_file()


async def test_report_for_the_course(ctx: CourseContext) -> None:
    app = Harness(lambda: ExportModal(ctx, "a2-webpage"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, 5)  # wide -> ... -> report
        modal = app.screen
        assert isinstance(modal, ExportModal)
        assert modal.kind == "report"
        assert modal.query_one("#assignment", Select).disabled
        await pilot.press("tab", "enter")  # the output path, run
        await settle(pilot)
        path = ctx.root / "exports" / "cs101-fall26-demo-a2-webpage-report.html"
        assert path.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
        assert f"report written to {path}" in result_text(app)


async def test_existing_file_is_only_replaced_when_confirmed(ctx: CourseContext) -> None:
    target = ctx.root / "exports" / "cs101-fall26-demo-wide.csv"
    target.parent.mkdir()
    target.write_text("keep me\n", encoding="utf-8")
    app = Harness(lambda: ExportModal(ctx))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab", "tab", "enter")  # wide, all assignments, default path
        await pilot.pause()
        assert isinstance(app.screen, OverwriteModal)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ExportModal)
        assert target.read_text(encoding="utf-8") == "keep me\n"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OverwriteModal)
        await pilot.press("y")
        await settle(pilot)
        assert target.read_text(encoding="utf-8").startswith("student_id,")


async def test_moodle_worksheet_asks_for_its_input_file(ctx: CourseContext) -> None:
    app = Harness(lambda: ExportModal(ctx, "a1-calculator"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await choose(pilot, 3)  # wide -> moodle-worksheet
        modal = app.screen
        assert isinstance(modal, ExportModal)
        worksheet = modal.query_one("#worksheet", Input)
        assert worksheet.display
        await pilot.press("tab", "tab", "enter")  # assignment, output, run
        await pilot.pause()
        assert app.focused is worksheet
        assert "needs the worksheet downloaded from Moodle" in result_text(app)
        assert any("worksheet" in message for message in errors(app))
        await pilot.press(*"missing.csv", "enter")
        await pilot.pause()
        assert "no worksheet file at" in result_text(app)
        assert not (ctx.root / "exports").exists()


async def test_a_grader_error_is_shown_not_raised(ctx: CourseContext) -> None:
    """Canvas needs canvas_id on every student; a roster without one is refused, naming the student."""
    roster = ctx.root / "roster.csv"
    lines = roster.read_text(encoding="utf-8").splitlines()
    head = lines[0].split(",")
    first = lines[1].split(",")
    first[head.index("canvas_id")] = ""
    roster.write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n", encoding="utf-8")
    from grader.gradebook.context import open_course

    with open_course(ctx.root, actor="ta-test") as fresh:
        app = Harness(lambda: ExportModal(fresh))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await choose(pilot, 1)
            await pilot.press("tab", "tab", "enter")
            await settle(pilot)
            assert "cannot be matched in canvas" in result_text(app)
            assert errors(app)
            assert not (fresh.root / "exports" / "cs101-fall26-demo-canvas.csv").exists()
            assert app.is_running


async def test_escape_cancels_a_running_export(ctx: CourseContext, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    def slow_job(_ctx: CourseContext, _job: Any) -> Iterator[Progress]:
        yield Progress(1, 10, "gathering")
        release.wait(10)
        yield Progress(2, 10, "still gathering")
        raise AssertionError("a cancelled export must not go on")

    monkeypatch.setattr(export_screen, "run_job", slow_job)
    app = Harness(lambda: ExportModal(ctx))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("tab", "tab", "enter")
        await pilot.pause()
        await pilot.press("escape")
        assert isinstance(app.screen, ExportModal)  # the first escape cancels, it does not close
        release.set()
        await settle(pilot)
        assert "export cancelled; nothing was written" in result_text(app)
        assert "still gathering" not in "\n".join(screen_lines(app))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportModal)


def test_default_paths() -> None:
    assert export_screen.default_output("c", "wide", "*") == "exports/c-wide.csv"
    assert export_screen.default_output("c", "moodle", "a1") == "exports/c-a1-moodle.csv"
    assert export_screen.default_output("c", "report", "*") == "exports/c-report.html"
    assert Path(export_screen.default_output("c", "feedback", "a1")) == Path(".grader/feedback")

"""The export dialog: keys only, the same gradebook code as the CLI, files re-read by the checkers."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
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


def errors(app: Harness) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "error"]


async def test_canvas_csv_passes_the_canvas_import_check(ctx: CourseContext) -> None:
    record_choice(ctx, "a1-calculator", STUDENT, "correctness", ChoiceRequest(level="Proficient"))
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
        assert len(rows) == 2 + len(ctx.files.students)  # header, Points Possible, one per student
        assert "wrote 36 student row(s)" in result_text(app)
        assert "are not final" in result_text(app)  # ungraded submissions are blank, and said so
        assert errors(app) == []
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportModal)


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

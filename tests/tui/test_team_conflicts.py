"""Two graders, two apps, one gradebook: a change to the same criterion goes through the
mine/theirs dialog (and the log holds both attempts); changes to different criteria both save.
Then the History view (`h`) of what happened."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from grading_harness import A1, SIZE, Harness, pulled_students, settle, until
from textual.events import Key
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from grader.cli.main import main
from grader.domain.choices import CriterionChoice
from grader.domain.events import EventOutcome
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.tui.app import GraderApp, make_app
from grader.tui.live import stop_following
from grader.tui.screens.claimed import ClaimedModal
from grader.tui.screens.conflict import ConflictModal
from grader.tui.screens.grading import GradingScreen
from grader.tui.screens.history import COLUMNS, HistoryModal


@contextmanager
def two_graders(root: Path) -> Iterator[tuple[CourseContext, CourseContext]]:
    with open_course(root, actor="ta-anna") as anna, open_course(root, actor="ta-ben") as ben:
        yield anna, ben


def grading_screen(app: GraderApp) -> GradingScreen | None:
    return next((s for s in app.screen_stack if isinstance(s, GradingScreen)), None)


async def grading(pilot: Pilot[Any], app: GraderApp, student_id: str) -> GradingScreen:
    """Open the Grading screen on ``student_id`` as the Submissions screen's enter does; when
    the other grader has claimed it, take it over (t)."""
    await until(pilot, lambda: app.full is not None, "the course open")
    app.call_later(partial(app.open_grading, A1, student_id))  # in the app's own context
    await until(
        pilot, lambda: getattr(grading_screen(app), "loaded", None) is not None, "the submission read"
    )
    screen = grading_screen(app)
    assert screen is not None
    await pilot.pause()
    if isinstance(app.screen, ClaimedModal):
        await pilot.press("t")
    await until(pilot, lambda: app.screen is screen and not screen.save_path.read_only, "the claim")
    await settle(pilot, screen, student_id)
    return screen


async def unaware(pilot: Pilot[Any], app: GraderApp, screen: GradingScreen) -> None:
    """The screen hears of no other grader's change from here on: as in the two seconds before
    a live update arrives (or a take-over is seen), when a choice meets theirs in the gradebook."""
    app.call_later(stop_following, screen)  # in the app's own context
    await pilot.pause()


def levels(ctx: CourseContext, criterion_id: str) -> list[str]:
    criterion = ctx.files.rubric(A1).criterion(criterion_id)
    assert criterion is not None
    return [level.label for level in criterion.levels]


def shown_dialog(app: GraderApp) -> ConflictModal | None:
    """The conflict dialog, once it shows both sides."""
    screen = app.screen
    return screen if isinstance(screen, ConflictModal) and screen.query("#conflict-theirs") else None


def text_of(modal: ConflictModal, widget_id: str) -> str:
    return str(modal.query_one(widget_id, Static).content)


async def test_a_change_to_the_same_criterion_goes_through_the_dialog_and_both_are_logged(
    demo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with two_graders(demo_root) as (anna_ctx, ben_ctx):
        student = pulled_students(anna_ctx)[0]
        exemplary, proficient = levels(anna_ctx, "correctness")[:2]
        anna, ben = make_app(anna_ctx), make_app(ben_ctx)
        async with anna.run_test(size=SIZE) as anna_pilot, ben.run_test(size=SIZE) as ben_pilot:
            anna_screen = await grading(anna_pilot, anna, student)  # loaded before ben's change
            await unaware(anna_pilot, anna, anna_screen)
            ben_screen = await grading(ben_pilot, ben, student)
            await ben_pilot.press("2")  # correctness: Proficient
            await settle(ben_pilot, ben_screen, student)

            for _ in range(2):  # correctness: Exemplary, then cli, both before her screen hears back
                anna.post_message(Key("1", "1"))
            await until(anna_pilot, lambda: shown_dialog(anna) is not None, "the dialog")
            dialog = anna.screen
            assert isinstance(dialog, ConflictModal)
            assert "ta-ben changed Correct results" in text_of(dialog, "#conflict-title")
            mine, theirs = text_of(dialog, "#conflict-mine"), text_of(dialog, "#conflict-theirs")
            assert "ta-anna" in mine and f"level: {exemplary}" in mine and "points: 35 / 35" in mine
            assert "ta-ben" in theirs and f"level: {proficient}" in theirs and "points: 28 / 35" in theirs
            assert anna_ctx.store.grade(A1, student).choices.get("cli") is None, "waits behind the dialog"

            await anna_pilot.press("k")  # moving up a criterion as the dialog came: not an answer
            assert shown_dialog(anna) is dialog
            await anna_pilot.press("M")
            await settle(anna_pilot, anna_screen, student)
            assert anna_screen.state is not None
            assert anna_screen.state.choice("correctness").level == exemplary

        grade = anna_ctx.store.grade(A1, student)
        assert grade.choices["correctness"] == CriterionChoice(level=exemplary)
        assert grade.choices["cli"] == CriterionChoice(level=levels(anna_ctx, "cli")[0]), "saved after"
        events = anna_ctx.store.events(A1, student)
        assert [(e.actor, e.criterion_id, e.new.level, e.outcome) for e in events] == [
            ("ta-ben", "correctness", proficient, EventOutcome.APPLIED),
            ("ta-anna", "correctness", exemplary, EventOutcome.CONFLICT),
            ("ta-anna", "correctness", exemplary, EventOutcome.APPLIED),  # kept: over theirs
            ("ta-anna", "cli", levels(anna_ctx, "cli")[0], EventOutcome.APPLIED),  # in order
        ]
    capsys.readouterr()
    assert main(["--course", str(demo_root), "log", "--json", "--student", student]) == 0
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    attempts = [(e["actor"], e["outcome"]) for e in logged if e.get("criterion") == "correctness"]
    assert attempts == [("ta-ben", "applied"), ("ta-anna", "conflict"), ("ta-anna", "applied")]


async def test_changes_to_different_criteria_both_save_without_a_dialog(demo_root: Path) -> None:
    with two_graders(demo_root) as (anna_ctx, ben_ctx):
        student = pulled_students(anna_ctx)[1]
        anna, ben = make_app(anna_ctx), make_app(ben_ctx)
        async with anna.run_test(size=SIZE) as anna_pilot, ben.run_test(size=SIZE) as ben_pilot:
            anna_screen = await grading(anna_pilot, anna, student)
            await unaware(anna_pilot, anna, anna_screen)
            ben_screen = await grading(ben_pilot, ben, student)
            await ben_pilot.press("2")  # correctness
            await settle(ben_pilot, ben_screen, student)
            await anna_pilot.press("j", "3")  # cli, on a screen loaded before ben's save
            await settle(anna_pilot, anna_screen, student)
            assert not isinstance(anna.screen, ConflictModal)

        grade = anna_ctx.store.grade(A1, student)
        assert grade.choices["correctness"].level == levels(anna_ctx, "correctness")[1]
        assert grade.choices["cli"].level == levels(anna_ctx, "cli")[2]
        assert {e.outcome for e in anna_ctx.store.events(A1, student)} == {EventOutcome.APPLIED}


async def test_history_lists_every_event_newest_first_starting_at_the_focused_criterion(
    ctx: CourseContext,
) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("1")  # correctness; focus moves on to cli
        await settle(pilot, screen, student)
        await unaware(pilot, app, screen)
        other = replace(ctx, actor="ta-\x1b[31mben")  # a name with an escape code
        record_choice(other, A1, student, "cli", ChoiceRequest(level=levels(ctx, "cli")[1]))
        await pilot.press("1")  # cli, stale: refused
        await until(pilot, lambda: isinstance(app.screen, ConflictModal), "the dialog")
        await pilot.press("escape")
        await settle(pilot, screen, student)
        await pilot.press("k", "k", "k")  # back over tests and cli to correctness
        assert screen.state is not None and screen.state.focused is not None
        assert screen.state.focused.id == "correctness"

        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HistoryModal), "the history")
        history = app.screen
        assert isinstance(history, HistoryModal)
        await until(pilot, lambda: history.events is not None, "the history read")
        table = history.query_one(DataTable)
        rows = [
            dict(zip(COLUMNS, (str(cell) for cell in table.get_row_at(n)), strict=True))
            for n in range(table.row_count)
        ]
        assert [row["Criterion"] for row in rows] == [
            "Command-line interface",
            "Command-line interface",
            "Correct results",
        ]
        assert rows[0]["Who"] == "ta-test" and rows[0]["Outcome"] == "REFUSED"
        assert rows[1]["Who"] == "ta-␛[31mben" and rows[1]["Outcome"] == "applied", "the escape is inert"
        assert rows[0]["Change (old → new)"] == f"{levels(ctx, 'cli')[1]} → {levels(ctx, 'cli')[0]}"
        assert table.cursor_row == 2, "starts at the focused criterion's newest event"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "closed")


async def test_quitting_while_the_dialog_waits_quits_once_it_is_answered(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        app.call_later(stop_following, screen)
        record_choice(
            replace(ctx, actor="ta-ben"), A1, student, "correctness", ChoiceRequest(level="Beginning")
        )
        await pilot.press("1")
        await until(pilot, lambda: shown_dialog(app) is not None, "the dialog")
        await pilot.press("ctrl+q")
        await pilot.pause(0.2)
        assert app.is_running and shown_dialog(app) is not None, "the dialog is answered first"
        await pilot.press("M")
        await until(pilot, lambda: not app.is_running, "quit once mine is saved")
    assert ctx.store.grade(A1, student).choices["correctness"].level == levels(ctx, "correctness")[0]

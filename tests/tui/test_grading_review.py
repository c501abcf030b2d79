"""Grading at 80x24, ticks left unconfirmed, and a second grader: what a TA hits in a long session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from grading_harness import A1, Harness, header_text, notifications, pulled_students, settle, until
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static

from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.tui.app import make_app
from grader.tui.screens.conflict import ConflictModal
from grader.tui.screens.grading import GradingScreen
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.widgets.key_bar import KeyBar


async def test_at_80_by_24_rubric_and_code_each_get_the_width_and_the_score_is_in_the_header(
    ctx: CourseContext,
) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("1")
        await settle(pilot, screen, student)
        rubric = screen.query_one("#rubric-scroll").region
        assert rubric.right <= 80 and rubric.width >= 70, f"the rubric is squeezed: {rubric}"
        assert header_text(screen).startswith(f"{ctx.files.student(student).name}  {student}  · 35 / 100")
        await pilot.press("v")  # the code, in the rubric's place
        await pilot.pause()
        viewer = screen.query_one("#viewer").region
        assert viewer.width >= 70, f"the code needs room to be read, got {viewer.width} columns"
        assert screen.query_one("#rubric-scroll").region.width == 0


async def test_ticked_items_not_confirmed_are_saved_when_moving_on(ctx: CourseContext) -> None:
    first, second = pulled_students(ctx)[:2]
    screen = GradingScreen(ctx, A1, first)
    app = Harness(screen)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(pilot, screen, first)
        await pilot.press("1", "1")  # correctness, cli; focus moves to the code-quality checklist
        await settle(pilot, screen, first)
        await pilot.press("1", "4", "right_square_bracket")
        await settle(pilot, screen, second)
        saved = ctx.store.grade(A1, first).choices["code-quality"]
        assert saved.items == ("Unclear names", "Dead code"), "a tick is a choice: never lost"


async def test_a_conflict_says_who_changed_what(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=(170, 45)) as pilot:
        await settle(pilot, screen, student)
        other = replace(ctx, actor="prof-b")
        record_choice(other, A1, student, "correctness", ChoiceRequest(level="Beginning"))
        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, ConflictModal), "the conflict dialog")
        dialog = app.screen
        assert isinstance(dialog, ConflictModal)
        assert "prof-b changed Correct results" in str(dialog.query_one("#conflict-title", Static).content)
        assert "level: Beginning" in str(dialog.query_one("#conflict-theirs", Static).content)
        await pilot.press("t")
        await settle(pilot, screen, student)
        assert ctx.store.grade(A1, student).choices["correctness"].level == "Beginning"
        said = [n for n in notifications(app) if "prof-b's choice stands (you took theirs)" in n]
        assert said and "Correct results" in said[0], notifications(app)
        assert screen.state is not None and screen.state.choice("correctness").level == "Beginning"


async def test_the_help_key_shows_in_the_footer_of_submissions_and_grading_at_120(
    ctx: CourseContext,
) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, SubmissionsScreen))
        assert _visible_keys(app) >= {"question_mark", "escape", "A", "g", "B", "c"}
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, GradingScreen))
        assert _visible_keys(app) >= {"question_mark", "escape", "u", "n", "d"}


async def _until(pilot: Pilot[Any], done: Callable[[], bool]) -> None:
    for _ in range(200):
        await pilot.pause(0.02)
        if done():
            await pilot.pause(0.1)
            return
    raise AssertionError("the screen did not open")


def _visible_keys(app: App[Any]) -> set[str]:
    """Keys whose footer entry is wholly on screen (a stock Footer, or the one-line KeyBar)."""
    width = app.size.width
    # Textual's Footer shows a FooterKey widget per key (queried by its type's name: the class
    # lives in a private module).
    keys = [k for k in app.screen.query("FooterKey") if k.region.width and k.region.right <= width]
    shown = {str(k.key) for k in keys}
    for bar in app.screen.query(KeyBar):
        bar.render()  # lays out the keys for the bar's current width; only whole keys are drawn
        shown |= {entry.key for x in range(bar.size.width) if (entry := bar.entry_at(x)) is not None}
    assert shown, "no key bar on this screen"
    return shown


async def test_at_80_columns_the_help_key_stays_when_other_keys_are_cut(ctx: CourseContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, SubmissionsScreen))
        shown = _visible_keys(app)
        assert "question_mark" in shown, "? is how a user finds every key that did not fit"
        assert "escape" in shown, "the way back stays too"
        assert "c" not in shown, "at 80 columns some keys are cut (else this test proves nothing)"

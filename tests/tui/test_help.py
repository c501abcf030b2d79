"""`?`: the keys of the current screen, with descriptions, tooltips and remapped keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hostile import screen_lines
from textual.pilot import Pilot

from grader.gradebook.context import CourseContext
from grader.tui.app import make_app
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.course_badges import BadgesScreen
from grader.tui.screens.help import HelpScreen

SIZE = (120, 40)


def text(pilot: Pilot[Any]) -> str:
    return "\n".join(screen_lines(pilot.app))


async def test_question_mark_lists_the_course_keys_and_escape_closes(ctx: CourseContext) -> None:
    async with make_app(ctx).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        shown = text(pilot)
        rows = {(r.key, r.description, r.tooltip) for r in help_screen.rows}
        assert {r.binding_id for r in help_screen.rows} >= {"course.badges", "course.open", "app.help"}
        assert "course.badges" in shown
        for key, description, tooltip in (
            ("b", "Badges", "Who earned which badge, what is missing"),
            ("s", "Students", "Find a student, open their grades"),
            ("P", "Pull all", "Fetch every student's repository"),
            ("q", "Quit", "Leave grader (everything is already saved)"),
        ):
            assert (key, description, tooltip) in rows
            assert tooltip in shown
        assert "Copy selected text" not in shown  # Textual's hidden keys are not listed
        await pilot.press("question_mark")  # help over help: nothing new
        assert len(pilot.app.screen_stack) == 3
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CourseScreen)


async def test_help_on_another_screen_lists_that_screens_keys(ctx: CourseContext) -> None:
    async with make_app(ctx).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b", "question_mark")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        assert "Back to the course" in text(pilot)
        descriptions = {r.description for r in help_screen.rows}
        assert {"Back", "Keys"} <= descriptions and "Badges" not in descriptions
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, BadgesScreen)


async def test_help_shows_remapped_keys(ctx: CourseContext, tmp_path: Path) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text('[keys]\n"course.badges" = "B"\n"app.help" = "f1"\n', encoding="utf-8")
    async with make_app(ctx, keymap_path=keys).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, CourseScreen), "? no longer opens help"
        await pilot.press("f1")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = {r.description: r.key for r in help_screen.rows}
        assert keys["Badges"] == "B" and keys["Keys"] == "f1"

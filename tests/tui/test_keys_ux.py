"""Keys that do what a user expects, and state said in marks, not colour alone (issue 16, points
2-4): j/k stop at the ends, an autograded criterion takes the focus, the list's cursor after
grading, grade by criterion's "n of N" and confirmations, the key bar's priorities, `?` and the
palette, old binding ids in a keys file, and the Grading screen without colour."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from grading_harness import A1, Harness, header_text, notifications, pulled_students, settle, until
from textual.app import App
from textual.command import CommandList
from textual.pilot import Pilot

from grader.gradebook.context import CourseContext
from grader.tui.app import make_app
from grader.tui.commands import ScreenCommands, same_title
from grader.tui.keymap import LoadedKeymap, grader_binding_ids, read_keymap_file
from grader.tui.screens.grading import GradingScreen
from grader.tui.screens.help import HelpScreen
from grader.tui.screens.notes import AdjustModal, NoteModal
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.widgets.key_bar import KeyBar, KeyEntry
from grader.tui.widgets.rubric_panel import RubricPanel

SIZE = (120, 40)


def drawn(app: App[Any]) -> list[KeyEntry]:
    """The key bar's entries as drawn now, left to right (only whole ones are drawn)."""
    bar = app.screen.query_one(KeyBar)
    bar.render()
    return [entry for _start, _end, entry in bar._spans]


async def grading(pilot: Pilot[Any]) -> GradingScreen:
    screen = pilot.app.screen
    assert isinstance(screen, GradingScreen)
    await settle(pilot, screen, screen.student_id)
    return screen


async def test_j_and_k_stop_at_the_first_and_last_criterion(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    async with Harness(screen).run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        assert screen.state is not None
        ids = [c.id for c in screen.state.shown]
        await pilot.press(*"kkkkk")
        assert screen.state.focused is not None and screen.state.focused.id == ids[0]
        await pilot.press("a")  # adjusts the first criterion, not (wrapped round) the last
        await until(pilot, lambda: isinstance(pilot.app.screen, AdjustModal), "the adjust dialog")
        modal = pilot.app.screen
        assert isinstance(modal, AdjustModal) and modal.criterion_title == "Correct results"
        await pilot.press("escape")
        await pilot.press(*"j" * (len(ids) + 3))
        assert screen.state.focused is not None and screen.state.focused.id == ids[-1]
        assert screen.state.focus == len(ids) - 1


async def test_an_autograded_criterion_takes_the_focus_and_a_comment(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    async with Harness(screen).run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        assert screen.state is not None
        await pilot.press("j", "j")  # correctness, cli, then the autograded test suite
        assert screen.state.focused is not None and screen.state.focused.id == "tests"
        panel = screen.query_one(RubricPanel).render().plain
        assert "▶ Test suite passes" in panel and "autograde: not run" in panel
        await pilot.press("m")
        await until(pilot, lambda: isinstance(pilot.app.screen, NoteModal), "the comment dialog")
        await pilot.press(*"run it again", "enter")
        await settle(pilot, screen, student)
        assert ctx.store.grade(A1, student).choices["tests"].comment == "run it again"


async def test_back_from_grading_leaves_the_cursor_on_the_submission_shown(ctx: CourseContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SubmissionsScreen), "the submissions")
        listing = app.screen
        assert isinstance(listing, SubmissionsScreen)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, GradingScreen), "the grading screen")
        screen = await grading(pilot)
        first = screen.student_id
        await pilot.press("right_square_bracket", "right_square_bracket")
        await until(pilot, lambda: screen.student_id != first and screen.state is not None, "a step")
        await settle(pilot, screen)
        last = screen.student_id
        assert last != first
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is listing, "back on the list")
        await pilot.pause(0.1)
        assert listing.table.cursor_student_id == last


async def test_grading_by_criterion_says_n_of_n_and_confirms_each_save(ctx: CourseContext) -> None:
    students = [s.student_id for s in ctx.files.students]
    first = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, first, criterion_id="correctness", by_criterion=True)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, first)
        n = students.index(first) + 1
        assert header_text(screen).startswith(f"{n} of {len(students)}  ")
        await pilot.press("2")
        await until(pilot, lambda: screen.student_id != first, "the next submission")
        await settle(pilot, screen)
        assert f"saved Correct results: Proficient ({first})" in notifications(app)
        after = students.index(screen.student_id) + 1
        assert header_text(screen).startswith(f"{after} of {len(students)}  ") and after > n


async def test_at_80_columns_the_key_bar_keeps_the_first_keys_escape_and_help(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    async with Harness(screen).run_test(size=(80, 24)) as pilot:
        await settle(pilot, screen, student)
        entries = drawn(pilot.app)
        assert [e.display for e in entries][:3] == ["1-9", "n", "v"], "v shows the code at 80 columns"
        assert [e.display for e in entries][-3:] == ["esc", "?", "^p"]
        help_entry = next(e for e in entries if e.key == "question_mark")
        assert help_entry.description == "more", "keys were left out: ? says where they are"
        line = screen.query_one(KeyBar).render().plain
        assert line.rstrip().endswith("^p palette") and " esc Back ? more " in line


async def test_at_120_columns_the_grading_keys_show_whole_and_wider_every_one(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    async with Harness(screen).run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        shown = [e.display for e in drawn(pilot.app)]
        assert shown == ["1-9", "n", "d", "a", "m", "f", "u", "]", "[", "esc", "?", "^p"]
        assert " esc Back ? more " in screen.query_one(KeyBar).render().plain  # whole, not `? K▏`
    screen = GradingScreen(ctx, A1, student)
    async with Harness(screen).run_test(size=(170, 40)) as pilot:
        await settle(pilot, screen, student)
        shown = [e.display for e in drawn(pilot.app)]
        assert shown == ["1-9", "n", "d", "a", "m", "f", "u", "]", "[", "z", "w", "t", "esc", "?", "^p"]
        assert " ? Keys " in screen.query_one(KeyBar).render().plain


async def test_the_submissions_key_bar_says_space_marks_and_moves_down(ctx: CourseContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SubmissionsScreen), "the submissions")
        await pilot.pause(0.1)
        line = app.screen.query_one(KeyBar).render().plain
        assert " space Mark ↓ " in line and " esc Back " in line and " ? more " in line


async def test_help_groups_the_digit_keys_in_one_line(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the keys")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        digits = [r for r in help_screen.rows if "choose_" in r.binding_id]
        assert [(r.key, r.description) for r in digits] == [("1–9", "Choose level / tick item")]
        assert digits[0].binding_id == "grading.choose_1 … grading.choose_9"
        await pilot.press("escape")
        app.set_keymap({"grading.choose_3": "x"})  # a remapped digit is listed on its own
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the keys again")
        assert isinstance(app.screen, HelpScreen)
        keys = {r.binding_id: r.key for r in app.screen.rows if "choose_" in r.binding_id}
        assert keys == {f"grading.choose_{n}": "x" if n == 3 else str(n) for n in range(1, 10)}


async def test_the_palette_lists_the_screens_actions_first_and_one_export(ctx: CourseContext) -> None:
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in ScreenCommands(app.screen).commands()]
        assert [t for t in titles if same_title(t) == "export"] == ["Export…"]
        assert titles.index("Badges") < titles.index("Theme") < titles.index("Focus Next")
        assert titles.count("Keys") == 1 and titles.count("Quit") == 1
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        options = app.screen.query_one(CommandList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        heads = [prompt.split("\n")[0] for prompt in shown]
        assert heads.index("Badges") < heads.index("Open student…") < heads.index("Theme")
        await pilot.press(*"export")
        await pilot.pause(0.3)
        found = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert sum("Export" in prompt for prompt in found) == 1, found


def test_binding_ids_are_snake_case_after_the_dot() -> None:
    ids = grader_binding_ids()
    wrong = sorted(i for i in ids if not re.fullmatch(r"[a-z][a-z-]*\.[a-z][a-z0-9_]*", i))
    assert wrong == []


def test_an_old_binding_id_is_read_as_the_new_one_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "keys.toml"
    path.write_text('[keys]\n"grading.next-ungraded" = "N"\n"course.badges" = "B"\n', encoding="utf-8")
    loaded = LoadedKeymap()
    read_keymap_file(path, loaded)
    assert loaded.keymap == {"grading.next_ungraded": "N", "course.badges": "B"}
    assert [str(n) for n in loaded.notes] == [
        f"{path}:2: grading.next-ungraded: read as grading.next_ungraded (the old spelling): rename it"
    ]
    assert loaded.problems == []


async def test_an_old_binding_id_in_a_keys_file_still_remaps_the_key(ctx: CourseContext) -> None:
    keys = ctx.root / ".grader" / "keys.toml"
    keys.write_text('[keys]\n"students.to-list" = "ctrl+l"\n', encoding="utf-8")
    app = make_app(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert app.messages_shown == [
            ("warning", f"{keys}:2: students.to-list: read as students.to_list (the old spelling): rename it")
        ]
        assert app.keymap.keymap == {"students.to_list": "ctrl+l"}


def _no_color_grading(ctx: CourseContext, monkeypatch: pytest.MonkeyPatch) -> tuple[Harness, GradingScreen]:
    monkeypatch.setenv("NO_COLOR", "1")
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    return Harness(screen), screen


async def test_without_colour_the_chosen_level_and_the_focus_are_marked(
    ctx: CourseContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, screen = _no_color_grading(ctx, monkeypatch)
    assert app.no_color
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, screen, screen.student_id)
        await pilot.press("2", "k")
        await settle(pilot, screen, screen.student_id)
        panel = screen.query_one(RubricPanel).render().plain.splitlines()
        assert panel[0].startswith("▶ Correct results")
        chosen = [line for line in panel if "●" in line]
        assert len(chosen) == 1 and chosen[0].startswith("  ● 2 Proficient (28)")


def test_snapshot_of_grading_without_colour(
    ctx: CourseContext, monkeypatch: pytest.MonkeyPatch, snap_compare: Any
) -> None:
    app, screen = _no_color_grading(ctx, monkeypatch)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, screen, screen.student_id)
        await pilot.press("2", "3", "k")
        await settle(pilot, screen, screen.student_id)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)

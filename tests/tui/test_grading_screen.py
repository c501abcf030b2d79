"""The grading screen mounted alone: keys -> what it shows and what the gradebook holds."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from grading_harness import (
    A1,
    SIZE,
    Harness,
    header_text,
    notifications,
    pulled_students,
    settle,
    until,
    viewer_text,
)
from textual.pilot import Pilot

from grader.domain.choices import CriterionChoice
from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.pull import checkout_path
from grader.tui.live import stop_following
from grader.tui.screens.conflict import ConflictModal
from grader.tui.screens.grading import GradingScreen
from grader.tui.widgets.file_tree import FileTree


def choices(ctx: CourseContext, student_id: str) -> dict[str, CriterionChoice]:
    return ctx.store.grade(A1, student_id).choices


def focused(screen: GradingScreen) -> str:
    assert screen.state is not None and screen.state.focused is not None
    return screen.state.focused.id


async def test_a_level_is_saved_at_once_and_focus_moves_to_the_next_unscored(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        assert focused(screen) == "correctness"
        assert "calculator.py" in viewer_text(screen), "the criterion's file opens first"
        await pilot.press("2")
        await settle(pilot, screen, student)
        assert choices(ctx, student)["correctness"].level == "Proficient"
        assert focused(screen) == "cli"
        await pilot.press("9")
        await settle(pilot, screen, student)
        assert "cli" not in choices(ctx, student), "there is no level 9: nothing saved"
        assert any("has 4 levels" in n for n in notifications(app))
        assert "in progress" in header_text(screen)
        event = ctx.store.events(A1, student)[-1]
        assert (event.actor, event.criterion_id, event.new.level) == ("ta-test", "correctness", "Proficient")


async def test_checklists_toggle_then_confirm_and_zero_means_none(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("j", "j")
        assert focused(screen) == "tests", "j reaches the autograded criterion"
        await pilot.press("j")
        assert focused(screen) == "code-quality"
        await pilot.press("1", "4", "1")
        await settle(pilot, screen, student)
        assert choices(ctx, student)["code-quality"].items == ("Dead code",), "each tick is saved at once"
        assert focused(screen) == "code-quality", "ticking keeps the focus on the checklist"
        events = [e for e in ctx.store.events(A1, student) if e.criterion_id == "code-quality"]
        assert [e.new.items for e in events] == [
            ("Unclear names",),
            ("Unclear names", "Dead code"),
            ("Dead code",),
        ]
        await pilot.press("2", "enter")
        await settle(pilot, screen, student)
        assert choices(ctx, student)["code-quality"].items == ("Missing docstrings", "Dead code")
        assert focused(screen) == "readme"
        await pilot.press("k", "k", "k", "0")
        await settle(pilot, screen, student)
        assert "cli" not in choices(ctx, student), "0 on a levels criterion saves nothing"
        await pilot.press("down", "down", "down", "down", "0")
        await settle(pilot, screen, student)
        assert choices(ctx, student)["git-practice"].items == ()


async def test_choosing_what_is_chosen_already_saves_nothing_and_later_choices_still_save(
    ctx: CourseContext,
) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("2", "k", "2")  # Proficient, then Proficient again: no change to save
        await settle(pilot, screen, student)
        await pilot.press("k", "3", "1")  # then a real change, and the next criterion
        await settle(pilot, screen, student)
    saved = choices(ctx, student)
    assert (saved["correctness"].level, saved["cli"].level) == ("Developing", "Exemplary")
    assert [e.new.level for e in ctx.store.events(A1, student)] == ["Proficient", "Developing", "Exemplary"]


async def test_adjust_needs_a_comment_and_comment_and_flag_are_saved(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("1", "k")
        await settle(pilot, screen, student)
        await pilot.press("a", "minus", "2", "enter", "enter")
        assert any("needs a comment" in n for n in notifications(app))
        await pilot.press(*"late", "enter")
        await settle(pilot, screen, student)
        chosen = choices(ctx, student)["correctness"]
        assert (chosen.adjustment, chosen.adjustment_comment) == (Decimal(-2), "late")
        await pilot.press("m", *"[bold]nice", "enter")
        await settle(pilot, screen, student)
        assert choices(ctx, student)["correctness"].comment == "[bold]nice"
        assert screen.state is not None and "[bold]nice" in screen.state.render().plain
        await pilot.press("f", *"check tests", "enter")
        await settle(pilot, screen, student)
        assert ctx.store.grade(A1, student).flag_note == "check tests"
        assert "check tests" in header_text(screen)
        await pilot.press("f", "ctrl+u", "enter")
        await settle(pilot, screen, student)
        assert ctx.store.grade(A1, student).flag_note == ""


async def test_undo_restores_the_previous_choice_in_the_panel_and_the_database(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("1", "k", "3")
        await settle(pilot, screen, student)
        assert choices(ctx, student)["correctness"].level == "Developing"
        await pilot.press("u")
        await settle(pilot, screen, student)
        assert choices(ctx, student)["correctness"].level == "Exemplary"
        assert screen.state is not None and screen.state.choice("correctness").level == "Exemplary"
        await pilot.press("u")
        await settle(pilot, screen, student)
        assert not choices(ctx, student).get("correctness", CriterionChoice()).is_scored
        assert focused(screen) == "correctness"


async def test_submissions_in_roster_order_and_next_ungraded(ctx: CourseContext) -> None:
    roster = [s.student_id for s in ctx.files.students]
    first, second, third = roster[0], roster[1], roster[2]
    for criterion, level in (("correctness", "Missing"), ("cli", "Missing"), ("readme", "Missing")):
        record_choice(ctx, A1, second, criterion, ChoiceRequest(level=level))
    for criterion in ("code-quality", "git-practice"):
        record_choice(ctx, A1, second, criterion, ChoiceRequest(items=()))
    screen = GradingScreen(ctx, A1, first)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, first)
        await pilot.press("right_square_bracket")
        await settle(pilot, screen, second)
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(pilot, screen, roster[-1])
        await pilot.press("n")
        await settle(pilot, screen, first)
        await pilot.press("n")
        await settle(pilot, screen, third)
        assert len(app.screen_stack) == 2, "moves in place"
        await pilot.press("escape")
        await until(pilot, lambda: len(app.screen_stack) == 1, "escape left the screen")


async def test_diff_cycles_starter_then_previous_then_file(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        await pilot.press("d")
        await settle(pilot, screen, student)
        shown = viewer_text(screen)
        assert "diff against the starter" in shown and "diff --git" in shown
        await pilot.press("d")
        await settle(pilot, screen, student)
        assert "diff against the previous commit" in viewer_text(screen)
        await pilot.press("d")
        await settle(pilot, screen, student)
        assert "calculator.py" in viewer_text(screen).splitlines()[0]


async def test_a_change_by_someone_else_to_the_criterion_is_refused_and_shown(ctx: CourseContext) -> None:
    """Even under the same grader name (another terminal): a change this screen has not seen."""
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        stop_following(screen)  # not shown live: the change is one this screen has not seen
        record_choice(ctx, A1, student, "correctness", ChoiceRequest(level="Beginning"))
        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, ConflictModal), "the conflict dialog")
        await pilot.press("escape")
        await settle(pilot, screen, student)
        assert choices(ctx, student)["correctness"].level == "Beginning", "never overwritten"
        assert any("choice stands (cancelled)" in n for n in notifications(app))
        assert screen.state is not None and screen.state.choice("correctness").level == "Beginning"


async def test_hostile_files_are_one_escaped_line_each_and_links_are_not_followed(
    ctx: CourseContext,
) -> None:
    student = pulled_students(ctx)[0]
    root = checkout_path(ctx.root, A1, student)
    names = [b"esc\x1b[31mred.py", b"new\nline.txt", b"bad\xff\xfe.txt", b"x" * 200 + b".txt"]
    for name in names:
        with open(os.path.join(os.fsencode(root), name), "wb") as out:
            out.write(b"print('hi')\n")
    (root / "leak.txt").symlink_to("/etc/passwd")
    (root / "trojan.py").write_text("access = 'user\u202e \u2066# admin\u2069 \u2066'\n")
    (root / "blob.bin").write_bytes(b"\0\1\2" * 100)
    screen = GradingScreen(ctx, A1, student)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, student)
        tree = screen.query_one(FileTree)
        labels = {node.data.path: node.label.plain for node in _nodes(tree) if node.data is not None}
        for name in names:
            label = labels[os.fsdecode(name)]
            assert "\n" not in label and "\x1b" not in label and len(label) <= 120
            await _open(pilot, screen, os.fsdecode(name))
            assert "print('hi')" in viewer_text(screen)
        assert "esc␛[31mred.py" in labels[os.fsdecode(names[0])]
        await _open(pilot, screen, "leak.txt")
        assert "link → /etc/passwd (not followed)" in viewer_text(screen)
        assert "root:" not in viewer_text(screen)
        await _open(pilot, screen, "trojan.py")
        shown = viewer_text(screen)
        assert "⚠ bidi controls" in shown and "<U+202E>" in shown and "\u202e" not in shown
        await _open(pilot, screen, "blob.bin")
        assert "binary file, 300 bytes" in viewer_text(screen)


async def test_no_checkout_says_so_and_grading_still_works(ctx: CourseContext) -> None:
    states = ctx.store.pull_states(A1)
    missing = next(s.student_id for s in ctx.files.students if not states[s.student_id].graded_commit)
    screen = GradingScreen(ctx, A1, missing)
    app = Harness(screen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, screen, missing)
        assert "pull this submission first" in viewer_text(screen)
        await pilot.press("5")
        await settle(pilot, screen, missing)
        assert choices(ctx, missing)["correctness"].level == "Missing"


def test_snapshot_of_a_demo_submission(ctx: CourseContext, snap_compare: Any) -> None:
    student = pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, screen, student)
        await pilot.press("2", "3", "1")
        await settle(pilot, screen, student)

    assert snap_compare(Harness(screen), terminal_size=SIZE, run_before=run_before)


def _nodes(tree: FileTree) -> list[Any]:
    found, stack = [], list(tree.root.children)
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


async def _open(pilot: Pilot[Any], screen: GradingScreen, path: str) -> None:
    tree = screen.query_one(FileTree)
    tree.focus()
    tree.select_path(path)
    await pilot.press("enter")
    await settle(pilot, screen)

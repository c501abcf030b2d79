"""The viewer's room on the Grading screen: widths, full screen, wrap, panes at 80 columns, first file."""

from __future__ import annotations

from typing import Any

from grading_harness import A1, Harness, header_text, pulled_students, settle, viewer_text
from rich.syntax import Syntax
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Static

from grader.gradebook.context import CourseContext
from grader.gradebook.flagging import set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.pull import checkout_path
from grader.tui.screens.grading import GradingScreen
from grader.tui.widgets.file_tree import FileTree
from grader.tui.widgets.file_viewer import FileViewer
from grader.tui.widgets.rubric_panel import RubricPanel

NARROW, MEDIUM = (80, 24), (120, 40)
LONG_LINE = "total = " + " + ".join(f"value_{n}" for n in range(40))


def shown(widget: Widget) -> bool:
    """On the screen: displayed, its ancestors too, and given some room."""
    return widget.region.area > 0 and all(node.display for node in widget.ancestors_with_self)


def parts(screen: GradingScreen) -> tuple[FileTree, FileViewer, RubricPanel]:
    return screen.query_one(FileTree), screen.query_one(FileViewer), screen.query_one(RubricPanel)


async def opened(pilot: Pilot[Any], screen: GradingScreen, size: tuple[int, int]) -> None:
    await pilot.resize_terminal(*size)
    await settle(pilot, screen)
    await pilot.pause()


def grading(ctx: CourseContext, student: str | None = None) -> tuple[GradingScreen, Harness, str]:
    student = student or pulled_students(ctx)[0]
    screen = GradingScreen(ctx, A1, student)
    return screen, Harness(screen), student


async def test_at_120_columns_the_viewer_gets_the_room_and_t_shows_the_files(ctx: CourseContext) -> None:
    screen, app, _student = grading(ctx)
    async with app.run_test(size=MEDIUM) as pilot:
        await opened(pilot, screen, MEDIUM)
        tree, viewer, rubric = parts(screen)
        assert not shown(tree) and shown(viewer) and shown(rubric)
        assert viewer.size.width >= 66, "the viewer takes what the file tree took"
        await pilot.press("t")
        await pilot.pause()
        assert shown(tree) and screen.focused is tree, "t shows the tree, ready to open a file"
        await pilot.press("t")
        await pilot.pause()
        assert not shown(tree) and screen.focused is rubric


async def test_at_170_columns_files_viewer_and_rubric_show_side_by_side(ctx: CourseContext) -> None:
    screen, app, _student = grading(ctx)
    async with app.run_test(size=(170, 45)) as pilot:
        await opened(pilot, screen, (170, 45))
        tree, viewer, rubric = parts(screen)
        assert shown(tree) and shown(viewer) and shown(rubric)
        assert viewer.size.width >= 76


async def test_z_shows_the_code_full_screen_and_z_or_escape_brings_it_back(ctx: CourseContext) -> None:
    screen, app, _student = grading(ctx)
    async with app.run_test(size=MEDIUM) as pilot:
        await opened(pilot, screen, MEDIUM)
        _tree, viewer, rubric = parts(screen)
        await pilot.press("z")
        await pilot.pause()
        assert screen.maximized is not None and viewer.size.width == MEDIUM[0]
        assert not shown(rubric) and screen.focused is viewer
        header = screen.query_one("#grading-header", Static)
        assert shown(header) and header.region.y == 0, "whose code it is stays in sight, on top"
        assert viewer.region.y == 1 and viewer.region.bottom == MEDIUM[1] - 1, "then the code, then keys"
        await pilot.press("j")  # the grading keys still work on the full-screen code
        await pilot.press("z")
        await pilot.pause()
        assert screen.maximized is None and shown(rubric) and screen.focused is rubric
        assert screen.state is not None and screen.state.focused is not None
        assert screen.state.focused.id == "cli"
        await pilot.press("z")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.maximized is None and app.screen is screen, "escape leaves full screen, not grading"


async def test_w_wraps_long_lines_instead_of_scrolling_sideways(ctx: CourseContext) -> None:
    screen, app, student = grading(ctx)
    (checkout_path(ctx.root, A1, student) / "long.py").write_text(f"{LONG_LINE}\n", encoding="utf-8")
    async with app.run_test(size=MEDIUM) as pilot:
        await opened(pilot, screen, MEDIUM)
        await pilot.press("t")
        await pilot.pause()
        screen.query_one(FileTree).select_path("long.py")
        await pilot.press("enter")
        await settle(pilot, screen)
        _tree, viewer, _rubric = parts(screen)
        assert "long.py" in viewer_text(screen)
        assert viewer.virtual_size.width > viewer.size.width, "unwrapped, the line runs off the pane"
        await pilot.press("w")
        await pilot.pause()
        body = screen.query_one("#viewer-body", Static).content
        assert isinstance(body, Syntax) and body.word_wrap
        assert viewer.virtual_size.width <= viewer.size.width and "↩ wrapped" in viewer_text(screen)
        await pilot.press("w")
        await pilot.pause()
        assert viewer.virtual_size.width > viewer.size.width and "wrapped" not in viewer_text(screen)


async def test_at_80_columns_the_rubric_and_the_code_take_turns(ctx: CourseContext) -> None:
    screen, app, student = grading(ctx)
    async with app.run_test(size=NARROW) as pilot:
        await opened(pilot, screen, NARROW)
        tree, viewer, rubric = parts(screen)
        assert shown(rubric) and not shown(viewer) and not shown(tree)
        assert rubric.size.width >= 76, "the rubric has the whole width"
        await pilot.press("v")
        await pilot.pause()
        assert shown(viewer) and not shown(rubric) and not shown(tree)
        assert viewer.size.width >= 76 and screen.focused is viewer
        assert "calculator.py" in viewer_text(screen)
        await pilot.press("2")  # a level chosen while reading the code
        await settle(pilot, screen, student)
        assert ctx.store.grade(A1, student).choices["correctness"].level == "Proficient"
        await pilot.press("t")
        await pilot.pause()
        assert shown(tree) and shown(viewer) and screen.focused is tree
        await pilot.press("v")
        await pilot.pause()
        assert shown(rubric) and not shown(viewer) and screen.focused is rubric
        await pilot.press("z")  # from the rubric straight to the code, full screen
        await pilot.pause()
        assert shown(viewer) and not shown(rubric) and not shown(tree) and viewer.size.width == NARROW[0]
        await pilot.press("escape")
        await pilot.pause()
        assert shown(rubric) and not shown(viewer) and screen.focused is rubric


async def test_v_is_offered_only_while_the_panes_take_turns(ctx: CourseContext) -> None:
    screen, app, _student = grading(ctx)
    async with app.run_test(size=MEDIUM) as pilot:
        await opened(pilot, screen, MEDIUM)
        assert screen.check_action("switch_pane", ()) is False
        await pilot.press("v")
        await pilot.pause()
        assert shown(screen.query_one(RubricPanel)) and shown(screen.query_one(FileViewer))
        await opened(pilot, screen, NARROW)
        assert screen.check_action("switch_pane", ()) is True


async def test_a_criterion_without_a_file_of_its_own_opens_the_readme(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    for criterion_id, level in (("correctness", "Exemplary"), ("cli", "Exemplary")):
        record_choice(ctx, A1, student, criterion_id, ChoiceRequest(level=level))
    checkout = checkout_path(ctx.root, A1, student)
    for path in (*checkout.glob("*.py"), *checkout.glob("tests/*")):
        path.unlink()  # code quality (focused first now) names "*.py": no such file is left
    screen, app, _student = grading(ctx, student)
    async with app.run_test(size=MEDIUM) as pilot:
        await opened(pilot, screen, MEDIUM)
        assert screen.state is not None and screen.state.focused is not None
        assert screen.state.focused.id == "code-quality"
        assert viewer_text(screen).startswith("README.md"), "not .gitignore, the first name"


async def test_focus_follows_the_criterion_file_until_one_is_opened_by_hand(ctx: CourseContext) -> None:
    screen, app, _student = grading(ctx)
    async with app.run_test(size=MEDIUM) as pilot:
        await opened(pilot, screen, MEDIUM)
        assert viewer_text(screen).startswith("calculator.py")
        await pilot.press("j", "j", "j", "j")  # readme: files [README.md]
        await settle(pilot, screen)
        assert viewer_text(screen).startswith("README.md")
        await pilot.press("t")
        await pilot.pause()
        screen.query_one(FileTree).select_path(".gitignore")
        await pilot.press("enter")
        await settle(pilot, screen)
        await pilot.press("k", "k", "k")
        await settle(pilot, screen)
        assert viewer_text(screen).startswith(".gitignore"), "a file opened by hand stays open"


async def test_the_header_keeps_the_commit_when_a_long_flag_note_is_set(ctx: CourseContext) -> None:
    student = pulled_students(ctx)[0]
    set_flag(ctx, A1, student, "look again at the division by zero handling and the tests " * 2)
    screen, app, _student = grading(ctx, student)
    async with app.run_test(size=NARROW) as pilot:
        await opened(pilot, screen, NARROW)
        header = header_text(screen)
        assert header.index("· commit ") < header.index("⚑")
        assert "· commit" in app.screen.query_one("#grading-header", Static).render_line(0).text


def test_snapshot_at_80_by_24(ctx: CourseContext, snap_compare: Any) -> None:
    screen, app, student = grading(ctx)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, screen, student)

    assert snap_compare(app, terminal_size=NARROW, run_before=run_before)


def test_snapshot_at_80_by_24_showing_the_code(ctx: CourseContext, snap_compare: Any) -> None:
    screen, app, student = grading(ctx)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, screen, student)
        await pilot.press("v")
        await pilot.pause()

    assert snap_compare(app, terminal_size=NARROW, run_before=run_before)


def test_snapshot_at_120_by_40(ctx: CourseContext, snap_compare: Any) -> None:
    screen, app, student = grading(ctx)

    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot, screen, student)

    assert snap_compare(app, terminal_size=MEDIUM, run_before=run_before)

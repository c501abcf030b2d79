"""TERM-1…TERM-6 (security.md §Terminal) over every widget that shows student or repository text.

A hostile copy of the demo course: roster names with escape sequences and markup, a checkout with
hostile file names and contents, a symlink to /etc/passwd, 10 MB of autograder-like output, and
a git error holding escapes and a token. Every check walks the segments the screen renders.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile import (
    ANN,
    BOB,
    EVE,
    GIT_ERROR,
    HOSTILE_FILES,
    LITERAL_NAMES,
    MALLORY,
    TOKEN,
    Harness,
    control_chars,
    huge_output,
    is_control,
    make_checkout_hostile,
    make_roster_hostile,
    screen_lines,
    screen_segments,
)
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import RichLog, Static
from textual.widgets.tree import TreeNode

from grader.domain.errors import GraderError
from grader.domain.text import printable
from grader.git.failures import clean, reason_for
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.flagging import set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.pull import PullResult, checkout_path
from grader.tui.app import make_app
from grader.tui.safe import MAX_CHARS, safe_block, safe_plain
from grader.tui.screens import pull as pull_screen
from grader.tui.screens.course_students import StudentsScreen
from grader.tui.screens.export import ExportModal
from grader.tui.screens.grading import GradingScreen
from grader.tui.screens.pull import PullScreen
from grader.tui.screens.student import StudentScreen
from grader.tui.screens.submissions import SubmissionsScreen
from grader.tui.widgets.file_tree import FileTree
from grader.tui.widgets.file_viewer import BIDI_MARK, FileViewer

SIZE = (160, 50)
A1 = "a1-calculator"
MALLORY_SHOWN = printable("Mallory\x1b]0;PWNED\x07\x1b[2J")
"""TERM-1: the name with its controls as visible placeholders (␛ ␇)."""


@pytest.fixture
def hostile(demo_root: Path) -> Iterator[tuple[CourseContext, list[str]]]:
    """The demo copy with hostile roster names and a hostile checkout of the first student's a1."""
    ids = make_roster_hostile(demo_root)
    make_checkout_hostile(checkout_path(demo_root, A1, ids[0]))
    with open_course(demo_root, actor="ta-test") as ctx:
        yield ctx, ids


def walk(node: TreeNode[Any]) -> Iterator[TreeNode[Any]]:
    for child in node.children:
        yield child
        yield from walk(child)


def text_of(app: App[Any]) -> str:
    return "\n".join(screen_lines(app))


async def until(pilot: Pilot[Any], check: Callable[[], object], what: str, timeout: float = 15) -> None:
    """Let the app run until ``check()`` is true (workers post their results meanwhile)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{text_of(pilot.app)}")
        await pilot.pause(0.05)


def assert_safe(app: App[Any]) -> None:
    """No control reaches the terminal, no markup turned into an action, the app still runs."""
    assert control_chars(app) == []
    for segment in screen_segments(app):
        meta = segment.style.meta if segment.style else {}
        assert "quit" not in str(meta.get("@click", "")), segment
    assert app.is_running
    assert getattr(app, "internal_errors", []) == []


def assert_names_literal(app: App[Any], names: tuple[str, ...] = LITERAL_NAMES) -> None:
    shown = text_of(app)
    for name in names:
        assert name in shown, name


# --- TERM-1, TERM-2: names on every screen that shows them -----------------------------------


async def test_term1_term2_hostile_names_on_every_screen(hostile: tuple[CourseContext, list[str]]) -> None:
    ctx, ids = hostile
    # comments and flag notes are free text too (they may quote a student)
    record_choice(ctx, A1, ids[0], "correctness", ChoiceRequest(level="Proficient", comment=EVE + " \x1b[2J"))
    set_flag(ctx, A1, ids[0], BOB + " \x1b]0;PWNED\x07")
    app = make_app(ctx)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "counting…" not in text_of(app), "the course screen")
        assert_safe(app)

        await pilot.press("s")  # students
        await until(pilot, lambda: ANN in text_of(app), "the student list")
        assert isinstance(app.screen, StudentsScreen)
        assert_names_literal(app)
        assert MALLORY_SHOWN in text_of(app)
        assert_safe(app)

        await pilot.press("down", "enter")  # the first student: Mallory
        await until(pilot, lambda: isinstance(app.screen, StudentScreen) and app.screen.view, "the student")
        assert MALLORY_SHOWN in text_of(app)
        assert_safe(app)
        await pilot.press("escape", "escape")

        for index, name in enumerate((MALLORY_SHOWN, BOB, EVE, ANN)):
            app.open_student(ids[index])
            await until(pilot, lambda: isinstance(app.screen, StudentScreen) and app.screen.view, "a student")
            assert name in text_of(app)
            assert_safe(app)
            await pilot.press("escape")

        await until(pilot, lambda: "counting…" not in text_of(app), "the course screen")
        await pilot.press("enter")  # the first assignment's submissions
        await until(pilot, lambda: isinstance(app.screen, SubmissionsScreen) and ANN in text_of(app), "rows")
        assert_names_literal(app)
        assert MALLORY_SHOWN in text_of(app)
        assert f"⚑ {BOB}" in text_of(app)  # the flag column
        assert_safe(app)

        await pilot.press("enter")  # grade the first row: Mallory
        await until(
            pilot, lambda: MALLORY_SHOWN in text_of(app) and isinstance(app.screen, GradingScreen), "grading"
        )
        assert_safe(app)
        assert f"⚑ {BOB} ␛]0;PWNED␇" in text_of(app)  # the flag note in the header
        assert f"{EVE} ␛[2J" in text_of(app)  # the comment in the rubric panel
        assert_safe(app)
        await pilot.press("escape", "escape")

        await pilot.press("b")  # badges: who earned what
        await until(pilot, lambda: "evaluating badges" not in text_of(app), "the badges")
        assert_safe(app)
        assert app.is_running


async def test_term1_term2_names_in_the_export_summary_and_error(
    hostile: tuple[CourseContext, list[str]],
) -> None:
    ctx, _ = hostile
    roster = ctx.root / "roster.csv"
    lines = roster.read_text(encoding="utf-8").splitlines()
    canvas = lines[0].split(",").index("canvas_id")
    cut = []
    for line in lines[1:5]:  # the hostile names hold no comma: cut their canvas_id
        cells = line.split(",")
        cells[canvas] = ""
        cut.append(",".join(cells))
    roster.write_text("\n".join([lines[0], *cut, *lines[5:]]) + "\n", encoding="utf-8")
    with open_course(ctx.root, actor="ta-test") as fresh:
        app = Harness(lambda: ExportModal(fresh), size=SIZE)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await pilot.pause()
            await pilot.press("enter", "down", "enter")  # canvas
            await pilot.press("tab", "tab", "enter")
            await until(pilot, lambda: "cannot be matched" in text_of(app), "the refusal")
            assert_names_literal(app)
            assert_safe(app)
            await pilot.press("tab", "space")  # from the output path to the tick box: leave them out
            await pilot.press("tab", "enter")  # the Export button
            await until(pilot, lambda: "left out" in text_of(app), "the summary")
            assert_names_literal(app)
            assert MALLORY_SHOWN in text_of(app)
            assert_safe(app)


# --- TERM-3, TERM-6: hostile file names and contents in the grading screen ---------------------


async def test_term3_term6_every_hostile_file_is_one_line_and_opens(
    hostile: tuple[CourseContext, list[str]],
) -> None:
    ctx, ids = hostile
    app = Harness(lambda: GradingScreen(ctx, A1, ids[0]), size=SIZE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: app.screen.query_one(FileTree).root.children, "the file tree")
        tree = app.screen.query_one(FileTree)
        viewer = app.screen.query_one(FileViewer)
        leaves = [node for node in walk(tree.root) if node.data is not None and node.data.kind != "dir"]
        paths = [node.data.path for node in leaves if node.data is not None]
        for raw in HOSTILE_FILES:
            head, _, tail = raw.decode("utf-8", "replace").partition("\ufffd\ufffd")
            assert any(p.startswith(head) and p.endswith(tail) for p in paths), raw
        for node in leaves:
            label = node.label.plain
            assert "\n" not in label and not any(is_control(c) for c in label), label
            assert len(label) <= 130
        assert_safe(app)
        header = viewer.query_one("#viewer-header", Static)
        # the screen opens the criterion's file first; wait for it (a later open must not race it)
        await until(pilot, lambda: str(header.render()).startswith("calculator.py"), "the first file")
        tree.focus()
        opened: list[str] = []
        for line in range(tree.last_line + 1):
            node = tree.get_node_at_line(line)
            if node is None or node.data is None or node.data.kind == "dir":
                continue
            opened.append(node.data.path)
            tree.cursor_line = line
            await pilot.press("enter")
            expected = safe_plain(node.data.path)
            await until(
                pilot, lambda shown=expected: str(header.render()).startswith(shown), f"file {expected!r}"
            )
            assert_safe(app)
            shown = text_of(app)
            assert "root:x:0:0" not in shown  # the link to /etc/passwd is described, never followed
            if node.data.path == "trojan.py":
                assert BIDI_MARK in shown
                assert "<U+202E>" in shown and "<U+2066>" in shown
            if node.data.path == "term.txt":
                assert "␛[31mred" in shown and "␛]0;PWNED␇" in shown
        assert {"trojan.py", "term.txt", "passwd-link"} <= set(opened), opened
        assert len(opened) >= len(HOSTILE_FILES) + 1, "every hostile file (and the link) was opened"


# --- TERM-4: 10 MB of autograder-like output -------------------------------------------------


def test_term4_safe_block_caps_huge_output() -> None:
    output = huge_output()
    assert len(output) > 10_000_000
    block = safe_block(output)
    assert len(block.plain) < MAX_CHARS + 200
    assert "[truncated: 200,000 of" in block.plain
    assert not any(is_control(c) for c in block.plain.replace("\n", ""))
    assert "\r" not in block.plain and "100%" in block.plain


async def test_term4_huge_output_shown_and_the_ui_keeps_answering(
    hostile: tuple[CourseContext, list[str]],
) -> None:
    ctx, ids = hostile
    (checkout_path(ctx.root, A1, ids[0]) / "autograde.log").write_text(huge_output(), encoding="utf-8")
    app = Harness(lambda: GradingScreen(ctx, A1, ids[0]), size=SIZE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = app.screen
        assert isinstance(screen, GradingScreen)
        await until(
            pilot, lambda: screen.state is not None and screen.query_one(FileTree).root.children, "loading"
        )
        viewer = screen.query_one(FileViewer)
        header = viewer.query_one("#viewer-header", Static)
        await until(pilot, lambda: str(header.render()).startswith("calculator.py"), "the first file")
        viewer.show_note("autograde output", huge_output())
        await pilot.pause()
        assert "[truncated: 200,000 of" in str(viewer.query_one("#viewer-body", Static).render())
        assert_safe(app)
        tree = screen.query_one(FileTree)
        tree.select_path("autograde.log")
        tree.focus()
        await pilot.press("enter")
        await until(pilot, lambda: str(header.render()).startswith("autograde.log"), "the log")
        assert "KB of" in str(header.render())  # capped, and says so
        assert_safe(app)
        screen.query_one("#rubric").focus()
        assert screen.state is not None
        before = screen.state.focused
        started = time.monotonic()
        await pilot.press("j")
        await until(
            pilot, lambda: screen.state is not None and screen.state.focused is not before, "j", timeout=2
        )
        assert time.monotonic() - started < 2
        assert_safe(app)


# --- TERM-5: a git error with escapes and a token --------------------------------------------


def test_term5_git_layer_sanitises_and_redacts() -> None:
    stderr = f"Cloning…\nfatal: {GIT_ERROR}\n"
    for shown in (clean(GIT_ERROR), reason_for(stderr)):
        assert TOKEN not in shown
        assert not any(is_control(c) for c in shown)


async def test_term5_pull_screen_shows_a_hostile_git_error_safely(
    hostile: tuple[CourseContext, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The screen itself never passes raw escapes on, whatever reason the gradebook hands it."""
    ctx, ids = hostile

    def failing_pull(*_args: Any, **_kwargs: Any) -> Iterator[PullResult]:
        yield PullResult(A1, ids[0], "failed", GIT_ERROR, None, None, None, ("\x1b[5mblink",))

    monkeypatch.setattr(pull_screen, "pull", failing_pull)
    app = Harness(lambda: PullScreen(ctx, [A1], [ids[0]]), size=SIZE)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "done:" in text_of(app), "the pull")
        log = app.screen.query_one(RichLog)
        logged = "".join(segment.text for strip in log.lines for segment in strip)  # beyond the width too
        assert "␛[31mboom␛[0m␇" in logged and "␛[5mblink" in logged
        assert not any(is_control(c) for c in logged)
        assert_safe(app)


async def test_term5_real_pull_failure_is_sanitised_and_redacted(demo_root: Path) -> None:
    ids = make_roster_hostile(demo_root)
    course = demo_root / "course.yaml"
    text = course.read_text(encoding="utf-8")
    hostile_repo = 'repo: "file://{course}/remotes/https://mallory:' + TOKEN + '@git.example/{github}.git"'
    course.write_text(
        text.replace('repo: "file://{course}/remotes/a1-calculator/{github}.git"', hostile_repo, 1),
        encoding="utf-8",
    )
    with open_course(demo_root, actor="ta-test") as ctx:
        app = Harness(lambda: PullScreen(ctx, [A1], [ids[0]]), size=SIZE)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await until(pilot, lambda: "done:" in text_of(app) or "failed:" in text_of(app), "the pull")
            shown = text_of(app)
            assert TOKEN not in shown
            assert "failed" in shown or "missing" in shown
            assert_safe(app)


# --- the app's one error funnel --------------------------------------------------------------


async def test_errors_quoting_student_text_reach_the_screen_sanitised(
    hostile: tuple[CourseContext, list[str]],
) -> None:
    """GraderError messages quote roster values and paths; the toast must not carry raw escapes."""
    ctx, _ = hostile
    app = make_app(ctx)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(pilot, lambda: "counting…" not in text_of(app), "the course screen")
        app.report_error(GraderError(f"00178825 {MALLORY}: cannot be matched"))
        await until(pilot, lambda: "cannot be matched" in text_of(app), "the toast")
        assert control_chars(app) == []

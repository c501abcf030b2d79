"""Every screen and dialog of the TUI at 80×24 and at 120×40, reached by keys from the Course
screen of the pulled demo; the Course, Submissions and Grading screens also with NO_COLOR, where the
chosen level must still be told apart from the others (a marker, not only a colour)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from course_folder import copy_course
from crash_logs import CrashLogs
from hostile import screen_lines
from screen_routes import BY_NAME, LEAVES_A_CRASH_LOG, ROUTES, Route, freeze_clock, graded, walk_of
from textual.widgets import Static

from grader.gradebook.context import CourseContext, open_course
from grader.tui.app import make_app
from grader.tui.screens.claimed import ClaimedModal

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
NO_COLOR_ROUTES = ("course", "submissions", "grading_chosen")
"""The Grading screen up one criterion from where it opens: on a level chosen already."""


@pytest.fixture(scope="module")
def graded_demo(pulled_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pulled demo as every route starts from it (``graded``, at the routes' frozen clock),
    made once for this module and never changed: ``ctx`` copies it for each test."""
    root = copy_course(pulled_demo, tmp_path_factory.mktemp("every-screen") / "course")
    with pytest.MonkeyPatch.context() as monkeypatch:
        freeze_clock(monkeypatch)
        with open_course(root, actor="ta-test") as opened:
            graded(opened)
    return root


@pytest.fixture(scope="module")
def start(graded_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[Route], Path]:
    """Where a route starts: ``graded_demo``, or for a route with a preparation a copy of it so
    prepared (at the routes' frozen clock), made the first time a test asks for it and shared by
    every route with that preparation, at every size; never changed after: ``ctx`` copies it."""
    made: dict[object, Path] = {}

    def start_of(route: Route) -> Path:
        if route.prepare is None:
            return graded_demo
        if route.prepare not in made:
            root = copy_course(graded_demo, tmp_path_factory.mktemp(route.prepare.__name__) / "course")
            with pytest.MonkeyPatch.context() as monkeypatch:
                freeze_clock(monkeypatch)
                with open_course(root, actor="ta-test") as opened:
                    route.prepare(opened)
            made[route.prepare] = root
        return made[route.prepare]

    return start_of


@pytest.fixture
def ctx(start: Callable[[Route], Path], name: str, tmp_path: Path) -> Iterator[CourseContext]:
    """A private copy of where the route ``name`` starts, opened as the routes' grader."""
    with open_course(copy_course(start(BY_NAME[name]), tmp_path / "course"), actor="ta-test") as opened:
        yield opened


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", [route.name for route in ROUTES])
def test_every_screen(
    ctx: CourseContext,
    snap_compare: Any,
    crash_logs: CrashLogs,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    size: tuple[int, int],
) -> None:
    freeze_clock(monkeypatch)
    assert snap_compare(make_app(ctx), terminal_size=size, run_before=walk_of(ctx, BY_NAME[name]))
    if name in LEAVES_A_CRASH_LOG:
        assert len(crash_logs.take()) == 1


@pytest.mark.parametrize("name", NO_COLOR_ROUTES)
def test_no_color(ctx: CourseContext, snap_compare: Any, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    freeze_clock(monkeypatch)
    assert snap_compare(make_app(ctx), terminal_size=(80, 24), run_before=walk_of(ctx, BY_NAME[name]))
    picture = (SNAPSHOTS / f"test_no_color[{name}].svg").read_text(encoding="utf-8")
    coloured = [fill for fill in fills(picture) if fill not in WINDOW_BUTTONS and not grey(fill)]
    assert not coloured, f"colours on a NO_COLOR screen: {coloured}"


SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_every_screen"
WINDOW_BUTTONS = {"#ff5f57", "#febc2e", "#28c840"}
"""The picture's window frame, not the app."""


def fills(svg: str) -> set[str]:
    return set(re.findall(r"fill[=:]\s*\"?(#[0-9a-f]{6})", svg))


def grey(fill: str) -> bool:
    red, green, blue = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return max(red, green, blue) - min(red, green, blue) <= 4


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["claimed"])
async def test_the_claimed_dialog_is_whole(
    ctx: CourseContext, monkeypatch: pytest.MonkeyPatch, name: str, size: tuple[int, int]
) -> None:
    freeze_clock(monkeypatch)
    walk = walk_of(ctx, BY_NAME[name])
    async with make_app(ctx).run_test(size=size) as pilot:
        await walk(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ClaimedModal)
        shown = "\n".join(screen_lines(pilot.app))
        said = " ".join(str(label.render()) for label in dialog.query(Static))
    assert "is being graded by ta-other" in shown
    assert "claimed at 12:00 UTC" in said and "escape leaves it to them" in said
    for words in ("r opens it read-only", "t takes it over", "escape leaves it to"):
        assert words in shown, shown

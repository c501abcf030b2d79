"""Remapping keys from TOML files: precedence, precise errors, and remapped keys driving actions."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.screen import Screen

import grader.tui
from grader.gradebook.context import CourseContext
from grader.tui.app import make_app
from grader.tui.keymap import config_paths, grader_binding_ids, key_problem, load_keymap
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.course_badges import BadgesScreen
from grader.tui.screens.course_students import StudentsScreen

SIZE = (120, 40)
TUI = Path(grader.tui.__file__).parent


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private XDG_CONFIG_HOME: the developer's own keys never leak into a test."""
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "key", ["n", "N", "?", "ctrl+n", "f5", "question_mark", "shift+tab", "space", "enter"]
)
def test_good_keys(key: str) -> None:
    assert key_problem(key) is None


@pytest.mark.parametrize("key", ["", "ctrl+", "crtl+n", "notakey", "\x1b", "hyper+"])
def test_bad_keys(key: str) -> None:
    assert key_problem(key) is not None


def test_precedence_user_then_course_then_explicit(config_home: Path, tmp_path: Path) -> None:
    course = tmp_path / "course"
    user = write(
        config_home / "grader" / "keys.toml", '[keys]\n"course.badges" = "x"\n"course.students" = "y"\n'
    )
    local = write(course / ".grader" / "keys.toml", '[keys]\n"course.badges" = "z"\n')
    explicit = write(tmp_path / "mine.toml", '[keys]\n"course.students" = ["w", "ctrl+w"]\n')
    assert config_paths(course, explicit) == [user, local, explicit]
    loaded = load_keymap(config_paths(course, explicit))
    assert loaded.keymap == {"course.badges": "z", "course.students": "w,ctrl+w"}
    assert loaded.problems == []


def test_every_problem_names_file_line_and_id(tmp_path: Path) -> None:
    path = write(
        tmp_path / "keys.toml",
        '[keys]\n"course.badges" = "x"\n"course.students" = "crtl+s"\n"course.pull" = 3\n',
    )
    loaded = load_keymap([path])
    assert loaded.keymap == {"course.badges": "x"}
    assert [str(p) for p in loaded.problems] == [
        f"{path}:3: course.students: 'crtl+s' is not a key: unknown modifier 'crtl' (expected ctrl, shift, alt, meta, super)",
        f"{path}:4: course.pull: expected a key or a list of keys",
    ]


def test_broken_toml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "keys.toml", '[keys]\n"course.badges" = \n')
    (problem,) = load_keymap([path]).problems
    assert problem.path == path and problem.line == 2 and "not valid TOML" in problem.reason


def source_bindings() -> list[tuple[str, ast.Call]]:
    """Every ``Binding(...)`` written in grader/tui, found in the source itself (not by importing)."""
    found = []
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding":
                found.append((f"{path.relative_to(TUI)}:{node.lineno}", node))
    return found


def screen_classes() -> list[type[Screen[Any]]]:
    """Every screen and modal of the grader (each module under grader.tui.screens imported)."""
    package = importlib.import_module("grader.tui.screens")
    modules = [m.name for m in pkgutil.walk_packages(package.__path__, prefix="grader.tui.screens.")]
    for name in modules:
        importlib.import_module(name)
    found: list[type[Screen[Any]]] = []
    pending: list[type[Screen[Any]]] = [Screen]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__ in modules:
                found.append(sub)
    return found


def test_every_binding_of_every_screen_has_an_id_a_tooltip_and_is_remappable() -> None:
    ids = grader_binding_ids()
    written = source_bindings()
    assert len(written) >= 40, "the source scan found the bindings"
    for where, call in written:
        keywords = {k.arg: k.value for k in call.keywords}
        assert "id" in keywords, f"{where}: a binding needs id= (keys.toml names it)"
        assert "tooltip" in keywords, f"{where}: a binding needs tooltip= (help and the palette)"
        if isinstance(keywords["id"], ast.Constant):
            assert keywords["id"].value in ids, (
                f"{where}: {keywords['id'].value} is not offered for remapping"
            )
    screens = screen_classes()
    names = {cls.__name__ for cls in screens}
    assert {"CourseScreen", "SubmissionsScreen", "GradingScreen", "PullScreen", "ExportModal"} <= names
    assert {"HelpScreen", "FilterModal", "BatchModal", "StudentScreen", "BadgesScreen"} <= names
    for cls in screens:
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding) and binding.id in ids, f"{cls.__name__}: {binding}"


async def test_a_remapped_key_drives_the_action(ctx: CourseContext) -> None:
    write(ctx.root / ".grader" / "keys.toml", '[keys]\n"course.badges" = "x"\n"course.students" = "ctrl+f"\n')
    async with make_app(ctx).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        assert isinstance(pilot.app.screen, CourseScreen), "b is no longer bound"
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(pilot.app.screen, BadgesScreen)
        await pilot.press("escape", "ctrl+f")
        await pilot.pause()
        assert isinstance(pilot.app.screen, StudentsScreen)
        assert pilot.app.messages_shown == []


async def test_unknown_ids_and_bad_keys_are_notified_not_fatal(ctx: CourseContext) -> None:
    path = write(
        ctx.root / ".grader" / "keys.toml",
        '[keys]\n"course.badges" = "x"\n"course.nonsense" = "y"\n"course.students" = "ctrl+"\n',
    )
    async with make_app(ctx).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert sorted(pilot.app.messages_shown) == [
            ("error", f"{path}:3: course.nonsense: no screen has a binding with this id"),
            ("error", f"{path}:4: course.students: 'ctrl+' is not a key: nothing after the last '+'"),
        ]
        await pilot.press("x")  # the good line still applies
        await pilot.pause()
        assert isinstance(pilot.app.screen, BadgesScreen)

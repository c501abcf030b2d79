"""Remapping keys from TOML files: precedence, precise errors, and remapped keys driving actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.gradebook.context import CourseContext
from grader.tui.app import make_app
from grader.tui.keymap import config_paths, grader_binding_ids, key_problem, load_keymap
from grader.tui.screens.course import CourseScreen
from grader.tui.screens.course_badges import BadgesScreen
from grader.tui.screens.course_students import StudentsScreen

SIZE = (120, 40)


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


def test_binding_ids_come_from_every_screen() -> None:
    ids = grader_binding_ids()
    assert {"course.open", "course.badges", "course.students", "app.help", "pull.stop", "help.close"} <= ids


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
        assert list(pilot.app._notifications) == []


async def test_unknown_ids_and_bad_keys_are_notified_not_fatal(ctx: CourseContext) -> None:
    path = write(
        ctx.root / ".grader" / "keys.toml",
        '[keys]\n"course.badges" = "x"\n"course.nonsense" = "y"\n"course.students" = "ctrl+"\n',
    )
    async with make_app(ctx).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        messages = sorted(n.message for n in pilot.app._notifications)
        assert messages == [
            f"{path}:3: course.nonsense: no screen has a binding with this id",
            f"{path}:4: course.students: 'ctrl+' is not a key: nothing after the last '+'",
        ]
        assert all(n.severity == "error" for n in pilot.app._notifications)
        await pilot.press("x")  # the good line still applies
        await pilot.pause()
        assert isinstance(pilot.app.screen, BadgesScreen)

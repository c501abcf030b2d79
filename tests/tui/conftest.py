"""TUI fixtures: a pulled demo course built once, copied for each test that changes it; and no
test passes with an unexpected failure in it (see ``crash_logs``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from course_folder import copy_course
from crash_logs import CrashLogs
from postgres import BACKENDS, scratch_postgres

from grader.cli.main import main
from grader.gradebook.context import CourseContext, open_course


@pytest.fixture(autouse=True)
def crash_logs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CrashLogs]:
    """Crash logs go to this test's own state folder; a test fails if one is left there.

    This is how a pilot test fails on an internal error that the app reported and survived (a
    failure of the UI itself also fails it through run_test, as Textual re-raises it). A test
    that provokes one on purpose checks it and takes it with ``crash_logs.take()``.
    """
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    logs = CrashLogs(state / "grader")
    yield logs
    left = logs.written()
    assert not left, "an internal error happened during the test:\n" + "\n".join(
        path.read_text(encoding="utf-8") for path in left
    )


@pytest.fixture(scope="session")
def pulled_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo course, built and pulled once per session; copy it before changing it."""
    root = tmp_path_factory.mktemp("tui-demo") / "course"
    assert main(["demo", str(root), "--no-tui"]) == 0
    assert main(["--course", str(root), "pull"]) == 0
    return root


@pytest.fixture
def demo_root(pulled_demo: Path, tmp_path: Path) -> Path:
    """A private copy of the pulled demo course (git mirrors and checkouts included)."""
    return copy_course(pulled_demo, tmp_path / "course")


@pytest.fixture
def ctx(demo_root: Path) -> Iterator[CourseContext]:
    with open_course(demo_root, actor="ta-test") as opened:
        yield opened


@pytest.fixture(params=BACKENDS)
def any_ctx(request: pytest.FixtureRequest, demo_root: Path) -> Iterator[CourseContext]:
    """The pulled demo course on each backend: its SQLite file, then a scratch PostgreSQL schema."""
    if request.param == "sqlite":
        with open_course(demo_root, actor="ta-test") as opened:
            yield opened
        return
    with scratch_postgres() as url:
        assert main(["--course", str(demo_root), "--db", url, "pull"]) == 0  # its pulls, in this gradebook
        with open_course(demo_root, database_url=url, actor="ta-test") as opened:
            yield opened

"""TUI fixtures: a pulled demo course built once, copied for each test that changes it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.cli.main import main
from grader.gradebook.context import CourseContext, open_course


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
    root = tmp_path / "course"
    shutil.copytree(pulled_demo, root, symlinks=True)
    return root


@pytest.fixture
def ctx(demo_root: Path) -> Iterator[CourseContext]:
    with open_course(demo_root, actor="ta-test") as opened:
        yield opened

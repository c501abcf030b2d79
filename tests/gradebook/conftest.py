"""A small course (tests/conftest.py's course_dir) opened as two graders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.gradebook.context import CourseContext, open_course


@pytest.fixture
def ada(course_dir: Path) -> Iterator[CourseContext]:
    with open_course(course_dir, actor="Ada") as ctx:
        yield ctx


@pytest.fixture
def bob(course_dir: Path, ada: CourseContext) -> Iterator[CourseContext]:
    with open_course(course_dir, actor="Bob") as ctx:
        yield ctx

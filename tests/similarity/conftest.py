"""A course opened for the similarity tests (tests/conftest.py's course_dir)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.gradebook.context import CourseContext, open_course


@pytest.fixture
def ctx(course_dir: Path) -> Iterator[CourseContext]:
    with open_course(course_dir, actor="Ada") as opened:
        yield opened

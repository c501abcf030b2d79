"""A small course (tests/conftest.py's course_dir) opened as two graders, and the database of each
backend for the tests that run on both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import BACKENDS, database_url_for

from grader.gradebook.context import CourseContext, open_course


@pytest.fixture
def ada(course_dir: Path) -> Iterator[CourseContext]:
    with open_course(course_dir, actor="Ada") as ctx:
        yield ctx


@pytest.fixture
def bob(course_dir: Path, ada: CourseContext) -> Iterator[CourseContext]:
    with open_course(course_dir, actor="Bob") as ctx:
        yield ctx


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None on SQLite (the course's own file), then a scratch PostgreSQL schema's URL."""
    yield from database_url_for(request.param)

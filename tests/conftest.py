"""Shared fixtures (a small, valid course folder written into tmp_path) and the required-tools
mechanism: a test skipped for a missing system tool fails in CI (see required_tools.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import required_tools
from course_folder import write_course_folder

pytest_plugins = ("autograde_course",)
"""The autograde course's fixtures, shared by the gradebook, CLI and security tests."""


def pytest_configure(config: pytest.Config) -> None:
    required_tools.install(config)


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    return write_course_folder(tmp_path / "course")

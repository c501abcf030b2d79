"""Shared fixtures (a small, valid course folder written into tmp_path) and the required-tools
mechanism: a test skipped for a missing system tool fails in CI (see required_tools.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import required_tools

from grader.files.skeleton import write_skeleton

ROSTER = """\
student_id,name,email,github,section
00123,Zoë Ångström,zoe@example.edu,zoe-a,A
00124,Γιώργος Παπαδόπουλος,giorgos@example.edu,giorgosp,A
00125,Анна Иванова,anna@example.edu,anna-iv,B
00126,محمد علي,mohammed@example.edu,m-ali,B
00127,张伟,zhang@example.edu,zhangwei,B
"""


def pytest_configure(config: pytest.Config) -> None:
    required_tools.install(config)


@pytest.fixture
def course_dir(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    write_skeleton(root)
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    return root

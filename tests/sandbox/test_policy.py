"""course.yaml ``checks:`` → what a run may see: grader's Python exactly, nothing holding secrets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sandboxes import make_course

from grader.domain.course import ChecksConfig
from grader.domain.errors import GraderError
from grader.sandbox import policy_for
from grader.sandbox.policy import Limits


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return make_course(tmp_path / "course")


def test_graders_python_shows_exactly_its_prefixes(course: Path) -> None:
    policy = policy_for(course, ChecksConfig())

    expected = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    shown = set(policy.readonly_paths)
    assert {p for p in expected if not p.is_relative_to("/usr")} <= shown
    for path in shown:
        assert not Path.home().is_relative_to(path)  # never the home folder or above it
    assert policy.path_prefix == (Path(sys.prefix) / "bin",)
    assert policy.limits == Limits() and not policy.trust


def test_every_link_of_a_venvs_python_is_shown(course: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)

    policy = policy_for(course, ChecksConfig(python=str(venv)))

    base = (venv / "bin" / "python").resolve().parent.parent
    assert venv.resolve() in policy.readonly_paths
    assert base in policy.readonly_paths or base.is_relative_to("/usr")
    assert policy.path_prefix == (venv.resolve() / "bin",)


def test_relative_paths_are_the_courses(course: Path) -> None:
    (course / "data").mkdir()

    policy = policy_for(course, ChecksConfig(python="system", paths=("data",)))

    assert policy.readonly_paths == (course.resolve() / "data",)
    assert policy.python_alias == Path("/usr/bin/python3")


@pytest.mark.parametrize(
    ("written", "why"),
    [
        (".", "holds the course folder"),
        (".grader", r"it holds .*/\.grader"),
        (".grader/keys", "is inside"),
        ("/", "whole file system"),
        ("~", "holds the home folder"),
        ("~/.ssh", r"it holds .*/\.ssh"),
        ("~/.ssh/keys", r"it is inside .*/\.ssh"),
        ("/etc", "holds /etc/shadow"),
        ("/proc/self", "inside /proc"),
    ],
)
def test_paths_that_would_show_secrets_are_refused(
    course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, why: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # a home folder of the test's own
    target = Path(written).expanduser()
    target = target if target.is_absolute() else course / target
    target.mkdir(parents=True, exist_ok=True)

    with pytest.raises(GraderError, match=why) as refused:
        policy_for(course, ChecksConfig(python="system", paths=(written,)))

    assert "course.yaml checks.paths" in str(refused.value)


def test_a_missing_path_or_venv_is_named(course: Path) -> None:
    with pytest.raises(GraderError, match=r"checks\.paths: 'nowhere' does not exist"):
        policy_for(course, ChecksConfig(paths=("nowhere",)))
    with pytest.raises(GraderError, match=r"checks\.python: 'no-venv' is not a virtual environment"):
        policy_for(course, ChecksConfig(python="no-venv"))

"""benchmarks/make_course.py builds a course from the command line and fails without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from demo_helpers import PROJECT

SCRIPT = PROJECT / "benchmarks" / "make_course.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT,
        check=False,
    )


def test_builds_a_course_without_repositories(tmp_path: Path) -> None:
    done = run(str(tmp_path / "big"), "--students", "500", "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert "built" in done.stdout and "500 students" in done.stdout
    assert len((tmp_path / "big" / "roster.csv").read_text(encoding="utf-8").splitlines()) == 501
    assert not (tmp_path / "big" / "remotes").exists()


def test_builds_repositories_on_request(tmp_path: Path) -> None:
    done = run(str(tmp_path / "small"), "--students", "4", "--repos")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "small" / "remotes" / "a1-calculator").is_dir()


def test_a_non_empty_destination_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    done = run(str(tmp_path), "--students", "10")
    assert done.returncode == 1
    assert "not empty" in done.stderr and "Traceback" not in done.stderr

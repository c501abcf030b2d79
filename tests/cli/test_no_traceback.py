"""No input ever produces a traceback: the real `grader` process, on broken inputs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CASES = {
    "alias bomb": "id: &a [1]\nx: *a\n",
    "python tag": "id: !!python/object/apply:os.system ['true']\n",
    "binary": "\x00\x01\x02",
    "deep nesting": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "list at top": "- 1\n- 2\n",
    "not yaml": "{{{{",
}


def grader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "grader", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_course_yaml_gives_a_message_not_a_traceback(course_dir: Path, name: str) -> None:
    (course_dir / "course.yaml").write_text(CASES[name], encoding="utf-8", errors="surrogateescape")
    done = grader("check", cwd=course_dir)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.startswith("course.yaml")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    done = grader("status", "--no-such-option", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr


def test_no_course_here_says_what_to_do(tmp_path: Path) -> None:
    done = grader("status", cwd=tmp_path)
    assert done.returncode == 1
    assert "has no course.yaml: run 'grader init" in done.stderr

"""Running the real CLI entry point in-process, as a script would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from grader.cli.main import main


def run(
    capsys: pytest.CaptureFixture[str], course: Path, *args: str, actor: str = "Ada"
) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `grader --course COURSE --as ACTOR ARGS...`."""
    code = main(["--course", str(course), "--as", actor, *args])
    out, err = capsys.readouterr()
    return code, out, err


def status_row(
    capsys: pytest.CaptureFixture[str], course: Path, student: str, assignment: str = "a1-calculator"
) -> dict:
    code, out, err = run(capsys, course, "status", assignment, "--json")
    assert code == 0, err
    return next(row for row in json.loads(out) if row["student_id"] == student)

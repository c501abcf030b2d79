"""Files a user shares get the user's normal permissions; keys and backups stay private (issue 11.12).

Through the real commands, under three umasks: what `grader init`, `export grades`, `export report`,
`publish`, `key create` and `backup` leave on disk.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader.cli.main import main


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o077, 0o000], ids=lambda umask: f"umask-{umask:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def grader(capsys: pytest.CaptureFixture[str], course: Path, *args: str) -> None:
    code = main(["--course", str(course), "--as", "Ada", *args])
    _, err = capsys.readouterr()
    assert code == 0, err


def test_shared_files_follow_the_umask_and_private_ones_are_0600(
    tmp_path: Path, umask: int, capsys: pytest.CaptureFixture[str]
) -> None:
    course = tmp_path / "course"
    assert main(["init", str(course)]) == 0
    grader(capsys, course, "key", "create")
    grader(capsys, course, "export", "grades", "-o", str(tmp_path / "grades.csv"))
    grader(capsys, course, "export", "report", "-o", str(tmp_path / "report.html"))
    grader(capsys, course, "publish", str(tmp_path / "site"))
    grader(capsys, course, "backup", str(tmp_path / "grades-copy.db"))

    shared = [
        course / "course.yaml",
        course / "roster.csv",
        course / "rubrics" / "calculator.yaml",
        course / ".gitignore",
        tmp_path / "grades.csv",
        tmp_path / "report.html",
        *(path for path in (tmp_path / "site").rglob("*") if path.is_file()),
    ]
    private = [course / ".grader" / "keys" / "key-1.pem", course / ".grader" / "keys" / "ring.json"]
    private.append(tmp_path / "grades-copy.db")
    gradebook = course / ".grader" / "grades.db"
    private += [gradebook, *(p for p in gradebook.parent.glob("grades.db-*") if p.is_file())]
    assert len(shared) > 7, "the site has files"
    assert {str(path): mode(path) for path in shared} == {str(path): 0o666 & ~umask for path in shared}
    assert {str(path): mode(path) for path in private} == {str(path): 0o600 for path in private}
    assert mode(course / ".grader" / "keys") == 0o700


def test_an_export_written_again_keeps_the_mode_the_user_gave_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = tmp_path / "course"
    assert main(["init", str(course)]) == 0
    target = tmp_path / "grades.csv"
    target.write_text("an older export")
    target.chmod(0o640)
    grader(capsys, course, "export", "grades", "-o", str(target))
    assert target.read_text(encoding="utf-8") != "an older export"
    assert mode(target) == 0o640

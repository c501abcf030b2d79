"""Instant open, reviewed: the quick view never shows what a full validation of the same bytes
would not (a look-alike gradebook file, a rubric file edited mid-validation, a snapshot another
grader version wrote, a reused roster generation, a pipe in place of a course file)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import grader.files.strict_yaml as strict_yaml
from grader.domain.course_json import course_from_dict, course_to_dict
from grader.domain.errors import GraderError
from grader.files import roster
from grader.files.loaded import MAX_COURSE_FILE_BYTES, file_digest
from grader.files.reading import read_capped
from grader.gradebook.context import open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.quick import Declined, QuickContext, quick_open
from grader.gradebook.rubrics import rubric_in_force
from grader.store.quick import sqlite_path

A1 = "a1-calculator"
SHARED = "rubrics/calculator.yaml"


def checked(root: Path, url: str | None = None) -> None:
    """Open normally (writes the snapshot) and verify the rubric in force (records the check)."""
    with open_course(root, database_url=url, actor="ta-test") as ctx:
        rubric_in_force(ctx, A1)


def quick(root: Path, url: str | None = None) -> QuickContext | Declined:
    return quick_open(root, database_url=url, actor="ta-test", assignment_id=A1)


def database(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(root / ".grader" / "grades.db")


def test_a_percent_escaped_database_url_names_the_file_the_normal_open_uses(demo_root: Path) -> None:
    real, look_alike = demo_root / ".grader" / "my grades.db", demo_root / ".grader" / "my%20grades.db"
    url = f"sqlite:///{demo_root}/.grader/my%20grades.db"
    assert sqlite_path(url) == real
    checked(demo_root, url)
    assert real.is_file()
    with sqlite3.connect(real) as source, sqlite3.connect(look_alike) as copy:
        source.backup(copy)  # the same snapshot and check, but none of the grades saved below
    with open_course(demo_root, database_url=url, actor="ta-test") as ctx:
        first = ctx.files.students[0].student_id
        record_choice(ctx, A1, first, "correctness", ChoiceRequest(level="Exemplary"))
        saved = ctx.store.grades_of(A1, [first])
    found = quick(demo_root, url)
    assert isinstance(found, QuickContext), found
    try:
        assert found.view.path == real
        assert found.view.grades_of(A1, [first]) == saved
    finally:
        found.close()
    assert sqlite_path("sqlite:///") is None and sqlite_path("sqlite:///:memory:") is None


def _edit_during_validation(
    monkeypatch: pytest.MonkeyPatch, name: str, edit: Callable[[Path], None], root: Path
) -> None:
    """Edit the file ``name`` right after validation first reads it (another editor saving)."""
    original = read_capped
    done: list[bool] = []

    def reading(path: Path, display: str, limit: int) -> bytes:
        raw = original(path, display, limit)
        if display == name and not done:
            done.append(True)
            edit(root / name)
        return raw

    monkeypatch.setattr(strict_yaml, "read_capped", reading)


def _share_the_rubric(root: Path) -> None:
    """A fourth assignment grades with a1's rubric file (read once per assignment)."""
    course = root / "course.yaml"
    text = course.read_text()
    start = text.index("  - id: a1-calculator")
    block = text[start : text.index("  - id: a2-webpage")]
    course.write_text(text.replace("badges:\n", block.replace("a1-calculator", "a4-again", 1) + "badges:\n"))


def _retitle(path: Path) -> None:
    path.write_text(path.read_text().replace("title: Command-line calculator", "title: Renamed", 1))


def test_a_rubric_file_edited_between_its_two_reads_is_not_snapshotted(
    demo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _share_the_rubric(demo_root)
    checked(demo_root)
    first = quick(demo_root)
    assert isinstance(first, QuickContext), first
    first.close()
    with monkeypatch.context() as patch:
        _edit_during_validation(patch, SHARED, _retitle, demo_root)
        checked(demo_root)  # a1 validated the old bytes, a4 the new: one hash for both
    with open_course(demo_root, actor="ta-test") as full:
        truth = full.files.rubrics[A1]
    assert truth.title == "Renamed"
    # Before the fix: the old title, from an old read. Now the snapshot holds the new rubric,
    # which was never checked against the grades.
    assert quick(demo_root) == Declined(
        (f"the rubric of {A1}: changed since its last check against the grades",)
    )
    with database(demo_root) as db:
        assert db.execute("SELECT count(*) FROM course_snapshot").fetchone() == (1,)  # rewritten
    checked(demo_root)
    found = quick(demo_root)
    assert isinstance(found, QuickContext), found
    found.close()
    assert found.files.rubrics[A1] == truth


def test_a_snapshot_another_grader_version_wrote_is_not_trusted_and_is_replaced(demo_root: Path) -> None:
    checked(demo_root)
    with database(demo_root) as db:
        # What an older grader's validation made of the very same bytes.
        db.execute(
            "UPDATE course_snapshot SET course = json_set(json_set(course, '$.format', 'grader 0.0.1'),"
            " '$.title', 'An older reading')"
        )
    assert quick(demo_root) == Declined(("the snapshot was written by another version of grader",))
    checked(demo_root)  # same files, but this version's reading is recorded now
    found = quick(demo_root)
    assert isinstance(found, QuickContext), found
    found.close()
    assert found.files.course.title != "An older reading"
    with pytest.raises(ValueError, match="another grader"):
        course_from_dict({**course_to_dict(found.files.course), "format": "grader 0.0.1"})


def test_a_roster_generation_is_never_reused_after_the_snapshot_was_dropped(
    demo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _share_the_rubric(demo_root)
    checked(demo_root)
    held = quick(demo_root)  # its roster is read a page at a time, later
    assert isinstance(held, QuickContext), held
    try:
        with monkeypatch.context() as patch:
            _edit_during_validation(patch, SHARED, _retitle, demo_root)
            checked(demo_root)  # inconsistent: the snapshot is dropped
        roster_file = demo_root / "roster.csv"
        lines = roster_file.read_text().splitlines(keepends=True)
        roster_file.write_text(
            lines[0] + lines[1].replace(",", "x,", 2).replace("x,", ",", 1) + "".join(lines[2:])
        )
        checked(demo_root)  # a new roster, written as a new generation
        with database(demo_root) as db:
            generations = {row[0] for row in db.execute("SELECT DISTINCT generation FROM roster_entry")}
        assert held.files.students._generation not in generations  # type: ignore[attr-defined]
        with pytest.raises(GraderError, match="roster changed"):
            held.files.students[0]
    finally:
        held.close()


def test_the_file_digest_refuses_pipes_devices_and_oversize_files(tmp_path: Path) -> None:
    plain = tmp_path / "roster.csv"
    plain.write_bytes(b"student_id,name\n")
    assert file_digest(plain) == hashlib.sha256(plain.read_bytes()).hexdigest()
    assert file_digest(plain, limit=3) is None
    assert file_digest(tmp_path / "missing.csv") is None
    assert file_digest(tmp_path) is None
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    assert file_digest(pipe) is None  # returns at once: no writer awaited
    endless = tmp_path / "endless.csv"
    endless.symlink_to("/dev/zero")
    assert file_digest(endless) is None  # not read without end
    assert max(roster.MAX_BYTES, strict_yaml.MAX_BYTES) <= MAX_COURSE_FILE_BYTES


def test_a_pipe_in_place_of_the_roster_declines_at_once(demo_root: Path) -> None:
    checked(demo_root)
    roster_file = demo_root / "roster.csv"
    roster_file.unlink()
    os.mkfifo(roster_file)
    answers: list[QuickContext | Declined] = []
    opening = threading.Thread(target=lambda: answers.append(quick(demo_root)), daemon=True)
    opening.start()
    opening.join(5)
    hung = opening.is_alive()
    if hung:
        with roster_file.open("wb"):
            pass  # release the blocked reader: it reads nothing and declines
        opening.join(5)
    assert not hung
    assert answers == [Declined(("roster.csv changed since the snapshot",))]

"""A learner's credential folder, ``.grader/credentials/<uuid>/``: replaced whole, leftovers cleaned."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from grader.domain.issued import IssuedCredential
from grader.durable.leftovers import HOST
from grader.files.loaded import CourseFiles
from grader.gradebook import learner_files
from grader.gradebook.context import open_course
from grader.gradebook.issuer import FILES, MISSING_FONTS, IssuerIdentity, issuer_identity

SIGNED = Path(__file__).parent.parent / "credentials" / "data" / "ob3-example-signed.json"
CREDENTIAL_ID = "6f1c2a7e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"
Issuing = tuple[Path, IssuerIdentity, CourseFiles]


@pytest.fixture
def issuing(course_dir: Path) -> Iterator[Issuing]:
    with open_course(course_dir, actor="Ada") as ctx:
        yield ctx.root, issuer_identity(ctx, create=True), ctx.files


def credential() -> IssuedCredential:
    return IssuedCredential(
        credential_id=CREDENTIAL_ID,
        student_id="00123",
        badge_id="python-foundations",
        status_index=7,
        issued_at=datetime(2026, 1, 5, tzinfo=UTC),
        issued_by="Ada",
        key_id="key-1",
        document=SIGNED.read_text(encoding="utf-8"),
    )


def write(issuing: Issuing) -> learner_files.LearnerFiles:
    root, identity, files = issuing
    return learner_files.write_learner_files(
        root, identity, files.course, credential(), files.students_by_id["00123"]
    )


def listing(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def test_the_files_are_written_with_the_users_normal_mode(issuing: Issuing) -> None:
    previous = os.umask(0o027)
    try:
        written = write(issuing)
    finally:
        os.umask(previous)
    assert sorted(path.name for path in written.folder.iterdir()) == sorted(FILES)
    modes = {stat.S_IMODE(path.stat().st_mode) for path in written.folder.iterdir()}
    assert modes == {0o640} and stat.S_IMODE(written.folder.stat().st_mode) == 0o750
    assert names_beside(written.folder) == {CREDENTIAL_ID}


def names_beside(folder: Path) -> set[str]:
    return {path.name for path in folder.parent.iterdir()}


def test_a_failure_while_rewriting_keeps_the_old_folder_complete(
    issuing: Issuing, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write(issuing).folder
    (folder / MISSING_FONTS).write_text("a font was missing\n")  # asks for the files to be drawn again
    before = listing(folder)

    def broken(*args: object) -> bytes:
        raise KeyboardInterrupt

    monkeypatch.setattr(learner_files, "bake_png", broken)
    with pytest.raises(KeyboardInterrupt):
        write(issuing)
    assert listing(folder) == before, "the old files, all of them, stay until new ones are complete"
    assert names_beside(folder) == {CREDENTIAL_ID}, "the half-written new folder is removed"

    monkeypatch.undo()
    write(issuing)
    assert sorted(listing(folder)) == sorted(FILES), "rewritten whole: the missing-fonts note is gone"
    assert names_beside(folder) == {CREDENTIAL_ID}


NEXT_RUN = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from grader.domain.issued import IssuedCredential
from grader.gradebook.context import open_course
from grader.gradebook.issuer import issuer_identity
from grader.gradebook.learner_files import write_learner_files

root, credential_id, signed = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]).read_text(encoding="utf-8")
issued = IssuedCredential(credential_id, "00123", "python-foundations", 7, datetime(2026, 1, 5, tzinfo=UTC),
                          "Ada", "key-1", signed)
with open_course(root, actor="Ada") as ctx:
    written = write_learner_files(root, issuer_identity(ctx), ctx.files.course, issued,
                                  ctx.files.students_by_id["00123"])
print(written.folder)
"""


def test_the_next_run_cleans_a_crashed_runs_leftovers_even_with_nothing_to_write(issuing: Issuing) -> None:
    folder = write(issuing).folder
    before = listing(folder)
    crashed = subprocess.Popen([sys.executable, "-c", "pass"])
    crashed.wait()
    staging = folder.parent / f".{CREDENTIAL_ID}.grader-{HOST}-{crashed.pid}-00c0ffee.new"
    staging.mkdir()
    (staging / "credential.json").write_text("half")
    other = "9d8c7b6a-0000-4000-8000-000000000000"
    moved_aside = folder.parent / f".{other}.grader-{HOST}-{crashed.pid}-00c0ffef.old"
    moved_aside.mkdir()
    (moved_aside / "credential.json").write_text("complete old credential")
    done = subprocess.run(
        [sys.executable, "-c", NEXT_RUN, str(issuing[0]), CREDENTIAL_ID, str(SIGNED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(folder)
    assert listing(folder) == before, "complete: nothing to write"
    assert names_beside(folder) == {CREDENTIAL_ID, other}, (
        "the half folder removed, the moved-aside one put back"
    )
    assert (folder.parent / other / "credential.json").read_text() == "complete old credential"

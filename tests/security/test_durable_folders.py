"""A folder replaced whole (grader.durable.replaced_folder): never a moment without a complete one."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from crash_steps import killed_at_each_step, names

from grader.domain.errors import GraderError
from grader.durable import Access, clean_leftovers, folders, replaced_folder
from grader.durable.leftovers import HOST

OLD_FILES = {"credential.json": b'{"old": true}', "badge.png": b"old png", "missing-fonts.txt": b"redo"}
NEW_FILES = {"credential.json": b'{"new": true}', "badge.png": b"new png" * 100, "share.txt": b"link"}
UUID = "0b5e3c1a-7d2f-4a8e-9c61-2f0d4b7e9a13"


def make_old(target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir()
    for name, data in OLD_FILES.items():
        (target / name).write_bytes(data)


def contents(target: Path) -> dict[str, bytes] | None:
    """The folder's files, or None when there is no folder under that name."""
    if not target.is_dir():
        return None
    return {path.name: path.read_bytes() for path in target.iterdir()}


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def fill(staged: folders.StagedFolder) -> None:
    for name, data in NEW_FILES.items():
        staged.write(name, data)


def test_a_folder_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / UUID
    make_old(target)
    with replaced_folder(target) as staged:
        fill(staged)
        assert contents(target) == OLD_FILES, "the old folder stays until the new one is complete"
    assert contents(target) == NEW_FILES
    assert names(tmp_path) == {UUID}


def test_a_new_folder_is_created_whole(tmp_path: Path) -> None:
    with replaced_folder(tmp_path / UUID) as staged:
        fill(staged)
    assert contents(tmp_path / UUID) == NEW_FILES and names(tmp_path) == {UUID}


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
@pytest.mark.parametrize(
    "error",
    [RuntimeError("the certificate could not be drawn"), KeyboardInterrupt()],
    ids=["error", "interrupt"],
)
def test_a_failure_while_filling_leaves_the_old_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: BaseException, exchange: bool
) -> None:
    if not exchange:
        monkeypatch.setattr(folders, "exchange", lambda first, second: False)
    target = tmp_path / UUID
    make_old(target)
    with pytest.raises(type(error)), replaced_folder(target) as staged:
        staged.write("credential.json", b"half")
        raise error
    assert contents(target) == OLD_FILES and names(tmp_path) == {UUID}


def test_a_failure_at_the_swap_leaves_the_old_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(first: Path, second: Path) -> bool:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(folders, "exchange", broken)
    target = tmp_path / UUID
    make_old(target)
    refused = f"cannot write {target}: Input/output error; it is unchanged"
    with pytest.raises(GraderError, match=refused), replaced_folder(target) as staged:
        fill(staged)
    assert contents(target) == OLD_FILES and names(tmp_path) == {UUID}


def test_a_failure_between_the_two_renames_puts_the_old_folder_back_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(folders, "exchange", lambda first, second: False)
    rename = Path.rename

    def failing_for_the_new_folder(self: Path, target: Path) -> Path:
        if self.name.endswith(".new"):
            raise OSError(5, "Input/output error")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_for_the_new_folder)
    target = tmp_path / UUID
    make_old(target)
    with (
        pytest.raises(GraderError, match="Input/output error; it is unchanged"),
        replaced_folder(target) as staged,
    ):
        fill(staged)
    assert contents(target) == OLD_FILES and names(tmp_path) == {UUID}


def test_the_files_of_a_shared_folder_get_the_umask_mode_and_of_a_private_one_0600(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        with replaced_folder(tmp_path / "shared") as staged:
            staged.write_text("share.txt", "link")
        with replaced_folder(tmp_path / "private", Access.PRIVATE) as staged:
            staged.write_text("secret.txt", "s")
    finally:
        os.umask(previous)
    modes = {
        path.relative_to(tmp_path).as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in (tmp_path / "shared", tmp_path / "shared" / "share.txt", tmp_path / "private")
    }
    modes["private/secret.txt"] = stat.S_IMODE((tmp_path / "private" / "secret.txt").stat().st_mode)
    assert modes == {
        "shared": 0o750,
        "shared/share.txt": 0o640,
        "private": 0o700,
        "private/secret.txt": 0o600,
    }


def test_a_file_name_that_leaves_the_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a file name"), replaced_folder(tmp_path / UUID) as staged:
        staged.write("../escape.txt", b"x")
    assert names(tmp_path) == set()


# --- a crash at any step --------------------------------------------------------------------------

ACTION = f"""
with replaced_folder(Path(sys.argv[3])) as staged:
    for name, data in {NEW_FILES!r}.items():
        staged.write(name, chunk(data))
"""


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_a_swap_killed_at_any_step_leaves_the_old_or_the_new_folder_complete(
    tmp_path: Path, exchange: bool
) -> None:
    target = tmp_path / UUID
    unrelated = {"notes.txt", f".{UUID}.writing", f".{UUID}.grader-1-nothex.new"}
    for name in unrelated:
        (tmp_path / name).write_text("not ours")
    action = ACTION.replace("sys.argv[3]", repr(str(target)))
    outcomes: list[str] = []
    for killed in killed_at_each_step(action, exchange=exchange, before_each=lambda: make_old(target)):
        found = contents(target)
        if exchange:
            assert found in (OLD_FILES, NEW_FILES), f"killed at step {killed.step}: {found}"
        else:
            assert found in (OLD_FILES, NEW_FILES, None), f"killed at step {killed.step}: {found}"
        clean_leftovers(tmp_path)  # what the next run does first
        after = contents(target)
        assert after in (OLD_FILES, NEW_FILES), f"killed at step {killed.step}, after the next run: {after}"
        assert names(tmp_path) == {UUID, *unrelated}, f"killed at step {killed.step}: leftovers remain"
        outcomes.append("missing, put back" if found is None else "old" if found == OLD_FILES else "new")
    assert contents(target) == NEW_FILES, "the run that was not killed put the new folder in place"
    assert outcomes.count("old") >= 5 and "new" in outcomes, outcomes
    if not exchange:
        assert "missing, put back" in outcomes, "a kill between the two renames was tried"


def test_the_next_run_puts_back_an_old_folder_whose_target_is_missing_and_removes_the_rest(
    tmp_path: Path,
) -> None:
    dead = dead_pid()
    moved_aside = tmp_path / f".{UUID}.grader-{HOST}-{dead}-0000abcd.old"
    make_old(moved_aside)
    half_new = tmp_path / f".{UUID}.grader-{HOST}-{dead}-0000abce.new"
    half_new.mkdir()
    (half_new / "credential.json").write_text("half")
    other = "1c2d3e4f-0000-4000-8000-000000000000"
    make_old(tmp_path / other)
    stale_old = tmp_path / f".{other}.grader-{HOST}-{dead}-0000abcf.old"
    make_old(stale_old)
    live = tmp_path / f".{other}.grader-{HOST}-{os.getpid()}-0000abd0.new"
    live.mkdir()
    cleaned = clean_leftovers(tmp_path)
    assert sorted(cleaned) == sorted([moved_aside, half_new, stale_old])
    assert contents(tmp_path / UUID) == OLD_FILES, "the only complete copy was put back"
    assert contents(tmp_path / other) == OLD_FILES
    assert names(tmp_path) == {UUID, other, live.name}, "a running process's folder is left alone"

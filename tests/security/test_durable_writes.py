"""The one durable writer (grader.durable): whole files or nothing, modes by intent, no leftovers."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path

import pytest
from crash_steps import killed_at_each_step, names

from grader.domain.errors import GraderError
from grader.durable import (
    Access,
    TargetExists,
    WriteFailed,
    clean_leftovers,
    staged_file,
    write_private,
    write_private_text,
    write_shared,
    write_shared_text,
)
from grader.durable.leftovers import HOST

UMASKS = [0o022, 0o077, 0o000]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture(params=UMASKS, ids=lambda umask: f"umask-{umask:03o}")
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    previous = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(previous)


def dead_pid() -> int:
    """The id of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# --- modes --------------------------------------------------------------------------------------


def test_a_new_shared_file_gets_the_umask_mode_and_a_private_one_0600(tmp_path: Path, umask: int) -> None:
    write_shared(tmp_path / "grades.csv", b"a,b\r\n")
    write_shared_text(tmp_path / "report.html", "<p>Zoë</p>")
    write_shared(tmp_path / "streamed.csv", (f"{n}\r\n".encode() for n in range(1000)))
    write_private(tmp_path / "backup.db", b"\x00" * 10)
    write_private_text(tmp_path / "ring.json", "{}\n")
    with staged_file(tmp_path / "cache.ttf", Access.SHARED) as staged:
        staged.stream.write(b"font")
    shared = 0o666 & ~umask
    assert {name: mode(tmp_path / name) for name in sorted(names(tmp_path))} == {
        "backup.db": 0o600,
        "cache.ttf": shared,
        "grades.csv": shared,
        "report.html": shared,
        "ring.json": 0o600,
        "streamed.csv": shared,
    }
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "<p>Zoë</p>"
    assert (tmp_path / "streamed.csv").read_bytes().count(b"\r\n") == 1000


def test_an_existing_shared_file_keeps_its_mode_and_a_private_one_becomes_0600(
    tmp_path: Path, umask: int
) -> None:
    shared, private = tmp_path / "roster.csv", tmp_path / "ring.json"
    for path, existing in ((shared, 0o640), (private, 0o644)):
        path.write_bytes(b"old")
        path.chmod(existing)
    write_shared(shared, b"new")
    write_private(private, b"new")
    assert (mode(shared), mode(private)) == (0o640, 0o600)
    assert shared.read_bytes() == private.read_bytes() == b"new"


def test_a_private_file_is_0600_even_when_the_umask_takes_the_owner_write_bit(tmp_path: Path) -> None:
    previous = os.umask(0o277)
    try:
        write_private(tmp_path / "key.pem", b"k")
    finally:
        os.umask(previous)
    assert mode(tmp_path / "key.pem") == 0o600


# --- a failure midway ---------------------------------------------------------------------------


def chunks_failing_after(count: int, error: BaseException) -> Iterator[bytes]:
    for _ in range(count):
        yield b"x" * 1000
    raise error


@pytest.mark.parametrize(
    "error",
    [RuntimeError("the report generator broke"), KeyboardInterrupt(), OSError(errno.EIO, "I/O error")],
    ids=["generator-raises", "interrupted", "io-error"],
)
@pytest.mark.parametrize("access", list(Access))
def test_a_failure_midway_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, error: BaseException, access: Access
) -> None:
    target = tmp_path / "grades.csv"
    target.write_bytes(b"the previous export\n")
    expected = WriteFailed if isinstance(error, OSError) else type(error)
    with pytest.raises(expected) as raised, staged_file(target, access) as staged:
        for chunk in chunks_failing_after(20, error):
            staged.stream.write(chunk)
    assert target.read_bytes() == b"the previous export\n"
    assert names(tmp_path) == {"grades.csv"}, "the temporary file is removed"
    if isinstance(error, OSError):
        assert str(raised.value) == f"cannot write {target}: I/O error; nothing was written under that name"
    with pytest.raises(expected):
        write_shared(tmp_path / "new.csv", chunks_failing_after(3, error))
    assert names(tmp_path) == {"grades.csv"}, "a new file is not created at all"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs: a real full disk (needs the right to mount, e.g. root)."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here ({mounted.stderr.strip()}); the ENOSPC cases above simulate it"
        )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_a_full_disk_leaves_the_old_file_and_no_temporary(tiny_disk: Path) -> None:
    target = tiny_disk / "report.html"
    target.write_bytes(b"old report " * 3000)  # 33 KB: the new one cannot fit beside it
    with pytest.raises(WriteFailed, match="No space left on device; nothing was written under that name"):
        write_shared(target, (b"new report " * 1000 for _ in range(10)))
    assert target.read_bytes() == b"old report " * 3000
    assert names(tiny_disk) == {"report.html"}
    with pytest.raises(WriteFailed, match="No space left on device"):
        write_private(tiny_disk / "copy.db", b"\x00" * 100_000)
    assert names(tiny_disk) == {"report.html"}
    target.unlink()
    write_shared(target, b"fits now")
    assert target.read_bytes() == b"fits now"


def test_a_failure_to_sync_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "ring.json"
    target.write_text("old")

    def disk_full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(WriteFailed, match="No space left on device"):
        write_private_text(target, "new")
    assert target.read_text() == "old" and names(tmp_path) == {"ring.json"}


# --- never replacing, targets that are not files ------------------------------------------------


def test_an_exclusive_write_never_replaces_a_file(tmp_path: Path) -> None:
    target = tmp_path / "course.yaml"
    target.write_text("mine")
    with pytest.raises(TargetExists, match="already exists; nothing was replaced"):
        write_shared_text(target, "skeleton", exclusive=True)
    with (
        pytest.raises(TargetExists),
        staged_file(tmp_path / "late.yaml", Access.SHARED, exclusive=True) as staged,
    ):
        staged.stream.write(b"skeleton")
        (tmp_path / "late.yaml").write_text("another process was first")
    assert target.read_text() == "mine"
    assert (tmp_path / "late.yaml").read_text() == "another process was first"
    assert names(tmp_path) == {"course.yaml", "late.yaml"}
    write_shared_text(tmp_path / "new.yaml", "skeleton", exclusive=True)
    assert (tmp_path / "new.yaml").read_text() == "skeleton"


def test_a_folder_or_a_missing_folder_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(GraderError, match="is a folder; give a file name"):
        write_shared(tmp_path, b"x")
    with pytest.raises(GraderError, match=f"the folder {tmp_path / 'missing'} does not exist; create it"):
        write_shared(tmp_path / "missing" / "grades.csv", b"x")


def test_a_link_at_the_target_is_replaced_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("not ours")
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").symlink_to(outside)
    write_shared_text(tmp_path / "site" / "index.html", "page")
    assert outside.read_text() == "not ours"
    assert not (tmp_path / "site" / "index.html").is_symlink()


SECRET = b"-----BEGIN PRIVATE KEY-----MC4CAQAwBQYDK2VwBCIEIJ"


def write_secret(path: Path) -> None:
    with staged_file(path, Access.PRIVATE) as staged:
        staged.stream.write(SECRET)  # as keys.write_key_file does: never bound to a local name


def test_a_failed_private_write_shows_no_content_in_a_traceback_with_locals(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(WriteFailed) as raised:
        write_secret(tmp_path / "k.pem")
    rendered = "".join(
        traceback.TracebackException.from_exception(raised.value, capture_locals=True).format()
    )
    assert "No space left on device" in rendered and "write_secret" in rendered
    assert "MC4CAQAwBQYDK2VwBCIEIJ" not in rendered
    assert names(tmp_path) == set()


# --- a crash at any step, and the next run --------------------------------------------------------

OLD, NEW = b"old export\n" * 100, b"new export\n" * 300


def test_a_write_killed_at_any_step_leaves_the_old_or_the_new_file_and_the_next_run_cleans_up(
    tmp_path: Path,
) -> None:
    target, unrelated = (
        tmp_path / "grades.csv",
        {"notes.txt", ".grades.csv.tmp", ".grades.csv.grader-1-zz.tmp"},
    )
    for name in unrelated:
        (tmp_path / name).write_text("not ours")

    def reset() -> None:
        target.write_bytes(OLD)

    action = (
        f"write_shared(Path({str(target)!r}), (chunk(part) for part in [{NEW[:1000]!r}, {NEW[1000:]!r}]))"
    )
    seen: dict[bytes, int] = {}
    for killed in killed_at_each_step(action, before_each=reset):
        content = target.read_bytes()
        assert content in (OLD, NEW), f"killed at step {killed.step}: a half-written file"
        seen[content] = seen.get(content, 0) + 1
        clean_leftovers(tmp_path)  # what the next write into this folder does first
        assert names(tmp_path) == {"grades.csv", *unrelated}, f"killed at step {killed.step}"
        assert all((tmp_path / name).read_text() == "not ours" for name in unrelated)
    assert target.read_bytes() == NEW, "the run that was not killed wrote the new file"
    assert seen.get(OLD, 0) >= 3 and seen.get(NEW, 0) >= 1, f"the kills hit every phase: {seen}"


def test_the_next_write_into_a_folder_removes_only_temporaries_of_dead_processes_of_this_machine(
    tmp_path: Path,
) -> None:
    dead, alive = dead_pid(), os.getpid()
    other_host = "h000000" if HOST != "h000000" else "h000001"
    leftovers = {
        f".grades.csv.grader-{HOST}-{dead}-0badc0de.tmp",
        f".copy.db.grader-{HOST}-{dead}-12345678.tmp-journal",
        f".report.html.grader-{HOST}-{dead}-abcdef01.tmp",
    }
    kept = {
        f".grades.csv.grader-{HOST}-{alive}-0badc0de.tmp",
        f".grades.csv.grader-{other_host}-{dead}-0badc0de.tmp",  # another machine's pids mean nothing here
        ".grades.csv.x1y2z3.partial",
        "grades.csv",
    }
    for name in leftovers | kept:
        (tmp_path / name).write_text("x")
    write_shared(tmp_path / "other.csv", b"new")
    assert names(tmp_path) == kept | {"other.csv"}


def test_the_writer_loads_only_the_standard_library_and_the_domain_errors() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import grader.durable\n"
        "print(sorted(name for name in set(sys.modules) - before "
        "if name.split('.')[0] not in sys.stdlib_module_names))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(
        [
            "grader",
            "grader.domain",
            "grader.domain.errors",
            "grader.durable",
            "grader.durable.files",
            "grader.durable.folders",
            "grader.durable.leftovers",
        ]
    )

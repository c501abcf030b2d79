"""grader.git.objects' processes and run_git's watch: long outputs and long calls stay under control."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest
from git_helpers import commit
from processes import wait_until_gone

from grader.git.env import GitFailed, GitStopped, GitTimeout, run_git
from grader.git.fabricate import Push, fabricate
from grader.git.objects import reading


def test_output_arrives_in_chunks_and_matches_run_git(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1, {f"f{n:05}": str(n) for n in range(3000)}),))])
    args = ["ls-tree", "-r", "-z", made.head or ""]
    with reading(repo, timeout=30) as opened:
        process = opened.git.ls_tree(*args[1:], as_process=True)
        chunks = list(iter(lambda: os.read(process.proc.stdout.fileno(), 4096), b""))
    assert len(chunks) > 1 and b"".join(chunks) == run_git([f"--git-dir={repo}", *args], timeout=30).stdout


def test_ending_the_read_early_kills_git(tmp_path: Path) -> None:
    fabricate(tmp_path / "r.git", [])
    marker = f"stream-{uuid.uuid4().hex}"
    # `git -c alias...` runs a shell that writes forever: a stand-in for a huge diff.
    with reading(tmp_path / "r.git", timeout=30) as opened:
        process = opened.git(c=f"alias.flood=!yes {marker}").flood(as_process=True)
        assert marker.encode() in os.read(process.proc.stdout.fileno(), 4096)
    assert wait_until_gone(marker) == []


def unique_nap() -> str:
    """A sleep duration no other process has on its command line."""
    return f"1000.{uuid.uuid4().int % 10**12:012d}"


def test_a_read_past_its_timeout_is_killed(tmp_path: Path) -> None:
    fabricate(tmp_path / "r.git", [])
    marker = unique_nap()
    started = time.monotonic()
    with (
        pytest.raises(GitTimeout, match=r"timed out after 0\.5 s"),
        reading(tmp_path / "r.git", timeout=0.5) as opened,
    ):
        process = opened.git(c=f"alias.nap=!sleep {marker}; true").nap(as_process=True)
        os.read(process.proc.stdout.fileno(), 4096)
        process.wait()
    assert time.monotonic() - started < 5
    assert wait_until_gone(marker) == []


def test_a_folder_that_is_no_repository_fails_with_gits_words(tmp_path: Path) -> None:
    with pytest.raises(GitFailed, match="not a git repository"), reading(tmp_path, timeout=30):
        pass


def test_watch_stops_a_call_and_kills_its_group(tmp_path: Path) -> None:
    marker = unique_nap()
    calls: list[float] = []

    def watch() -> str | None:
        calls.append(time.monotonic())
        return "enough" if len(calls) >= 2 else None

    with pytest.raises(GitStopped, match="enough"):
        run_git(["-c", f"alias.nap=!sleep {marker}; true", "nap"], cwd=tmp_path, timeout=30, watch=watch)
    assert len(calls) == 2 and wait_until_gone(marker) == []


def test_watch_does_not_disturb_input_or_quick_calls(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    fabricate(repo, [])
    payload = b"x" * 5_000_000
    done = run_git(
        [f"--git-dir={repo}", "hash-object", "--stdin"], input=payload, timeout=30, watch=lambda: None
    )
    plain = run_git([f"--git-dir={repo}", "hash-object", "--stdin"], input=payload, timeout=30)
    assert done.stdout == plain.stdout and len(done.stdout.strip()) == 40

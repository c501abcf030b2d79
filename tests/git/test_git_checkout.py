"""grader.git.checkout: a plain folder holding exactly one commit's files, swapped in whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from git_helpers import IDENTITY, all_paths, commit, files_under, git

from grader.durable import folders
from grader.git import staging
from grader.git.checkout import CheckoutFailed, CheckoutRefused, checkout
from grader.git.env import run_git
from grader.git.fabricate import Gitlink, Push, Symlink, fabricate, push
from grader.git.limits import Limits
from grader.git.staging import STAGING

LIMITS = Limits(timeout=60)


def test_a_checkout_holds_exactly_the_commit_and_no_git_folder(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    files = {
        "main.py": "print(1)\n",
        "pkg/deep/data.bin": b"\0\xff" * 100,
        "leak.txt": Symlink("/etc/passwd"),
        "vendor/lib": Gitlink("1" * 40),
        "odd name\r": "carriage return in the name",
    }
    made = fabricate(repo, [Push((commit(1, files),))])
    dest = tmp_path / "checkouts" / "a1" / "zoe"
    report = checkout(repo, made.head or "", dest, LIMITS)
    assert files_under(dest) == {
        "main.py": b"print(1)\n",
        "pkg/deep/data.bin": b"\0\xff" * 100,
        "leak.txt": b"/etc/passwd",
        "odd name\r": b"carriage return in the name",
    }
    assert not (dest / "leak.txt").is_symlink(), "core.symlinks=false: links are small text files"
    assert (dest / "vendor" / "lib").is_dir() and os.listdir(dest / "vendor" / "lib") == []
    assert not (dest / ".git").exists()
    assert report.links == (("leak.txt", "/etc/passwd"),) and report.submodules == (("vendor/lib", ""),)
    assert os.listdir(dest.parent / STAGING) == []
    assert git(repo, "status", "--porcelain", check=False) == "", "the mirror has no index to disturb"
    assert not (repo / "index").exists()


def test_a_new_checkout_replaces_the_old_one_whole(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1, {"old.txt": "old", "same.txt": "1"}),))])
    (second,) = push(repo, [commit(2, {"new.txt": "new", "same.txt": "2"})], onto=made.head)
    dest = tmp_path / "co"
    checkout(repo, made.head or "", dest, LIMITS)
    (dest / "scratch.out").write_text("left by an earlier autograder run")
    checkout(repo, second, dest, LIMITS)
    assert files_under(dest) == {"new.txt": b"new", "same.txt": b"2"}
    checkout(repo, made.head or "", dest, LIMITS)
    assert files_under(dest) == {"old.txt": b"old", "same.txt": b"1"}


def test_the_new_checkout_is_exchanged_in_one_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1, {"a": "1"}),))])
    (second,) = push(repo, [commit(2, {"b": "2"})], onto=made.head)
    dest = tmp_path / "co"
    checkout(repo, made.head or "", dest, LIMITS)
    purposes: list[str] = []
    staged_inodes: list[int] = []
    real_path, real_exchange = staging.staging_path, folders.exchange

    def recording_path(target: Path, purpose: str) -> Path:
        purposes.append(purpose)
        return real_path(target, purpose)

    def recording_exchange(first: Path, second: Path) -> bool:
        staged_inodes.append(first.stat().st_ino)
        return real_exchange(first, second)

    monkeypatch.setattr(staging, "staging_path", recording_path)
    monkeypatch.setattr(folders, "exchange", recording_exchange)
    monkeypatch.setattr("grader.git.checkout.staging_path", recording_path)
    checkout(repo, second, dest, LIMITS)
    assert purposes == ["checkout"], "no second rename through an 'old' folder"
    assert staged_inodes == [dest.stat().st_ino], "dest is the staged folder, swapped in by renameat2"
    assert files_under(dest) == {"b": b"2"} and os.listdir(tmp_path / STAGING) == []


def test_swapping_without_renameat2_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(folders, "exchange", lambda first, second: False)
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1, {"a": "1"}),))])
    (second,) = push(repo, [commit(2, {"b": "2"})], onto=made.head)
    dest = tmp_path / "co"
    checkout(repo, made.head or "", dest, LIMITS)
    checkout(repo, second, dest, LIMITS)
    assert files_under(dest) == {"b": b"2"} and os.listdir(tmp_path / STAGING) == []


def test_over_the_limits_nothing_is_written_and_the_old_checkout_stays(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1, {"a.txt": "small"}),))])
    (big,) = push(repo, [commit(2, {f"f{n}": "x" * 100 for n in range(30)})], onto=made.head)
    dest = tmp_path / "co"
    checkout(repo, made.head or "", dest, LIMITS)
    with pytest.raises(CheckoutRefused) as caught:
        checkout(repo, big, dest, Limits(max_files=20, max_bytes=1000))
    assert caught.value.reason == "too large: 2.9 KB > 1,000 bytes limit; too many files: 30 > 20 limit"
    assert str(caught.value) == f"refused to check out {big[:12]}: {caught.value.reason}"
    assert files_under(dest) == {"a.txt": b"small"}
    assert os.listdir(tmp_path / STAGING) == []


def test_a_path_git_refuses_fails_cleanly(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1, {"a.txt": "fine"}),))])
    blob = _blob(repo, b"pwned")
    inner = _mktree(repo, f"100644 blob {blob}\tpwned\n")
    evil_tree = _mktree(repo, f"040000 tree {inner}\t..\n100644 blob {blob}\tok\n")
    evil = _commit_tree(repo, evil_tree)
    dest = tmp_path / "co"
    checkout(repo, made.head or "", dest, LIMITS)
    with pytest.raises(CheckoutFailed, match=r"invalid path '\.\.'"):
        checkout(repo, evil, dest, LIMITS)
    assert files_under(dest) == {"a.txt": b"fine"}
    assert not (tmp_path / "pwned").exists() and os.listdir(tmp_path / STAGING) == []


def test_an_empty_commit_checks_out_as_an_empty_folder(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1, {}),))])
    report = checkout(repo, made.head or "", tmp_path / "co", LIMITS)
    assert report.files == 0 and all_paths(tmp_path / "co") == set()


def _blob(repo: Path, content: bytes) -> str:
    return (
        run_git([f"--git-dir={repo}", "hash-object", "-w", "--stdin"], input=content, timeout=30)
        .stdout.decode()
        .strip()
    )


def _mktree(repo: Path, listing: str) -> str:
    return (
        run_git([f"--git-dir={repo}", "mktree"], input=listing.encode(), timeout=30).stdout.decode().strip()
    )


def _commit_tree(repo: Path, tree: str) -> str:
    done = run_git([f"--git-dir={repo}", "commit-tree", tree], input=b"evil", env=IDENTITY, timeout=30)
    return done.stdout.decode().strip()


def test_a_link_planted_at_dest_is_replaced_not_followed(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1, {"a": "1"}),))])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not yours")
    dest = tmp_path / "co"
    dest.symlink_to(elsewhere)
    checkout(repo, made.head or "", dest, LIMITS)
    assert not dest.is_symlink() and files_under(dest) == {"a": b"1"}
    assert files_under(elsewhere) == {"keep.txt": b"not yours"}


def test_a_refused_path_after_other_entries_is_named_whole(tmp_path: Path) -> None:
    """The refused name is read at its own place in the tree, not at the first entry's."""
    repo = tmp_path / "r.git"
    fabricate(repo, [])
    blob = _blob(repo, b"x")
    inner = _mktree(repo, f"100644 blob {blob}\tpwned\n")
    evil_tree = _mktree(
        repo, f"100644 blob {blob}\t!first.txt\n100644 blob {blob}\t-second.txt\n040000 tree {inner}\t..\n"
    )
    with pytest.raises(CheckoutFailed, match=r"invalid path '\.\.'$"):
        checkout(repo, _commit_tree(repo, evil_tree), tmp_path / "co", LIMITS)

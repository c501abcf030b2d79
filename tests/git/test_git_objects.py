"""grader.git.objects and the reads built on it: GitPython reads commits and trees, isolated,
with the same answers plain ``git log`` / ``git ls-tree`` give, on hostile repositories too."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from git_helpers import IDENTITY, commit, git

from grader.domain.errors import GraderError
from grader.git import tree as tree_module
from grader.git.env import GitTimeout, run_git, stop_all_git
from grader.git.fabricate import Push, Symlink, fabricate
from grader.git.history import CommitInfo, commit_people, commits, is_ancestor, object_exists
from grader.git.limits import Limits
from grader.git.objects import reading
from grader.git.tree import inspect_tree, limit_problem

_OLD_FORMAT = "%H%x1f%P%x1f%ad%x1f%cd%x1f%s"


def _raw_commit(repo: Path, body: bytes) -> str:
    """Write a commit object exactly as given (no checks: git would refuse some of these)."""
    done = run_git(
        [f"--git-dir={repo}", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
        input=body,
        timeout=30,
    )
    return done.stdout.decode().strip()


def _tricky_history(repo: Path) -> str:
    """A merge of two branches, dates out of order, a two-line subject, a non-UTF-8 author, an
    encoding Python does not know, a nonsense time zone and leading blank lines."""
    fabricate(repo, [])
    tree = git(repo, "mktree").strip()

    def made(parents: list[str], who: bytes, when: bytes, message: bytes, extra: bytes = b"") -> str:
        lines = [b"tree " + tree.encode(), *(b"parent " + p.encode() for p in parents)]
        lines += [b"author " + who + b" " + when, b"committer " + who + b" " + when]
        return _raw_commit(repo, b"\n".join(lines) + b"\n" + extra + b"\n" + message)

    root = made([], "Zoë <z@x>".encode(), b"1700000000 +0530", b"First\n")
    left = made([root], b"Ren\xe9 <r@x>", b"1700000100 -0400", b"Two lines\nof subject \t\r\n\nbody\n")
    right = made([root], b"Side <s@x>", b"1700000050 +0000", b"side\n", b"encoding no-such-encoding\n")
    head = made([left, right], b"M <m@x>", b"1700000200 +9999", b"\n\n  Merge\n")
    git(repo, "update-ref", "refs/heads/main", head)
    return head


def _as_git_log_says(repo: Path, head: str) -> list[CommitInfo]:
    """The history as ``git log`` printed it for grader before GitPython read it."""
    done = run_git(
        [
            f"--git-dir={repo}",
            "log",
            "-z",
            "--date-order",
            "--date=raw",
            f"--format={_OLD_FORMAT}",
            head,
            "--",
        ],
        timeout=30,
    )
    found = []
    for record in done.stdout.decode("utf-8", "replace").split("\0"):
        if record:
            sha, parents, authored, committed, subject = record.split("\x1f", 4)
            found.append(CommitInfo(sha, _date(committed), _date(authored), tuple(parents.split()), subject))
    return found


def _date(raw: str) -> datetime:
    seconds, zone = raw.split()
    hours, minutes = int(zone[1:3]), int(zone[3:5])
    sign = -1 if zone.startswith("-") else 1
    offset = timezone(sign * timedelta(hours=hours, minutes=minutes)) if hours < 24 else UTC
    return datetime.fromtimestamp(int(seconds), tz=offset)


def test_the_history_walk_gives_what_git_log_gave_on_a_tricky_history(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    head = _tricky_history(repo)
    found = commits(repo, head)
    assert found == _as_git_log_says(repo, head)
    assert [c.subject for c in found] == ["  Merge", "Two lines of subject", "side", "First"]
    assert found[0].committed_at.tzinfo == UTC, "a nonsense zone reads as UTC"
    assert commits(repo, "refs/heads/main", limit=2) == found[:2]
    assert commits(repo, head, limit=0) == []


def test_authors_and_ancestry_read_through_gitpython(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    head = _tricky_history(repo)
    people = commit_people(repo, head)
    assert set(people) == {"M", "m@x", "Ren\ufffd", "r@x", "Side", "s@x", "Zoë", "z@x"}
    first = commits(repo, head)[-1].sha
    assert is_ancestor(repo, first, head) and not is_ancestor(repo, head, first)
    assert object_exists(repo, head) and not object_exists(repo, "f" * 40)


def test_an_inherited_git_environment_changes_nothing_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirror, other = tmp_path / "m.git", tmp_path / "other.git"
    made = fabricate(mirror, [Push((commit(1),))])
    elsewhere = fabricate(other, [Push((commit(1, {"x": "only in other"}),))])
    marker = tmp_path / "marker"
    monkeypatch.setenv("GIT_DIR", str(other))
    monkeypatch.setenv("GIT_ALTERNATE_OBJECT_DIRECTORIES", str(other / "objects"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", f"'core.fsmonitor'='touch {marker}'")
    assert [c.sha for c in commits(mirror, made.head or "")] == [made.head]
    assert not object_exists(mirror, elsewhere.head or "")
    assert inspect_tree(mirror, made.head or "").files == 2
    assert not marker.exists()


def test_reading_processes_stop_with_the_read_and_with_stop_all_git(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1), commit(2)))])
    commits(repo, made.head or "")
    inspect_tree(repo, made.head or "")
    assert stop_all_git() == 0, "every git a read started is gone when it ends"
    with pytest.raises(GraderError), reading(repo, timeout=30) as opened:
        opened.git.get_object_header(made.head or "")  # starts the persistent cat-file
        assert stop_all_git() == 1  # what Ctrl+Q and a cancelled pull call
        opened.git.get_object_header(made.head or "")
    assert stop_all_git() == 0


def test_a_tree_repeating_one_folder_is_counted_fast_and_stops(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    fabricate(repo, [])
    blob = run_git([f"--git-dir={repo}", "hash-object", "-w", "--stdin"], input=b"x", timeout=30)
    inner = _mktree(repo, [f"100644 blob {blob.stdout.decode().strip()}\tf{n}" for n in range(1000)])
    head = _commit_tree(repo, _mktree(repo, [f"040000 tree {inner}\td{n}" for n in range(2000)]))
    started = time.monotonic()
    report = inspect_tree(repo, head, max_entries=100_000)
    assert not report.complete and report.files == 100_001 and report.bytes == 100_001
    assert time.monotonic() - started < 30


def test_odd_names_are_reported_as_ls_tree_lists_them(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    names = {"new\nline": "a", "bytes \udcff\udcfe": "b", "tab\there/x": "c", "ünï": "d"}
    files = {name: Symlink(target) for name, target in names.items()}
    made = fabricate(repo, [Push((commit(1, {**files, "big": "x" * 5000}),))])
    listed = run_git([f"--git-dir={repo}", "ls-tree", "-r", "-l", "-z", made.head or ""], timeout=30).stdout
    records = [record.split(b"\t", 1) for record in listed.split(b"\0") if record]
    report = inspect_tree(repo, made.head or "")
    assert report.bytes == sum(int(meta.split()[3]) for meta, _ in records) == 5004
    assert sorted(report.links) == sorted(names.items())
    assert sorted(path for path, _ in report.links) == sorted(
        path.decode("utf-8", "surrogateescape") for meta, path in records if meta.startswith(b"120000")
    )


def _mktree(repo: Path, lines: list[str]) -> str:
    done = run_git([f"--git-dir={repo}", "mktree"], input="\n".join(lines).encode() + b"\n", timeout=60)
    return done.stdout.decode().strip()


def _commit_tree(repo: Path, tree: str) -> str:
    done = run_git([f"--git-dir={repo}", "commit-tree", tree], input=b"x", env=IDENTITY, timeout=30)
    return done.stdout.decode().strip()


def test_a_mirror_given_by_a_relative_path_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = fabricate(tmp_path / "r.git", [Push((commit(1),))])
    monkeypatch.chdir(tmp_path)
    assert [c.sha for c in commits(Path("r.git"), made.head or "")] == [made.head]
    assert inspect_tree(Path("r.git"), made.head or "").files == 2
    assert object_exists(Path("r.git"), made.head or "")


def test_a_read_that_outlives_its_timeout_raises_git_timeout_not_a_broken_pipe(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1),))])
    with pytest.raises(GitTimeout), reading(repo, timeout=0.5) as opened:
        opened.git.get_object_header(made.head or "")  # starts the persistent cat-file
        time.sleep(1.5)  # the timeout kills it; it is gone before the next question
        opened.git.get_object_header(made.head or "")  # writing to it fails: a broken pipe
    assert stop_all_git() == 0


def test_the_trees_one_walk_reads_are_capped_in_all_not_only_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Distinct big trees of empty folders hold no file to count: each read whole, a small
    repository of a few 60 MB trees was parsed into gigabytes (the cap was per tree)."""
    repo = tmp_path / "r.git"
    fabricate(repo, [])
    empty = run_git([f"--git-dir={repo}", "mktree"], input=b"", timeout=30).stdout.decode().strip()
    folders = [_mktree(repo, [f"040000 tree {empty}\t{n:05d}{k}" for n in range(300)]) for k in "abc"]
    sizes = [int(run_git([f"--git-dir={repo}", "cat-file", "-s", t], timeout=30).stdout) for t in folders]
    monkeypatch.setattr(tree_module, "TREE_BYTES", max(sizes) * 2)  # each fits, all three do not
    head = _commit_tree(
        repo, _mktree(repo, [f"040000 tree {t}\t{k}" for t, k in zip(folders, "abc", strict=True)])
    )
    report = inspect_tree(repo, head)
    assert not report.complete and report.files == 0
    assert "too many files" in (limit_problem(report, Limits()) or "")


def test_a_read_whose_git_stop_all_git_killed_fails_as_a_git_error(tmp_path: Path) -> None:
    """Ctrl-C or a closed pull screen stops every git, another thread's reads included."""
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1),))])
    with pytest.raises(GraderError), reading(repo, timeout=30) as opened:
        opened.git.get_object_header(made.head or "")
        assert stop_all_git() == 1
        time.sleep(0.5)  # gone before the next question: writing it fails (a broken pipe)
        opened.git.get_object_header(made.head or "")
    assert stop_all_git() == 0


def test_a_sha256_repository_is_refused_in_words_not_misread(tmp_path: Path) -> None:
    """GitPython reads 20-byte object ids only: a SHA-256 mirror is named as such, not misparsed."""
    repo = tmp_path / "r.git"
    run_git(["init", "-q", "--bare", "--object-format=sha256", str(repo)], timeout=30)
    blob = run_git([f"--git-dir={repo}", "hash-object", "-w", "--stdin"], input=b"x", timeout=30)
    head = _commit_tree(repo, _mktree(repo, [f"100644 blob {blob.stdout.decode().strip()}\tf"]))
    with pytest.raises(GraderError, match="SHA-256 object ids, which grader cannot read"):
        commits(repo, head)
    with pytest.raises(GraderError, match="SHA-256 object ids, which grader cannot read"):
        inspect_tree(repo, head)


def test_a_huge_flat_tree_is_parsed_only_as_far_as_the_walk_counts(tmp_path: Path) -> None:
    """300,000 entries in one tree (an 11 MB object, a few kB packed): counting stops at the
    limit after reading the object once; parsing every entry into objects took hundreds of MB."""
    repo = tmp_path / "r.git"
    fabricate(repo, [])
    blob = run_git([f"--git-dir={repo}", "hash-object", "-w", "--stdin"], input=b"", timeout=30)
    empty = blob.stdout.decode().strip()
    head = _commit_tree(repo, _mktree(repo, [f"100644 blob {empty}\tf{n:06d}" for n in range(300_000)]))
    tracemalloc.start()
    try:
        report = inspect_tree(repo, head, max_entries=1_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not report.complete and report.files == 1_001
    assert peak < 40 * 1024 * 1024, f"{peak / 2**20:.0f} MiB held to count 1,001 entries"

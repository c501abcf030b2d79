"""grader.git.sync: bare mirrors cloned, fetched, rewritten, missing, empty, interrupted.

Real repositories in tmp_path (fabricate + plain git through run_git); nothing is mocked.
"""

from __future__ import annotations

import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from git_helpers import EDT, IDENTITY, IST, ZOE, commit, git

from grader.git.env import run_git
from grader.git.fabricate import CommitSpec, Person, Push, fabricate, push
from grader.git.history import HistoryUnreadable
from grader.git.limits import Limits
from grader.git.staging import STAGING
from grader.git.sync import SyncOutcome, commits, is_ancestor, object_exists, sync

LIMITS = Limits(timeout=60)


def pull(source: Path | str, mirror: Path, **limits: int) -> SyncOutcome:
    return sync(str(source), mirror, allow_local=True, limits=Limits(timeout=60, **limits))


def object_files(mirror: Path) -> set[str]:
    return {p.relative_to(mirror).as_posix() for p in (mirror / "objects").rglob("*") if p.is_file()}


def test_first_sync_clones_a_bare_mirror(tmp_path: Path) -> None:
    made = fabricate(tmp_path / "src.git", [Push((commit(1), commit(2)))])
    mirror = tmp_path / "repos" / "a1" / "zoe.git"
    outcome = sync(str(tmp_path / "src.git"), mirror, allow_local=True, limits=LIMITS)
    assert (outcome.result, outcome.reason) == ("cloned", "")
    assert (outcome.ref, outcome.head, outcome.previous_head) == ("refs/heads/main", made.head, None)
    assert git(mirror, "rev-parse", "--is-bare-repository").strip() == "true"
    assert not (mirror / "hooks").exists(), "cloned without any template"
    assert "url" not in git(mirror, "config", "--list") or "src.git" in git(mirror, "config", "--list")
    assert os.listdir(mirror.parent / STAGING) == [], "no staging folder left"


def test_a_second_sync_only_fetches_and_changes_nothing(tmp_path: Path) -> None:
    made = fabricate(tmp_path / "src.git", [Push((commit(1),))])
    mirror = tmp_path / "m.git"
    pull(tmp_path / "src.git", mirror)
    before = object_files(mirror)
    again = sync(f"file://{tmp_path}/src.git", mirror, allow_local=True, limits=LIMITS)
    assert (again.result, again.head, again.previous_head) == ("unchanged", made.head, made.head)
    assert object_files(mirror) == before, "no new objects"
    assert not (mirror / "FETCH_HEAD").exists()


def test_a_push_is_fetched_as_updated(tmp_path: Path) -> None:
    made = fabricate(tmp_path / "src.git", [Push((commit(1),))])
    mirror = tmp_path / "m.git"
    pull(tmp_path / "src.git", mirror)
    (third,) = push(tmp_path / "src.git", [commit(3)], onto=made.head)
    outcome = sync(str(tmp_path / "src.git"), mirror, allow_local=True, limits=LIMITS)
    assert (outcome.result, outcome.head, outcome.previous_head) == ("updated", third, made.head)
    assert is_ancestor(mirror, made.head or "", third)


def test_a_force_push_keeps_the_old_commit_inspectable(tmp_path: Path) -> None:
    made = fabricate(tmp_path / "src.git", [Push((commit(1), commit(2)))])
    old = made.head or ""
    mirror = tmp_path / "m.git"
    pull(tmp_path / "src.git", mirror)
    (rewritten,) = push(tmp_path / "src.git", [commit(5)], onto=made.shas[0])
    outcome = pull(tmp_path / "src.git", mirror)
    assert outcome == SyncOutcome("updated", "", "refs/heads/main", rewritten, old)
    assert object_exists(mirror, old), "the rewritten-away commit stays in the mirror"
    assert not is_ancestor(mirror, old, rewritten)
    assert is_ancestor(mirror, made.shas[0], rewritten)
    assert [c.sha for c in commits(mirror, old)] == [old, made.shas[0]]


def test_deleted_branches_are_pruned_but_objects_kept(tmp_path: Path) -> None:
    made = fabricate(tmp_path / "src.git", [Push((commit(1),))])
    git(tmp_path / "src.git", "branch", "feature", made.head or "")
    mirror = tmp_path / "m.git"
    pull(tmp_path / "src.git", mirror)
    assert "refs/heads/feature" in git(mirror, "for-each-ref")
    git(tmp_path / "src.git", "branch", "-D", "feature")
    assert pull(tmp_path / "src.git", mirror).result == "unchanged", "the default branch did not move"
    assert "refs/heads/feature" not in git(mirror, "for-each-ref")


def test_a_missing_local_source_is_missing(tmp_path: Path) -> None:
    for source in (str(tmp_path / "nope.git"), f"file://{tmp_path}/nope.git"):
        outcome = sync(source, tmp_path / "m.git", allow_local=True, limits=LIMITS)
        assert (outcome.result, outcome.reason, outcome.head) == ("missing", "repository not found", None)
    assert not (tmp_path / "m.git").exists()


def test_a_source_that_disappears_is_missing_and_the_mirror_stays(tmp_path: Path) -> None:
    made = fabricate(tmp_path / "src.git", [Push((commit(1),))])
    mirror = tmp_path / "m.git"
    pull(tmp_path / "src.git", mirror)
    (tmp_path / "src.git").rename(tmp_path / "gone.git")
    outcome = pull(tmp_path / "src.git", mirror)
    assert (outcome.result, outcome.head, outcome.previous_head) == ("missing", None, made.head)
    assert object_exists(mirror, made.head or "")


def test_a_folder_that_is_not_a_repository_is_reported(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    outcome = pull(tmp_path / "plain", tmp_path / "m.git")
    assert outcome.result == "missing" and outcome.reason == "repository not found"
    assert not (tmp_path / "m.git").exists() and os.listdir(tmp_path / STAGING) == []


def test_an_empty_repository_has_no_head_until_the_first_push(tmp_path: Path) -> None:
    fabricate(tmp_path / "src.git", [])
    mirror = tmp_path / "m.git"
    first = pull(tmp_path / "src.git", mirror)
    assert (first.result, first.ref, first.head) == ("cloned", "refs/heads/main", None)
    assert pull(tmp_path / "src.git", mirror).result == "unchanged"
    (sha,) = push(tmp_path / "src.git", [commit(1)], onto=None)
    later = pull(tmp_path / "src.git", mirror)
    assert (later.result, later.ref, later.head, later.previous_head) == (
        "updated",
        "refs/heads/main",
        sha,
        None,
    )


def test_a_renamed_default_branch_is_followed(tmp_path: Path) -> None:
    src = tmp_path / "src.git"
    made = fabricate(src, [Push((commit(1),))])
    mirror = tmp_path / "m.git"
    pull(src, mirror)
    git(src, "branch", "-m", "main", "trunk")
    git(src, "symbolic-ref", "HEAD", "refs/heads/trunk")
    outcome = pull(src, mirror)
    assert (outcome.ref, outcome.head) == ("refs/heads/trunk", made.head)


def test_a_new_default_branch_is_followed_while_the_old_one_stays(tmp_path: Path) -> None:
    src = tmp_path / "src.git"
    made = fabricate(src, [Push((commit(1),))])
    mirror = tmp_path / "m.git"
    pull(src, mirror)
    second = push(src, [commit(2)], onto=made.head, branch="final")[-1]
    git(src, "symbolic-ref", "HEAD", "refs/heads/final")
    outcome = pull(src, mirror)
    assert (outcome.result, outcome.ref, outcome.head) == ("updated", "refs/heads/final", second)
    git(src, "symbolic-ref", "HEAD", "refs/heads/main")
    back = pull(src, mirror)
    assert (back.result, back.ref) == ("updated", "refs/heads/main"), "only the default changed"


def test_an_unchanged_remote_is_not_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src.git"
    made = fabricate(src, [Push((commit(1),))])
    mirror = tmp_path / "m.git"
    pull(src, mirror)
    fetched: list[str] = []
    monkeypatch.setattr("grader.git.sync._fetch", lambda url, *args, **kwargs: fetched.append(url))
    assert pull(src, mirror).result == "unchanged"
    assert fetched == [], "the branches matched: nothing to download"
    git(src, "branch", "extra", made.head)
    pull(src, mirror)
    assert len(fetched) == 1, "a new branch is fetched"


def test_a_branch_deleted_on_the_remote_is_pruned(tmp_path: Path) -> None:
    src = tmp_path / "src.git"
    made = fabricate(src, [Push((commit(1),))])
    git(src, "branch", "draft", made.head)
    mirror = tmp_path / "m.git"
    pull(src, mirror)
    git(src, "branch", "-D", "draft")
    assert pull(src, mirror).result == "unchanged", "the default branch did not move"
    assert "draft" not in git(mirror, "branch", "--list")


def test_an_interrupted_clone_is_cleaned_up_and_redone(tmp_path: Path) -> None:
    made = fabricate(tmp_path / "src.git", [Push((commit(1),))])
    mirror = tmp_path / "repos" / "zoe.git"
    dead = subprocess.Popen(["true"])
    dead.wait()
    staging = mirror.parent / STAGING
    leftover = staging / f"zoe.git.clone-{dead.pid}-deadbeef"
    (leftover / "objects" / "pack").mkdir(parents=True)
    (leftover / "objects" / "pack" / "tmp_pack_x").write_bytes(b"\0" * 1000)
    live = subprocess.Popen(["sleep", "30"])
    busy = staging / f"zoe.git.clone-{live.pid}-cafecafe"
    busy.mkdir()
    (mirror / "objects").mkdir(parents=True)  # a half-written mirror: no HEAD, no refs
    try:
        outcome = pull(tmp_path / "src.git", mirror)
    finally:
        live.kill()
        live.wait()
    assert (outcome.result, outcome.head) == ("cloned", made.head)
    assert not leftover.exists(), "a dead process's staging folder is removed"
    assert busy.exists(), "a running process's staging folder is left alone"
    assert git(mirror, "rev-parse", "main").strip() == made.head


def test_a_refused_source_touches_nothing(tmp_path: Path) -> None:
    outcome = sync("ext::sh -c touch% x", tmp_path / "m.git", allow_local=True, limits=LIMITS)
    assert outcome.result == "refused" and "'::'" in outcome.reason
    assert list(tmp_path.iterdir()) == []


def test_a_clone_over_the_size_limit_leaves_no_mirror(tmp_path: Path) -> None:
    noise = os.urandom(300_000)
    fabricate(tmp_path / "src.git", [Push((commit(1, {"noise.bin": noise}),))])
    outcome = pull(tmp_path / "src.git", tmp_path / "m.git", max_bytes=100_000)
    assert outcome.result == "failed"
    assert outcome.reason.startswith("too large: ") and outcome.reason.endswith(" > 98 KB limit")
    assert not (tmp_path / "m.git").exists() and os.listdir(tmp_path / STAGING) == []


def test_commits_have_exact_dates_parents_and_subjects(tmp_path: Path) -> None:
    committer = Person("TA", "ta@example.edu")
    late = CommitSpec(
        "Fix bug\u202e\n\nbody",
        ZOE,
        datetime(2026, 9, 30, 1, 2, 3, tzinfo=IST),
        {"main.py": "x"},
        committer=committer,
        committed_at=datetime(2026, 10, 2, 23, 59, 59, tzinfo=EDT),
    )
    made = fabricate(tmp_path / "src.git", [Push((commit(1), commit(2), late))])
    mirror = tmp_path / "m.git"
    pull(tmp_path / "src.git", mirror)
    history = commits(mirror, made.head or "")
    assert [c.sha for c in history] == list(reversed(made.shas))
    newest = history[0]
    assert newest.committed_at == datetime(2026, 10, 2, 23, 59, 59, tzinfo=EDT)
    assert newest.committed_at.utcoffset() == EDT.utcoffset(None)
    assert newest.authored_at == datetime(2026, 9, 30, 1, 2, 3, tzinfo=IST)
    assert newest.authored_at.utcoffset() == IST.utcoffset(None)
    assert newest.parents == (made.shas[1],) and history[-1].parents == ()
    assert newest.subject == "Fix bug\u202e" and history[-1].subject == "Step 1"
    assert [c.sha for c in commits(mirror, made.head or "", limit=2)] == [made.shas[2], made.shas[1]]


def test_merge_commits_list_both_parents(tmp_path: Path) -> None:
    made = fabricate(tmp_path / "src.git", [Push((commit(1), commit(2)))])
    src = tmp_path / "src.git"
    (side,) = push(src, [commit(3)], onto=made.shas[0], branch="side")
    tree = git(src, "rev-parse", f"{side}^{{tree}}").strip()
    merge = run_commit_tree(src, tree, made.shas[1], side)
    history = commits(src, merge)
    assert history[0].parents == (made.shas[1], side)
    assert {c.sha for c in history} == {merge, side, *made.shas[:2]}


def run_commit_tree(repo: Path, tree: str, *parents: str) -> str:
    args = [f"--git-dir={repo}", "commit-tree", tree]
    for parent in parents:
        args += ["-p", parent]
    return run_git(args, input=b"merge", env=IDENTITY, timeout=30).stdout.decode().strip()


def test_history_questions_about_unknown_commits_are_clear(tmp_path: Path) -> None:
    made = fabricate(tmp_path / "src.git", [Push((commit(1),))])
    src = tmp_path / "src.git"
    unknown = "f" * 40
    assert (
        not object_exists(src, unknown)
        and not object_exists(src, "--all")
        and object_exists(src, made.head or "")
    )
    with pytest.raises(HistoryUnreadable, match="cannot compare"):
        is_ancestor(src, unknown, made.head or "")
    with pytest.raises(HistoryUnreadable, match="cannot read the history"):
        commits(src, unknown)
    with pytest.raises(HistoryUnreadable, match="not a commit id"):
        commits(src, "--output=/tmp/x")

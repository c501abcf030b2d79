"""grader.git.commit: one-file feedback commits made with plumbing only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from git_helpers import EDT, IST, commit, git

from grader.git.commit import CommitRefused, commit_file
from grader.git.env import run_git
from grader.git.fabricate import Push, fabricate

WHEN = datetime(2026, 10, 5, 9, 15, tzinfo=IST)


def feedback(repo: Path, content: bytes = b"Well done.\n", **overrides: object) -> str:
    args: dict[str, object] = {
        "branch": "feedback",
        "path": "FEEDBACK.md",
        "content": content,
        "message": "Feedback for a1\n\nScore: 42/50\n",
        "author_name": "Σοφία TA",
        "author_email": "ta@example.edu",
        "when": WHEN,
    }
    args.update(overrides)
    return commit_file(repo, **args)  # type: ignore[arg-type]


def test_a_new_branch_gets_one_commit_with_the_file(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    fabricate(repo, [Push((commit(1),))])
    sha = feedback(repo)
    assert git(repo, "rev-parse", "refs/heads/feedback").strip() == sha
    assert git(repo, "show", "feedback:FEEDBACK.md") == "Well done.\n"
    assert git(repo, "ls-tree", "--name-only", "feedback") == "FEEDBACK.md\n"
    shown = git(repo, "log", "-1", "--format=%an|%ae|%ad|%cn|%cd|%B", "--date=iso-strict", "feedback")
    assert shown.startswith(
        "Σοφία TA|ta@example.edu|2026-10-05T09:15:00+05:30|Σοφία TA|2026-10-05T09:15:00+05:30|"
    )
    assert "Score: 42/50" in shown
    assert git(repo, "rev-parse", "main").strip() != sha, "main is untouched"


def test_later_commits_build_on_the_branch_and_keep_other_files(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1),))])
    first = commit_file(
        repo,
        branch="main",
        path="feedback/a1.md",
        content=b"v1",
        message="v1",
        author_name="TA",
        author_email="ta@x",
        when=datetime(2026, 10, 1, tzinfo=EDT),
    )
    second = feedback(repo, b"v2", branch="main", path="feedback/a1.md")
    assert git(repo, "rev-parse", f"{second}^").strip() == first
    assert git(repo, "rev-parse", f"{first}^").strip() == made.head
    listing = git(repo, "ls-tree", "-r", "--name-only", "main").split()
    assert listing == ["README.md", "feedback/a1.md", "main.py"]
    assert git(repo, "show", "main:feedback/a1.md") == "v2"


def test_a_repository_with_a_work_tree_is_committed_to_without_touching_it(tmp_path: Path) -> None:
    work = tmp_path / "work"
    run_git(["init", "--quiet", "--initial-branch=main", str(work)], timeout=30)
    (work / "untracked.txt").write_text("student file")
    sha = feedback(work)
    assert git(work / ".git", "cat-file", "-t", sha).strip() == "commit"
    assert not (work / "FEEDBACK.md").exists(), "only objects and a ref were written"
    assert not (work / ".git" / "index").exists()


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"branch": "-x"}, "branch name"),
        ({"branch": "a..b"}, "branch name"),
        ({"branch": "x.lock"}, "branch name"),
        ({"path": "../outside"}, "file name"),
        ({"path": "/abs"}, "file name"),
        ({"path": ".git/hooks/pre-commit"}, "file name"),
        ({"path": "a\nb"}, "file name"),
        ({"author_name": "Eve <e@x>"}, "author name or email"),
        ({"author_email": ""}, "author name or email"),
        ({"when": datetime(2026, 10, 1)}, "no timezone"),
        ({"message": "a\0b"}, "NUL"),
    ],
)
def test_bad_inputs_are_refused_before_anything_is_written(
    tmp_path: Path, overrides: dict[str, object], expected: str
) -> None:
    repo = tmp_path / "r.git"
    fabricate(repo, [Push((commit(1),))])
    before = git(repo, "count-objects")
    with pytest.raises(CommitRefused, match=expected):
        feedback(repo, **overrides)
    assert git(repo, "count-objects") == before


def test_a_broken_repository_gives_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "not-a-repo").mkdir()
    with pytest.raises(CommitRefused, match=r"cannot commit 'FEEDBACK\.md' to feedback"):
        feedback(tmp_path / "not-a-repo")


def test_a_branch_can_start_at_a_commit_and_live_outside_refs_heads(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    made = fabricate(repo, [Push((commit(1),))])
    sha = feedback(repo, ref_prefix="refs/grader/", start=made.head)
    assert git(repo, "rev-parse", "refs/grader/feedback").strip() == sha
    assert git(repo, "rev-parse", f"{sha}^").strip() == made.head
    assert git(repo, "ls-tree", "--name-only", sha).split() == ["FEEDBACK.md", "README.md", "main.py"]
    assert "refs/heads/feedback" not in git(repo, "for-each-ref", "--format=%(refname)")


def test_the_same_content_again_makes_no_new_commit(tmp_path: Path) -> None:
    repo = tmp_path / "r.git"
    fabricate(repo, [Push((commit(1),))])
    first = feedback(repo)
    assert feedback(repo, message="again") == first
    assert git(repo, "rev-list", "--count", "feedback").strip() == "1"
    assert git(repo, "rev-parse", f"{feedback(repo, b'changed')}^").strip() == first


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"ref_prefix": "heads/"}, "ref namespace"),
        ({"ref_prefix": "refs/../"}, "ref namespace"),
        ({"start": "HEAD"}, "not a commit id"),
        ({"start": "0" * 40}, "no such commit"),
    ],
)
def test_a_bad_namespace_or_start_is_refused(
    tmp_path: Path, overrides: dict[str, object], expected: str
) -> None:
    repo = tmp_path / "r.git"
    fabricate(repo, [Push((commit(1),))])
    with pytest.raises(CommitRefused, match=expected):
        feedback(repo, **overrides)
    assert "feedback" not in git(repo, "for-each-ref")

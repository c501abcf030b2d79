"""Shared helpers for the git layer tests: commits, a git shortcut, process checks."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from grader.git.env import run_git
from grader.git.fabricate import CommitSpec, FileContent, Person

EDT = timezone(timedelta(hours=-4))
IST = timezone(timedelta(hours=5, minutes=30))
ZOE = Person("Zoë Łukasz-Nguyễn", "zoe@student.example.edu")
IDENTITY = {
    "GIT_AUTHOR_NAME": "a",
    "GIT_AUTHOR_EMAIL": "a@x",
    "GIT_COMMITTER_NAME": "a",
    "GIT_COMMITTER_EMAIL": "a@x",
}
"""Author and committer for commits made with plain plumbing in tests."""


def commit(n: int, files: dict[str, FileContent] | None = None, **extra: object) -> CommitSpec:
    return CommitSpec(
        message=f"Step {n}\n\nDetails of step {n}.\n",
        author=ZOE,
        authored_at=datetime(2026, 9, 20 + n, 14, 30, n, tzinfo=EDT),
        files=files if files is not None else {"main.py": f"print({n})\n", "README.md": f"# v{n}\n"},
        **extra,  # type: ignore[arg-type]
    )


def git(repo: Path, *args: str, check: bool = True) -> str:
    return run_git([f"--git-dir={repo}", *args], timeout=30, check=check).stdout.decode("utf-8")


def files_under(root: Path) -> dict[str, bytes]:
    """Every regular file under ``root`` (links not followed) -> content."""
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def all_paths(root: Path) -> set[str]:
    """Every path under ``root``, folders included, links not followed."""
    found = set()
    for folder, dirs, names in os.walk(root):
        for name in [*dirs, *names]:
            found.add(Path(folder, name).relative_to(root).as_posix())
    return found

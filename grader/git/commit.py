"""Commit one file (feedback) onto a branch with plumbing only, so no hook can run.

hash-object, a temporary index (``GIT_INDEX_FILE``), write-tree, commit-tree and a
compare-and-swap update-ref: none of them runs pre-commit, commit-msg or post-commit hooks, and
``core.hooksPath=/dev/null`` (every call) also silences reference-transaction.
"""

from __future__ import annotations

import re
import tempfile
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Protocol

from grader.domain.errors import GraderError
from grader.git.env import GitFailed, run_git
from grader.git.failures import clean

_ZERO = "0" * 40
_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/-]*")
_PREFIX = re.compile(r"refs/(?:[A-Za-z0-9_][A-Za-z0-9_-]*/)+")
_OBJECT_ID = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


class CommitRefused(GraderError):
    """A feedback commit could not be made; the branch is unchanged."""


def commit_file(
    repo_dir: Path,
    *,
    branch: str,
    path: str,
    content: bytes,
    message: str,
    author_name: str,
    author_email: str,
    when: datetime,
    timeout: float = 30.0,
    ref_prefix: str = "refs/heads/",
    start: str | None = None,
) -> str:
    """Add or replace ``path`` on ``branch`` in a new commit; returns its SHA.

    ``repo_dir`` is a bare repository or a folder holding ``.git``. The branch is
    ``ref_prefix + branch``; when missing it is created on ``start`` (keeping that commit's
    files), or as a branch holding only ``path``. When ``path`` already has ``content`` nothing
    is committed and the branch's tip is returned. The update fails (CommitRefused) if someone
    moved the branch meanwhile.
    """
    git_dir = repo_dir / ".git" if (repo_dir / ".git").is_dir() else repo_dir
    ref = _ref(branch, ref_prefix)
    _check(path, author_name, author_email, message)
    if start is not None and not _OBJECT_ID.fullmatch(start):
        raise CommitRefused(f"not a commit id: {start!r}")
    identity = _identity(author_name, author_email, when)

    def git(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> str:
        done = run_git([f"--git-dir={git_dir}", *args], input=stdin, env=env, timeout=timeout)
        return done.stdout.decode("ascii").strip()

    try:
        tip = _tip(git_dir, ref, timeout)
        parent = tip or (_tip(git_dir, start, timeout) if start else None)
        if start and parent is None:
            raise CommitRefused(f"cannot start {branch} at {start[:12]}: the repository has no such commit")
        tree = _tree_with(git, parent, path, content)
        if tip and tree == git("rev-parse", f"{tip}^{{tree}}"):
            return tip
        parents = ["-p", parent] if parent else []
        new = git("commit-tree", "--no-gpg-sign", tree, *parents, stdin=message.encode(), env=identity)
        git("update-ref", "-m", "grader: feedback", ref, new, tip or _ZERO)
    except GitFailed as exc:
        raise CommitRefused(f"cannot commit {path!r} to {branch}: {clean(exc.stderr)}") from None
    return new


class _Git(Protocol):
    def __call__(self, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None) -> str: ...


def _tree_with(git: _Git, parent: str | None, path: str, content: bytes) -> str:
    """The id of ``parent``'s tree (or an empty one) with ``path`` holding ``content``, built in a
    temporary index."""
    blob = git("hash-object", "-w", "--no-filters", "--stdin", stdin=content)
    with tempfile.TemporaryDirectory(prefix="grader-index-") as scratch:
        index = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        if parent:
            git("read-tree", parent, env=index)
        git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=index)
        return git("write-tree", env=index)


def _identity(name: str, email: str, when: datetime) -> dict[str, str]:
    """The author and committer variables for a commit by ``name`` at ``when`` (its own offset)."""
    offset = when.utcoffset()
    if offset is None:
        raise CommitRefused(f"commit date {when.isoformat()} has no timezone")
    minutes = int(offset.total_seconds()) // 60
    zone = f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    stamp = f"{int(when.timestamp())} {zone}"
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
        "GIT_COMMITTER_DATE": stamp,
    }


def _tip(git_dir: Path, ref: str, timeout: float) -> str | None:
    done = run_git(
        [f"--git-dir={git_dir}", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        timeout=timeout,
        check=False,
    )
    tip = done.stdout.decode("ascii").strip()
    return tip if done.returncode == 0 and tip else None


def _ref(branch: str, prefix: str) -> str:
    if not _PREFIX.fullmatch(prefix):
        raise CommitRefused(f"not a usable ref namespace: {prefix!r}")
    if (
        not _BRANCH.fullmatch(branch)
        or ".." in branch
        or "//" in branch
        or branch.endswith((".", "/", ".lock"))
        or "/." in branch
    ):
        raise CommitRefused(f"not a usable branch name: {branch!r}")
    return f"{prefix}{branch}"


def _check(path: str, author_name: str, author_email: str, message: str) -> None:
    parts = PurePosixPath(path).parts
    if (
        not path
        or path.startswith("/")
        or path.endswith("/")
        or any(ch in path for ch in "\0\n\r")
        or any(part in (".", "..") or part.lower() == ".git" for part in parts)
        or "//" in path
    ):
        raise CommitRefused(f"not a file name that can be committed: {path!r}")
    for value in (author_name, author_email):
        if not value or any(ch in value for ch in "<>\n\r\0"):
            raise CommitRefused(
                f"an author name or email must be set, without '<', '>' or newlines: {value!r}"
            )
    if "\0" in message:
        raise CommitRefused("a commit message may not contain a NUL character")

"""Read a student's changes from the bare mirror: what changed since the starter or the previous commit.

Commits are read through GitPython (``objects.reading``: isolated environment, safe config, a
timeout); external diff drivers and text conversions are never run, and the diff text is read
from git as it comes and cut at ``max_bytes`` (git is then killed with the read).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import git

from grader.git.env import GitFailed
from grader.git.failures import clean
from grader.git.history import HistoryUnreadable, check_revision
from grader.git.objects import commit_at, reading

DEFAULT_TIMEOUT = 30.0
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class DiffText:
    base: str
    head: str
    text: str
    """The unified diff, decoded with replacement characters (sanitise before display)."""
    truncated: bool
    total_bytes: int
    """Bytes read (at least ``max_bytes`` + 1 when truncated)."""


def root_commit(mirror: Path, sha: str, *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """The first commit of the history of ``sha`` (the starter the student began from)."""
    return _root(mirror, sha, timeout)[0]


def root_and_tree(mirror: Path, sha: str, *, timeout: float = DEFAULT_TIMEOUT) -> tuple[str, str]:
    """The first commit of the history of ``sha`` and the id of its tree (its files): repositories
    made from one template have first commits of different ids, one tree."""
    return _root(mirror, sha, timeout)


def _root(mirror: Path, sha: str, timeout: float) -> tuple[str, str]:
    """The last of ``git rev-list --max-parents=0 sha`` (the oldest first commit) and its tree."""
    check_revision(sha)
    try:
        with reading(mirror, timeout=timeout) as repo:
            roots = list(repo.iter_commits(sha, max_parents=0))
            if not roots:
                raise HistoryUnreadable(f"{sha[:12]} has no first commit in {mirror}")
            return roots[-1].hexsha, roots[-1].tree.hexsha
    except GitFailed as exc:
        raise HistoryUnreadable(f"cannot read the history in {mirror}: {clean(exc.stderr)}") from None


def parent_commit(mirror: Path, sha: str, *, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """The first parent of ``sha``, or None for a first commit."""
    check_revision(sha)
    try:
        with reading(mirror, timeout=timeout) as repo:
            parents = commit_at(repo, sha).parents
            return parents[0].hexsha if parents else None
    except GitFailed as exc:
        raise HistoryUnreadable(f"cannot read the history in {mirror}: {clean(exc.stderr)}") from None


def diff_commits(
    mirror: Path,
    base: str,
    head: str,
    *,
    paths: tuple[str, ...] = (),
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> DiffText:
    """``git diff base head`` (optionally limited to ``paths`` globs), without drivers, capped."""
    check_revision(base)
    check_revision(head)
    args = [
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--find-renames",
        "--end-of-options",
        base,
        head,
        "--",
        *(f":(glob){pattern}" for pattern in _pathspecs(paths)),
    ]
    try:
        with reading(mirror, timeout=timeout) as repo:
            data, read = _read_capped(repo.git.diff(*args, as_process=True), max_bytes)
    except GitFailed as exc:
        raise HistoryUnreadable(f"cannot compare {base[:12]} with {head[:12]}: {clean(exc.stderr)}") from None
    return DiffText(
        base=base,
        head=head,
        text=data[:max_bytes].decode("utf-8", "replace"),
        truncated=read > max_bytes,
        total_bytes=read,
    )


def _read_capped(process: git.Git.AutoInterrupt, max_bytes: int) -> tuple[bytes, int]:
    """A git process's output up to ``max_bytes`` + 1 and how much was read; a process read to
    its end is waited for (GitPython raises on a non-zero exit), one cut short is killed with the read."""
    chunks: list[bytes] = []
    read = 0
    stdout = process.proc.stdout if process.proc is not None else None
    while stdout is not None and read <= max_bytes and (chunk := os.read(stdout.fileno(), 1 << 16)):
        chunks.append(chunk)
        read += len(chunk)
    if read <= max_bytes:
        process.wait()
    return b"".join(chunks), read


def _pathspecs(patterns: tuple[str, ...]) -> list[str]:
    """Rubric globs as git glob pathspecs: a pattern without '/' matches at any depth."""
    specs: list[str] = []
    for pattern in patterns:
        cleaned = pattern.strip().lstrip("/")
        if not cleaned or cleaned.startswith(":"):
            continue
        specs.append(cleaned if "/" in cleaned else f"**/{cleaned}")
    return specs

"""Read a student's changes from the bare mirror: what changed since the starter or the previous commit.

Every call runs through ``run_git``/``stream_git`` (isolated environment, safe config, a timeout);
external diff drivers and text conversions are never run, and output is cut at ``max_bytes``
(the generator is closed early, which kills git).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from grader.git.env import GitFailed, run_git
from grader.git.failures import clean
from grader.git.history import HistoryUnreadable, check_revision
from grader.git.stream import stream_git

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
    check_revision(sha)
    done = _git(mirror, ["rev-list", "--max-parents=0", "--end-of-options", sha, "--"], timeout)
    roots = done.split()
    if not roots:
        raise HistoryUnreadable(f"{sha[:12]} has no first commit in {mirror}")
    return roots[-1]


def root_and_tree(mirror: Path, sha: str, *, timeout: float = DEFAULT_TIMEOUT) -> tuple[str, str]:
    """The first commit of the history of ``sha`` and the id of its tree (its files), in one git
    call: repositories made from one template have first commits of different ids, one tree."""
    check_revision(sha)
    asked = ["rev-list", "--max-parents=0", "--format=%T", "--end-of-options", sha, "--"]
    done = _git(mirror, asked, timeout)
    words = done.split()  # "commit ROOT TREE" per first commit
    if len(words) < 3 or words[-3] != "commit":
        raise HistoryUnreadable(f"{sha[:12]} has no first commit in {mirror}")
    return words[-2], words[-1]


def parent_commit(mirror: Path, sha: str, *, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """The first parent of ``sha``, or None for a first commit."""
    check_revision(sha)
    done = _git(mirror, ["rev-list", "--parents", "--max-count=1", "--end-of-options", sha, "--"], timeout)
    ids = done.split()
    return ids[1] if len(ids) > 1 else None


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
        f"--git-dir={mirror}",
        "diff",
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
    chunks: list[bytes] = []
    read = 0
    stream = stream_git(args, timeout=timeout)
    try:
        with contextlib.closing(stream):
            for chunk in stream:
                chunks.append(chunk)
                read += len(chunk)
                if read > max_bytes:
                    break
    except GitFailed as exc:
        raise HistoryUnreadable(f"cannot compare {base[:12]} with {head[:12]}: {clean(exc.stderr)}") from None
    data = b"".join(chunks)
    return DiffText(
        base=base,
        head=head,
        text=data[:max_bytes].decode("utf-8", "replace"),
        truncated=read > max_bytes,
        total_bytes=read,
    )


def _pathspecs(patterns: tuple[str, ...]) -> list[str]:
    """Rubric globs as git glob pathspecs: a pattern without '/' matches at any depth."""
    specs: list[str] = []
    for pattern in patterns:
        cleaned = pattern.strip().lstrip("/")
        if not cleaned or cleaned.startswith(":"):
            continue
        specs.append(cleaned if "/" in cleaned else f"**/{cleaned}")
    return specs


def _git(mirror: Path, args: list[str], timeout: float) -> str:
    try:
        done = run_git([f"--git-dir={mirror}", *args], timeout=timeout)
    except GitFailed as exc:
        raise HistoryUnreadable(f"cannot read the history in {mirror}: {clean(exc.stderr)}") from None
    return done.stdout.decode("ascii", "replace")

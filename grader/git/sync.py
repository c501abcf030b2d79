"""Keep a bare mirror of one student repository: clone it the first time, fetch afterwards.

Later syncs first ask the remote for its branches (``ls-remote``, which downloads nothing) and
fetch only when they differ from the mirror's: an unchanged repository costs one git process.
The mirror's HEAD follows the remote's default branch when the student changes it.

The mirror keeps every object it ever received (no gc, no prune of objects), so a commit that
a force-push removed from the branch stays inspectable for "history rewritten" checks.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from grader.domain.errors import GraderError
from grader.git.env import GitFailed, GitStopped, GitTimeout, run_git
from grader.git.failures import AUTH, MISSING, clean, reason_for
from grader.git.history import CommitInfo, commits, is_ancestor, object_exists
from grader.git.limits import Limits, over_limit
from grader.git.mirror import (
    OBJECT_ID,
    MirrorState,
    branches,
    directory_size,
    is_complete,
    read_state,
    usable_ref,
)
from grader.git.sources import SourceRefused, local_path, validate_source
from grader.git.staging import clean_leftovers, remove, staging_path

__all__ = [
    "AUTH",
    "MISSING",
    "CommitInfo",
    "SyncOutcome",
    "commits",
    "is_ancestor",
    "object_exists",
    "sync",
]

BRANCHES = "+refs/heads/*:refs/heads/*"
"""Forced, so a rewritten branch follows the remote; the old objects stay in the mirror."""


@dataclass(frozen=True)
class SyncOutcome:
    result: str
    """``cloned``, ``updated``, ``unchanged``, ``missing``, ``refused`` or ``failed``."""
    reason: str
    """Empty, or a short reason safe to show (sanitised, credentials redacted)."""
    ref: str | None
    """The default branch, e.g. ``refs/heads/main``."""
    head: str | None
    """Its commit after the sync; None when the repository is empty, missing or failed."""
    previous_head: str | None
    """The mirror's commit before this sync; None on the first clone."""


def sync(source: str, mirror: Path, *, allow_local: bool, limits: Limits) -> SyncOutcome:
    """Clone ``source`` into the bare ``mirror``, or fetch into it; never raises per repository."""
    before = read_state(mirror) if is_complete(mirror) else None
    previous = before.head if before else None
    try:
        url = validate_source(source, allow_local=allow_local)
    except SourceRefused as exc:
        return SyncOutcome("refused", clean(str(exc)), None, None, previous)
    clean_leftovers(mirror)
    local = local_path(url)
    if local is not None and not (local.exists() or Path(urlsplit(url).path).exists()):
        return SyncOutcome("missing", MISSING, None, None, previous)
    try:
        if before is None:
            after = _clone(url, mirror, local=local is not None, limits=limits)
            return SyncOutcome("cloned", "", after.ref, after.head, None)
        after = _update(url, mirror, local=local is not None, limits=limits)
    except GitTimeout:
        return SyncOutcome("failed", f"timed out after {limits.timeout:g} s", None, None, previous)
    except GitFailed as exc:
        reason = reason_for(exc.stderr)
        result = "missing" if reason == MISSING else "failed"
        return SyncOutcome(result, reason, None, None, previous)
    except GraderError as exc:
        return SyncOutcome("failed", clean(str(exc)), None, None, previous)
    except OSError as exc:
        return SyncOutcome("failed", clean(f"cannot write {mirror}: {exc.strerror}"), None, None, previous)
    result = "unchanged" if after == before else "updated"
    return SyncOutcome(result, "", after.ref, after.head, previous)


def _clone(url: str, mirror: Path, *, local: bool, limits: Limits) -> MirrorState:
    """Clone into a staging folder, then rename it into place (a crash leaves no mirror)."""
    if os.path.lexists(mirror):
        remove(mirror)  # an incomplete mirror from an interrupted run
    staged = staging_path(mirror, "clone")
    try:
        args = ["clone", "--bare", "--quiet", "--template=", *(["--no-local"] if local else [])]
        run_git(
            [*args, "--", url, str(staged)],
            cwd=staged.parent,
            timeout=limits.timeout,
            allow_file=local,
            watch=_size_watch(staged, limits.max_bytes),
        )
        too_large = _size_watch(staged, limits.max_bytes)()
        if too_large:
            raise GitStopped(too_large)
        if _has_credentials(url):
            run_git(
                [f"--git-dir={staged}", "config", "--remove-section", "remote.origin"],
                timeout=limits.timeout,
            )
        state = read_state(staged)
        if state.head is None and branches(staged):
            state = _choose_default_branch(url, staged, local=local, limits=limits)
        staged.rename(mirror)
    finally:
        remove(staged)
    return state


@dataclass(frozen=True)
class RemoteBranches:
    """What the remote advertises: its default branch (if it says) and every branch's commit."""

    default: str | None
    heads: dict[str, str]


def remote_branches(url: str, *, local: bool, limits: Limits) -> RemoteBranches:
    """``git ls-remote --symref``: the remote's branches and default branch, nothing downloaded."""
    done = run_git(
        ["ls-remote", "--symref", "--", url, "HEAD", "refs/heads/*"],
        timeout=limits.timeout,
        allow_file=local,
    )
    default = None
    heads: dict[str, str] = {}
    for line in done.stdout.decode("utf-8", "surrogateescape").splitlines():
        value, _, name = line.partition("\t")
        if value.startswith("ref: ") and name == "HEAD":
            default = value[len("ref: ") :]
        elif name.startswith("refs/heads/") and usable_ref(name) and OBJECT_ID.fullmatch(value):
            heads[name] = value
    return RemoteBranches(default if default in heads else None, heads)


def _update(url: str, mirror: Path, *, local: bool, limits: Limits) -> MirrorState:
    """Fetch only when the remote's branches differ from the mirror's; follow its default branch."""
    remote = remote_branches(url, local=local, limits=limits)
    if remote.heads != branches(mirror):
        _fetch(url, mirror, local=local, limits=limits)
    return _point_head(mirror, remote.default, limits)


def _fetch(url: str, mirror: Path, *, local: bool, limits: Limits) -> None:
    """Fetch every branch, forced and pruned; objects are never deleted."""
    try:
        run_git(
            [
                f"--git-dir={mirror}",
                "fetch",
                "--quiet",
                "--prune",
                "--no-tags",
                "--no-write-fetch-head",
                "--no-recurse-submodules",
                "--",
                url,
                BRANCHES,
            ],
            timeout=limits.timeout,
            allow_file=local,
            watch=_size_watch(mirror, limits.max_bytes),
        )
    except GraderError:
        _remove_partial_packs(mirror)
        raise


def _choose_default_branch(url: str, mirror: Path, *, local: bool, limits: Limits) -> MirrorState:
    """Point HEAD at the remote's default branch, when the one the mirror had is gone."""
    return _point_head(mirror, remote_branches(url, local=local, limits=limits).default, limits)


def _point_head(mirror: Path, wanted: str | None, limits: Limits) -> MirrorState:
    """HEAD at ``wanted`` when the mirror has it; else kept, or main/master/the first branch."""
    state = read_state(mirror)
    held = branches(mirror)
    if wanted not in held:
        if state.head is not None or not held:
            return state
        preferred = [ref for ref in ("refs/heads/main", "refs/heads/master") if ref in held]
        wanted = [*preferred, *sorted(held)][0]
    if wanted != state.ref:
        run_git([f"--git-dir={mirror}", "symbolic-ref", "HEAD", wanted], timeout=limits.timeout)
        state = read_state(mirror)
    return state


def _size_watch(path: Path, max_bytes: int) -> Callable[[], str | None]:
    def watch() -> str | None:
        size = directory_size(path)
        return over_limit("too large", size, max_bytes, in_bytes=True) if size > max_bytes else None

    return watch


def _remove_partial_packs(mirror: Path) -> None:
    """Temporary pack files of a killed fetch (its refs were never updated)."""
    pack = mirror / "objects" / "pack"
    for leftover in [*pack.glob("tmp_pack_*"), *pack.glob("tmp_idx_*"), *mirror.glob("objects/incoming-*")]:
        remove(leftover)


def _has_credentials(url: str) -> bool:
    return "://" in url and "@" in url.split("://", 1)[1].split("/", 1)[0]

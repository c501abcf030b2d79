"""Look at a commit's tree before anything is written: size, file count, links, submodules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import git
from git.objects.fun import tree_entries_from_data

from grader.domain.errors import GraderError
from grader.git.env import GitFailed
from grader.git.history import check_revision
from grader.git.limits import Limits, over_limit
from grader.git.objects import commit_at, reading

DEFAULT_TIMEOUT = 120.0
MAX_ENTRIES = 1_000_000
"""Stop counting here: a tree can repeat one subtree to claim billions of files."""
LINK_BYTES = 4096
"""Longer link "targets" are not read (a link blob can be any size)."""
_GITMODULES_BYTES = 1024 * 1024
TREE_BYTES = 64 * 1024 * 1024
"""Tree objects read by one walk, all together: past this the walk stops, incomplete (a small
hostile repository of a few huge trees would otherwise be parsed into gigabytes)."""
_LINK_MODE = 0o120000
_TREE_TYPE = 0o04
_GITLINK_TYPE = 0o16
_MALFORMED = ("invalid tree entry mode", "truncated tree entry", "unterminated tree entry")
"""How GitPython words a tree record it cannot parse (any other refusal is about the name)."""
_Entry = tuple[bytes, int, str]
"""(binsha, mode, name) of one tree entry."""


@dataclass(frozen=True)
class TreeReport:
    files: int
    """Files and links (blobs) in the tree."""
    bytes: int
    """Their total size once checked out."""
    links: tuple[tuple[str, str], ...]
    """(path, target) of every symbolic link; checked out as small text files."""
    submodules: tuple[tuple[str, str], ...]
    """(path, url from .gitmodules or "") of every submodule; never fetched."""
    complete: bool = True
    """False when counting stopped at ``MAX_ENTRIES`` (``files`` is then a lower bound)."""


def inspect_tree(
    mirror: Path, sha: str, *, timeout: float = DEFAULT_TIMEOUT, max_entries: int = MAX_ENTRIES
) -> TreeReport:
    """Walk the tree of ``sha`` through GitPython (sizes from object headers); writes nothing."""
    check_revision(sha)
    with reading(mirror, timeout=timeout) as repo:
        try:
            root = commit_at(repo, sha).tree
        except (git.GitError, git.exc.ODBError, ValueError) as exc:
            raise GitFailed(
                f"git cannot read the tree of {sha[:12]} in {mirror}", returncode=128, stderr=str(exc)
            ) from None
        walk = _Walk(repo, max_entries)
        walk.tree(root)
        return TreeReport(
            files=walk.files,
            bytes=walk.bytes,
            links=_link_targets(repo, walk.links),
            submodules=_submodules(repo, walk.gitlinks, walk.gitmodules),
            complete=walk.complete,
        )


class UnsafePath(GraderError):
    """The tree holds a path no checkout may write ('..', '.git', an empty name)."""


class _Walk:
    """Files, bytes, links and gitlinks of a tree, in ``git ls-tree -r`` order, counted up to
    ``max_entries``. Each distinct tree object is read once (``TREE_BYTES`` in all) and its
    entries parsed only as far as the walk goes, so a huge tree costs what is counted of it."""

    def __init__(self, repo: git.Repo, max_entries: int) -> None:
        self.repo = repo
        self.max_entries = max_entries
        self.files = self.bytes = 0
        self.complete = True
        self.links: list[tuple[str, git.Blob]] = []
        self.gitlinks: list[str] = []
        self.gitmodules: git.Blob | None = None
        self.tree_bytes = 0
        """The size of every distinct tree read so far (``TREE_BYTES`` at most)."""
        self._data: dict[bytes, bytes] = {}
        self._sizes: dict[bytes, int] = {}

    def tree(self, root: git.Tree) -> None:
        pending: list[tuple[str, Iterator[_Entry]]] = [("", self.entries(root.binsha))]
        while pending:
            prefix, entries = pending[-1]
            entry = next(entries, None)
            if entry is None:
                pending.pop()
                continue
            binsha, mode, name = entry
            if mode >> 12 == _TREE_TYPE:
                pending.append((f"{prefix}{name}/", self.entries(binsha, f"{prefix}{name}/")))
                if not self.complete:
                    return
            else:
                self.add(f"{prefix}{name}", binsha, mode)
                if self.files + len(self.gitlinks) > self.max_entries:
                    self.complete = False
                    return

    def entries(self, binsha: bytes, prefix: str = "") -> Iterator[_Entry]:
        """A tree's entries as the walk reaches them; none once the trees read would pass
        ``TREE_BYTES`` (the walk is then incomplete)."""
        if binsha not in self._data:
            self.tree_bytes += self.repo.odb.info(binsha).size
            if self.tree_bytes > TREE_BYTES:
                self.complete = False
                return iter(())
            self._data[binsha] = bytes(self.repo.odb.stream(binsha).read())
        return _parsed(self._data[binsha], prefix)

    def add(self, path: str, binsha: bytes, mode: int) -> None:
        if mode >> 12 == _GITLINK_TYPE:
            self.gitlinks.append(path)
            return
        if binsha not in self._sizes:
            self._sizes[binsha] = self.repo.odb.info(binsha).size
        self.files += 1
        self.bytes += self._sizes[binsha]
        if mode == _LINK_MODE:
            self.links.append((path, git.Blob(self.repo, binsha, mode, path)))
        elif path == ".gitmodules":
            self.gitmodules = git.Blob(self.repo, binsha, mode, path)


def _parsed(data: bytes, prefix: str) -> Iterator[_Entry]:
    """A tree object's entries, one at a time, each parsed and checked by GitPython
    (``tree_entries_from_data``: modes, truncation, names git refuses to check out)."""
    offset = 0
    while offset < len(data):
        space = data.find(b" ", offset)
        name_end = data.find(b"\0", space + 1) if space >= 0 else -1
        record = data[offset : name_end + 21] if name_end >= 0 else data[offset:]
        try:
            (entry,) = tree_entries_from_data(record)
        except ValueError as exc:
            if not str(exc).lower().startswith(_MALFORMED):  # a name git would refuse to check out
                name = data[space + 1 : name_end].decode("utf-8", "surrogateescape")
                raise UnsafePath(f"invalid path {prefix + name!r}") from exc
            raise GitFailed(f"git cannot read a tree: {exc}", returncode=128, stderr=str(exc)) from None
        yield entry
        offset += len(record)


def limit_problem(report: TreeReport, limits: Limits) -> str | None:
    """Why a tree is over ``limits`` (size first, then count), or None."""
    problems = []
    if report.bytes > limits.max_bytes:
        problems.append(over_limit("too large", report.bytes, limits.max_bytes, in_bytes=True))
    if report.files > limits.max_files or not report.complete:
        problems.append(
            over_limit(
                "too many files", report.files, limits.max_files, in_bytes=False, exact=report.complete
            )
        )
    return "; ".join(problems) or None


def _link_targets(repo: git.Repo, links: list[tuple[str, git.Blob]]) -> tuple[tuple[str, str], ...]:
    """(path, target) for each link; targets over ``LINK_BYTES`` are described, not read."""
    found = []
    for path, blob in links:
        size = blob.size
        target = _read(blob) if size <= LINK_BYTES else f"<{size:,} bytes, not read>"
        found.append((path, target))
    return tuple(found)


def _read(blob: git.Blob) -> str:
    """A small blob's content (its size was checked first)."""
    return bytes(blob.data_stream.read()).decode("utf-8", "surrogateescape")


def _submodules(
    repo: git.Repo, gitlinks: list[str], gitmodules: git.Blob | None
) -> tuple[tuple[str, str], ...]:
    """Each gitlink with the url .gitmodules gives for its path (never fetched)."""
    if not gitlinks:
        return ()
    urls: dict[str, str] = {}
    if gitmodules is not None and gitmodules.size <= _GITMODULES_BYTES:
        urls = _gitmodules_urls(repo, gitmodules.hexsha)
    return tuple((path, urls.get(path, "")) for path in gitlinks)


def _gitmodules_urls(repo: git.Repo, blob: str) -> dict[str, str]:
    """path -> url from a .gitmodules blob, parsed by git (no includes); {} if unreadable."""
    _, listed, _ = repo.git.config(
        "--no-includes",
        "-z",
        "--blob",
        blob,
        "--list",
        with_extended_output=True,
        with_exceptions=False,
        stdout_as_string=False,
    )
    sections: dict[str, dict[str, str]] = {}
    for item in bytes(listed).decode("utf-8", "surrogateescape").split("\0"):
        key, _, value = item.partition("\n")
        if key.startswith("submodule.") and key.count(".") >= 2:
            name, _, variable = key[len("submodule.") :].rpartition(".")
            sections.setdefault(name, {})[variable] = value
    return {section["path"]: section.get("url", "") for section in sections.values() if "path" in section}

"""Look at a commit's tree before anything is written: size, file count, links, submodules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import git

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
_Item = git.Blob | git.Tree | git.Submodule


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
    ``max_entries``; a subtree repeated many times is parsed once, each blob's size asked once."""

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
        self._entries: dict[bytes, list[_Item]] = {}
        self._sizes: dict[bytes, int] = {}

    def tree(self, root: git.Tree) -> None:
        pending: list[tuple[str, Iterator[_Item]]] = [("", iter(self.entries(root)))]
        while pending:
            prefix, items = pending[-1]
            item = next(items, None)
            if item is None:
                pending.pop()
            elif isinstance(item, git.Tree):
                folder = f"{prefix}{_name(item)}/"
                pending.append((folder, iter(self.entries(item, folder))))
                if not self.complete:
                    return
            else:
                self.add(f"{prefix}{_name(item)}", item)
                if self.files + len(self.gitlinks) > self.max_entries:
                    self.complete = False
                    return

    def entries(self, tree: git.Tree, prefix: str = "") -> list[_Item]:
        """A tree's entries, read once per distinct tree; none once the trees read would pass
        ``TREE_BYTES`` (the walk is then incomplete)."""
        if tree.binsha not in self._entries:
            self.tree_bytes += self.repo.odb.info(tree.binsha).size
            if self.tree_bytes > TREE_BYTES:
                self.complete = False
                return []
            try:
                self._entries[tree.binsha] = list(tree)
            except TypeError as exc:  # an entry of a mode git has no object type for
                raise GitFailed(f"git cannot read a tree: {exc}", returncode=128, stderr=str(exc)) from None
            except ValueError as exc:  # GitPython refuses a path git would refuse to check out
                raise UnsafePath(f"invalid path {_unsafe_name(tree, prefix)!r}") from exc
        return self._entries[tree.binsha]

    def add(self, path: str, item: git.Blob | git.Submodule) -> None:
        if isinstance(item, git.Submodule):
            self.gitlinks.append(path)
            return
        if item.binsha not in self._sizes:
            self._sizes[item.binsha] = self.repo.odb.info(item.binsha).size
        self.files += 1
        self.bytes += self._sizes[item.binsha]
        if item.mode == _LINK_MODE:
            self.links.append((path, item))
        elif path == ".gitmodules":
            self.gitmodules = item


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


def _name(item: _Item) -> str:
    """An entry's own name (its path's last part; a submodule's name would read .gitmodules)."""
    return str(item.path).rpartition("/")[2]


def _unsafe_name(tree: git.Tree, prefix: str) -> str:
    """The first entry of ``tree`` whose name git refuses to check out (or the folder itself)."""
    data, start = bytes(tree.data_stream.read()), 0
    while (space := data.find(b" ", start)) != -1 and (end := data.find(b"\0", space)) != -1:
        name = data[space + 1 : end].decode("utf-8", "surrogateescape")
        start = end + 1 + len(tree.binsha)
        bare = name.rstrip(" .").lower()
        if name in ("", ".", "..") or "/" in name or "\\" in name or bare in (".git", "git~1"):
            return f"{prefix}{name}"
    return prefix or "."

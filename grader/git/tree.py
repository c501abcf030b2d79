"""Look at a commit's tree before anything is written: size, file count, links, submodules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.git.env import run_git
from grader.git.history import check_revision
from grader.git.limits import Limits, over_limit
from grader.git.stream import stream_git

DEFAULT_TIMEOUT = 120.0
MAX_ENTRIES = 1_000_000
"""Stop counting here: a tree can repeat one subtree to claim billions of files."""
LINK_BYTES = 4096
"""Longer link "targets" are not read (a link blob can be any size)."""
_GITMODULES_BYTES = 1024 * 1024


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
    """Read the tree of ``sha`` with ``git ls-tree -r -l -z`` (streamed); writes nothing."""
    check_revision(sha)
    files = size = 0
    complete = True
    link_blobs: list[tuple[str, str, int]] = []
    gitlinks: list[str] = []
    gitmodules: tuple[str, int] | None = None
    pending = b""
    args = [f"--git-dir={mirror}", "ls-tree", "-r", "-l", "-z", "--full-tree", sha]
    chunks = stream_git(args, timeout=timeout)
    try:
        for chunk in chunks:
            *records, pending = (pending + chunk).split(b"\0")
            for record in records:
                meta, _, raw_path = record.partition(b"\t")
                mode, kind, object_id, blob_size = meta.decode("ascii", "replace").split(maxsplit=3)
                path = raw_path.decode("utf-8", "surrogateescape")
                if kind == "commit":
                    gitlinks.append(path)
                    continue
                if kind != "blob":
                    continue
                files += 1
                size += int(blob_size)
                if mode == "120000":
                    link_blobs.append((path, object_id, int(blob_size)))
                elif path == ".gitmodules":
                    gitmodules = (object_id, int(blob_size))
            if files + len(gitlinks) > max_entries:
                complete = False
                break
    finally:
        chunks.close()
    return TreeReport(
        files=files,
        bytes=size,
        links=_link_targets(mirror, link_blobs, timeout),
        submodules=_submodules(mirror, gitlinks, gitmodules, timeout),
        complete=complete,
    )


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


def _link_targets(
    mirror: Path, links: list[tuple[str, str, int]], timeout: float
) -> tuple[tuple[str, str], ...]:
    """(path, target) for each link; targets over ``LINK_BYTES`` are described, not read."""
    wanted = list(dict.fromkeys(object_id for _, object_id, size in links if size <= LINK_BYTES))
    contents = _read_blobs(mirror, wanted, timeout) if wanted else {}
    found = []
    for path, object_id, size in links:
        target = contents.get(object_id)
        found.append((path, target if target is not None else f"<{size:,} bytes, not read>"))
    return tuple(found)


def _read_blobs(mirror: Path, object_ids: list[str], timeout: float) -> dict[str, str]:
    """Small blobs' contents by id, in one ``git cat-file --batch``."""
    done = run_git(
        [f"--git-dir={mirror}", "cat-file", "--batch"],
        input="".join(f"{object_id}\n" for object_id in object_ids).encode("ascii"),
        timeout=timeout,
    )
    contents: dict[str, str] = {}
    data, offset = done.stdout, 0
    for object_id in object_ids:
        end = data.index(b"\n", offset)
        header = data[offset:end].split()
        offset = end + 1
        if len(header) == 3 and header[1] == b"blob":
            length = int(header[2])
            contents[object_id] = data[offset : offset + length].decode("utf-8", "surrogateescape")
            offset += length + 1
    return contents


def _submodules(
    mirror: Path, gitlinks: list[str], gitmodules: tuple[str, int] | None, timeout: float
) -> tuple[tuple[str, str], ...]:
    """Each gitlink with the url .gitmodules gives for its path (never fetched)."""
    if not gitlinks:
        return ()
    urls: dict[str, str] = {}
    if gitmodules is not None and gitmodules[1] <= _GITMODULES_BYTES:
        urls = _gitmodules_urls(mirror, gitmodules[0], timeout)
    return tuple((path, urls.get(path, "")) for path in gitlinks)


def _gitmodules_urls(mirror: Path, blob: str, timeout: float) -> dict[str, str]:
    """path -> url from a .gitmodules blob, parsed by git (no includes); {} if unreadable."""
    done = run_git(
        [f"--git-dir={mirror}", "config", "--no-includes", "-z", "--blob", blob, "--list"],
        timeout=timeout,
        check=False,
    )
    sections: dict[str, dict[str, str]] = {}
    for item in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        key, _, value = item.partition("\n")
        if key.startswith("submodule.") and key.count(".") >= 2:
            name, _, variable = key[len("submodule.") :].rpartition(".")
            sections.setdefault(name, {})[variable] = value
    return {section["path"]: section.get("url", "") for section in sections.values() if "path" in section}

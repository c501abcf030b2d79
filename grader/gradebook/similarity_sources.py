"""The files compared for similar submissions: a checkout or a folder read without following
links, and the starter (the student's first commit) read from the bare mirror; every file and
every submission size-capped, nothing run."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from grader.domain.similarity import FileTokens, Print, Settings, Submission, winnow
from grader.git.diff import root_and_tree
from grader.git.env import GitFailed, run_git
from grader.git.history import HistoryUnreadable, check_revision
from grader.git.worktree import ViewRefused, list_checkout, read_checkout_file
from grader.similarity.tokens import MAX_FILE_BYTES, Skipped, path_skip_reason, tokenise

MAX_SUBMISSION_FILES = 2_000
"""Files compared per submission (the rest are skipped with a reason)."""
MAX_SUBMISSION_BYTES = 8 * 1024 * 1024
"""Bytes read per submission."""
GIT_TIMEOUT = 60.0


@dataclass(frozen=True)
class Read:
    """A submission's files as read: tokens, skipped files, and a digest of the bytes read."""

    files: list[FileTokens]
    skipped: list[tuple[str, str]]
    digest: str


class _Budget:
    """Counts files and bytes against the per-submission caps."""

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0

    def refusal(self, size: int) -> str | None:
        if size > MAX_FILE_BYTES:
            return f"larger than {MAX_FILE_BYTES // 1024} KB"
        if self.files >= MAX_SUBMISSION_FILES:
            return f"over the {MAX_SUBMISSION_FILES:,} files compared per submission"
        if self.bytes + size > MAX_SUBMISSION_BYTES:
            return f"over the {MAX_SUBMISSION_BYTES // (1024 * 1024)} MB read per submission"
        self.files += 1
        self.bytes += size
        return None


def read_folder(root: Path) -> Read:
    """Tokens of every comparable file under ``root`` (a checkout or a folder), links never
    followed, capped per file and per submission."""
    budget = _Budget()
    files: list[FileTokens] = []
    skipped: list[tuple[str, str]] = []
    digest = hashlib.sha256()
    for entry in list_checkout(root):
        if entry.kind != "file":
            continue
        reason = path_skip_reason(entry.path) or budget.refusal(entry.size)
        if reason is not None:
            skipped.append((entry.path, reason))
            continue
        try:
            data = read_checkout_file(root, entry.path, max_bytes=MAX_FILE_BYTES + 1)
        except ViewRefused as exc:
            skipped.append((entry.path, str(exc)))
            continue
        digest.update(entry.path.encode("utf-8", "surrogateescape") + b"\0" + data + b"\0")
        _add(tokenise(entry.path, data), files, skipped)
    return Read(files, skipped, digest.hexdigest()[:40])


def _add(found: FileTokens | Skipped, files: list[FileTokens], skipped: list[tuple[str, str]]) -> None:
    if isinstance(found, Skipped):
        skipped.append((found.path, found.reason))
    else:
        files.append(found)


def starter_commit(mirror: Path, graded: str) -> tuple[str, str] | None:
    """The first commit of the graded commit's history and the id of its tree (None when the
    mirror cannot tell)."""
    try:
        return root_and_tree(mirror, graded)
    except (HistoryUnreadable, GitFailed):
        return None


def read_commit(mirror: Path, sha: str) -> list[FileTokens]:
    """Tokens of a commit's comparable files, read from the bare mirror (``ls-tree`` and one
    ``cat-file --batch``; nothing checked out), with the same caps as a checkout."""
    check_revision(sha)
    listing = run_git(
        [f"--git-dir={mirror}", "ls-tree", "-r", "-l", "-z", "--full-tree", sha], timeout=GIT_TIMEOUT
    ).stdout
    budget = _Budget()
    wanted: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        meta, _, raw_path = record.partition(b"\t")
        fields = meta.decode("ascii", "replace").split()
        if len(fields) != 4 or fields[1] != "blob" or fields[0] == "120000" or not fields[3].isdigit():
            continue
        path = raw_path.decode("utf-8", "surrogateescape")
        if path_skip_reason(path) is None and budget.refusal(int(fields[3])) is None:
            wanted.append((path, fields[2]))
    files: list[FileTokens] = []
    for path, data in zip((p for p, _ in wanted), _blobs(mirror, [o for _, o in wanted]), strict=True):
        found = tokenise(path, data)
        if isinstance(found, FileTokens):
            files.append(found)
    return files


def _blobs(mirror: Path, object_ids: list[str]) -> list[bytes]:
    """The blobs' contents, in order, in one ``git cat-file --batch``."""
    if not object_ids:
        return []
    done = run_git(
        [f"--git-dir={mirror}", "cat-file", "--batch"],
        input="".join(f"{object_id}\n" for object_id in object_ids).encode("ascii"),
        timeout=GIT_TIMEOUT,
    )
    contents: list[bytes] = []
    data, offset = done.stdout, 0
    for _ in object_ids:
        end = data.index(b"\n", offset)
        header = data[offset:end].split()
        offset = end + 1
        length = int(header[2]) if len(header) == 3 else 0
        contents.append(data[offset : offset + length])
        offset += length + (1 if len(header) == 3 else 0)
    return contents


def fingerprints(files: Iterable[FileTokens], settings: Settings) -> list[Print]:
    return [p for tokens in files for p in winnow(tokens, settings.k, settings.window)]


def submission(
    key: str,
    commit: str,
    read: Read,
    settings: Settings,
    *,
    starter: frozenset[int] = frozenset(),
    in_class: bool = True,
) -> Submission:
    """A submission ready to compare, from what was read of it."""
    return Submission(
        key,
        commit,
        tuple(fingerprints(read.files, settings)),
        starter,
        tuple(read.skipped),
        in_class,
    )

"""Read a checkout the way the viewer may: never through a link, never outside the checkout."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path, PurePosixPath

from grader.domain.checkout_entry import Entry
from grader.domain.errors import GraderError
from grader.domain.text import printable
from grader.git.tree import TreeReport

_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = _READ_FLAGS | os.O_DIRECTORY


class ViewRefused(GraderError):
    """A path the viewer will not open: outside the checkout, through a link, or not a file."""


def list_checkout(root: Path, report: TreeReport | None = None) -> list[Entry]:
    """Every file, folder, link and submodule under ``root``, sorted, without following links."""
    links = dict(report.links) if report else {}
    submodules = {path for path, _ in report.submodules} if report else set()
    found: list[Entry] = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        with contextlib.suppress(OSError), os.scandir(root / prefix if prefix else root) as entries:
            for entry in entries:
                path = f"{prefix}{entry.name}"
                info = entry.stat(follow_symlinks=False)
                if entry.is_symlink():
                    found.append(Entry(path, "link", 0, _readlink(entry.path)))
                elif entry.is_dir(follow_symlinks=False):
                    found.append(Entry(path, "submodule" if path in submodules else "dir", 0))
                    pending.append(path + "/")
                elif stat.S_ISREG(info.st_mode):
                    if path in links:
                        found.append(Entry(path, "link", info.st_size, links[path]))
                    else:
                        found.append(Entry(path, "file", info.st_size))
    return sorted(found, key=lambda entry: entry.path)


def link_label(entry: Entry) -> str:
    """How the viewer shows a link: ``link → target (not followed)``, controls made visible."""
    return f"link → {printable(entry.link_target)} (not followed)"


def read_checkout_file(root: Path, relpath: str, *, max_bytes: int = 2_000_000) -> bytes:
    """The first ``max_bytes`` of a regular file inside ``root``, opened without following links.

    Refuses absolute paths, '..', and any path where a component is a link (on disk) or not a
    folder. A link checked out as a text file returns its text: the target's name, not its content.
    """
    parts = _parts(relpath)
    try:
        folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ViewRefused(f"cannot open the checkout {root}: {exc.strerror}") from None
    try:
        for part in parts[:-1]:
            inner = _open(part, folder, _DIR_FLAGS, relpath)
            os.close(folder)
            folder = inner
        handle = _open(parts[-1], folder, _READ_FLAGS, relpath)
    finally:
        os.close(folder)
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            raise ViewRefused(f"{_shown(relpath)} is not a regular file")
        chunks: list[bytes] = []
        remaining = max_bytes
        while remaining > 0 and (chunk := os.read(handle, min(remaining, 1 << 20))):
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(handle)


def _parts(relpath: str) -> list[str]:
    if not relpath or "\0" in relpath or relpath.startswith("/"):
        raise ViewRefused(f"{_shown(relpath)} is not a path inside the checkout")
    parts = [part for part in PurePosixPath(relpath).parts if part != "."]
    if not parts or ".." in parts:
        raise ViewRefused(f"{_shown(relpath)} is not a path inside the checkout")
    return parts


def _open(name: str, folder: int, flags: int, relpath: str) -> int:
    try:
        return os.open(name, flags, dir_fd=folder)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
            target = _readlink_at(name, folder)
            if target is not None:
                raise ViewRefused(f"{_shown(relpath)} is a link → {_shown(target)} (not followed)") from None
            raise ViewRefused(f"{_shown(relpath)} is not inside a folder of the checkout") from None
        if exc.errno == errno.ENOENT:
            raise ViewRefused(f"{_shown(relpath)} does not exist in the checkout") from None
        raise ViewRefused(f"cannot open {_shown(relpath)}: {exc.strerror}") from None


def _readlink(path: str) -> str:
    try:
        return str(Path(path).readlink())
    except OSError:
        return ""


def _readlink_at(name: str, folder: int) -> str | None:
    try:
        return os.fsdecode(os.readlink(name, dir_fd=folder))
    except OSError:
        return None


def _shown(text: str) -> str:
    return repr(printable(text)[:200])

"""Copy a checkout for one run, and read result files back, never through a link."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from grader.sandbox.errors import CheckoutTooLarge, SandboxFailed

COPY_LIMIT = 512 * 1024 * 1024
COLLECT_LIMIT = 8 * 1024 * 1024
_NOFOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
_DIR = _NOFOLLOW | os.O_DIRECTORY


def copy_checkout(source: Path, dest: Path, *, owner: int | None, limit: int = COPY_LIMIT) -> int:
    """Copy files, folders and links (as links) from ``source`` into the existing ``dest``.

    Other kinds of file (fifos, sockets, devices) are left out. Raises CheckoutTooLarge past
    ``limit`` bytes. ``owner``: the uid and gid to give every copy (the sandbox's own user).
    Returns the bytes copied.
    """
    if not source.is_dir():
        raise SandboxFailed(f"the checkout {source} is not a folder; pull the submission again")
    copied = 0
    pending = [(source, dest)]
    while pending:
        src_dir, dst_dir = pending.pop()
        with os.scandir(src_dir) as entries:
            for entry in entries:
                target = dst_dir / entry.name
                if entry.is_symlink():
                    target.symlink_to(Path(entry.path).readlink())
                    _own(target, owner, follow=False)
                elif entry.is_dir(follow_symlinks=False):
                    target.mkdir(stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode) | 0o700)
                    _own(target, owner)
                    pending.append((Path(entry.path), target))
                elif entry.is_file(follow_symlinks=False):
                    copied += _copy_file(entry, target, owner)
                    if copied > limit:
                        raise CheckoutTooLarge(
                            f"the checkout {source} is over {limit // (1024 * 1024)} MB; "
                            "nothing ran (remove large generated files from the submission)"
                        )
    return copied


def _copy_file(entry: os.DirEntry[str], target: Path, owner: int | None) -> int:
    info = entry.stat(follow_symlinks=False)
    source_fd = os.open(entry.path, _NOFOLLOW)
    try:
        target_fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            remaining = info.st_size
            while remaining > 0:
                sent = os.sendfile(target_fd, source_fd, None, min(remaining, 1 << 30))
                if sent == 0:
                    break
                remaining -= sent
            os.fchmod(target_fd, stat.S_IMODE(info.st_mode) | 0o600)
            if owner is not None:
                os.fchown(target_fd, owner, owner)
            os.utime(target_fd, ns=(info.st_atime_ns, info.st_mtime_ns))
        finally:
            os.close(target_fd)
    finally:
        os.close(source_fd)
    return info.st_size


def _own(path: Path, owner: int | None, *, follow: bool = True) -> None:
    if owner is not None:
        os.chown(path, owner, owner, follow_symlinks=follow)


def collect(root: Path, names: Sequence[str], *, limit: int = COLLECT_LIMIT) -> Mapping[str, bytes | None]:
    """Each named regular file under ``root`` (None: absent, a link on the way, or over ``limit``)."""
    return {name: _read_inside(root, name, limit) for name in names}


def _read_inside(root: Path, name: str, limit: int) -> bytes | None:
    parts = PurePosixPath(name).parts
    if not parts or PurePosixPath(name).is_absolute() or any(p in ("..", ".") for p in parts):
        return None
    fds = [os.open(root, _DIR)]
    try:
        for part in parts[:-1]:
            fds.append(os.open(part, _DIR, dir_fd=fds[-1]))
        fd = os.open(parts[-1], _NOFOLLOW | os.O_NONBLOCK, dir_fd=fds[-1])
        fds.append(fd)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, limit + 1)
        return None if len(data) > limit else data
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ELOOP, errno.ENOTDIR, errno.EACCES, errno.ENXIO):
            return None
        raise
    finally:
        for fd in fds:
            os.close(fd)


def largest_file(root: Path) -> int:
    """The size of the largest regular file under ``root`` (links not followed)."""
    largest = 0
    pending = [str(root)]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        largest = max(largest, entry.stat(follow_symlinks=False).st_size)
        except OSError:
            continue
    return largest

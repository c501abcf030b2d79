"""Which file system holds a path, read from /proc/mounts (SQLite must not live on a network one)."""

from __future__ import annotations

import re
from pathlib import Path

PROC_MOUNTS = Path("/proc/mounts")

NETWORK_FILE_SYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "afs",
        "ncpfs",
        "ceph",
        "glusterfs",
        "fuse.glusterfs",
        "fuse.sshfs",
    }
)
"""File systems whose locking SQLite cannot rely on."""

_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


def _unescape(field: str) -> str:
    """Undo the kernel's escaping of spaces, tabs, newlines and backslashes in mount points."""
    return _OCTAL_ESCAPE.sub(lambda match: chr(int(match.group(1), 8)), field)


def file_system_type(path: Path, mounts_file: Path = PROC_MOUNTS) -> str | None:
    """The type of the file system mounted deepest above ``path``; None if unknown."""
    try:
        mounts = mounts_file.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    target = path.resolve()
    best: tuple[int, str] | None = None
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = Path(_unescape(fields[1]))
        if not target.is_relative_to(mount_point):
            continue
        depth = len(mount_point.parts)
        # A later line for the same mount point is mounted over the earlier one.
        if best is None or depth >= best[0]:
            best = (depth, fields[2])
    return best[1] if best else None


def is_network_file_system(path: Path, mounts_file: Path = PROC_MOUNTS) -> bool:
    return file_system_type(path, mounts_file) in NETWORK_FILE_SYSTEMS

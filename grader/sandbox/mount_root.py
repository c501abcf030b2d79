"""Stage one of the unshare fallback: build a run's root in a tmpfs, then execute stage two.

Run as a script (``python -I -S mount_root.py SPEC``) inside a new mount namespace where it may
mount; SPEC is JSON made by grader.sandbox.unshare. Standard library only. Any failure exits 125
with a line on stderr (before the wrapper's marker, so the run is an infrastructure error).
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
from pathlib import Path
from typing import Any

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
_KEPT_FLAGS = ((os.ST_NOSUID, MS_NOSUID), (os.ST_NODEV, MS_NODEV), (os.ST_NOEXEC, MS_NOEXEC))
FAILED = 125
PRIVATE_TMPFS = ("/tmp", "/dev/shm")  # noqa: S108 - the new root's own size-capped tmpfs


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    encoded = [None if text is None else text.encode() for text in (source, target, fstype, data)]
    if libc.mount(encoded[0], encoded[1], encoded[2], ctypes.c_ulong(flags), encoded[3]) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {source} on {target}: {os.strerror(err)}")


def _mountpoint(path: str, like: str) -> None:
    if Path(like).is_dir():
        Path(path).mkdir(mode=0o755, parents=True, exist_ok=True)
    else:
        Path(path).parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        if not Path(path).exists():
            Path(path).touch(mode=0o644)


def _bind(source: str, target: str, read_only: bool) -> None:
    _mountpoint(target, source)
    _mount(source, target, None, MS_BIND | MS_REC, None)
    if read_only:
        kept = os.statvfs(source).f_flag
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV
        flags |= sum(ms for st, ms in _KEPT_FLAGS if kept & st)
        _mount(None, target, None, flags, None)


def build(spec: dict[str, Any]) -> None:
    root: str = spec["root"]
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=4m")
    for target, link in spec["links"]:
        Path(root + link).symlink_to(target)
    tmp_size = f"mode=1777,size={int(spec['tmp_bytes'])}"
    for folder in PRIVATE_TMPFS:
        Path(root + folder).mkdir(mode=0o755, parents=True)
        _mount("tmpfs", root + folder, "tmpfs", MS_NOSUID | MS_NODEV, tmp_size)
    for device in spec["devices"]:
        _mountpoint(root + device, device)
        _mount(device, root + device, None, MS_BIND, None)
    for target, name in spec["device_links"]:
        Path(f"{root}/dev/{name}").symlink_to(target)
    Path(root + "/proc").mkdir(mode=0o555)
    for source, target, read_only in spec["binds"]:
        _bind(source, root + target, bool(read_only))
    _mount(None, root, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None)


def main(argv: list[str]) -> int:
    try:
        spec = json.loads(argv[1])
        build(spec)
        then: list[str] = spec["then"]
        os.execv(then[0], then)  # noqa: S606 - an argument list made by grader.sandbox.unshare
    except (OSError, ValueError, KeyError, IndexError) as exc:
        sys.stderr.write(f"grader sandbox (unshare): could not build the run's root: {exc}\n")
    return FAILED


if __name__ == "__main__":
    sys.exit(main(sys.argv))

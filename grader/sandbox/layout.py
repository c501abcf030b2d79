"""The private folder of one run: the checkout's copy, a made-up /etc, and the python alias.

It lives in the system's temporary folder (never under the course), is readable only by the
run's user, and is removed when the run ends, whatever happened.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from grader.sandbox.copying import copy_checkout

CHECKOUT_INSIDE = "/checkout"
ALIAS_BIN_INSIDE = "/opt/grader/bin"
INNER_UID = 1000
SANDBOX_UID = 0x7000_0000
"""When grader runs as root, sandboxes run as this otherwise unused uid (so rlimits apply)."""

GENERATED_ETC = {
    "passwd": "root:x:0:0:root:/tmp:/bin/sh\n"
    f"student:x:{INNER_UID}:{INNER_UID}:student:/tmp:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n",
    "group": f"root:x:0:\nstudent:x:{INNER_UID}:\nnogroup:x:65534:\n",
    "hosts": "127.0.0.1 localhost sandbox\n::1 localhost\n",
    "hostname": "sandbox\n",
    "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
}
HOST_ETC = (
    "alternatives",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "timezone",
    "os-release",
    "debian_version",
    "mime.types",
)
HOST_ETC_PREFIXES = ("python3",)
HOST_ETC_DIR = Path("/etc")


@dataclass(frozen=True)
class RunFolder:
    path: Path
    checkout: Path
    etc: Path
    alias_bin: Path | None
    host_etc: tuple[str, ...]
    """The host /etc entries shown inside, each over a placeholder in ``etc``."""
    owner: int | None
    """The uid the sandbox runs as on the host (None: grader's own)."""


def sandbox_owner(kind: str) -> int | None:
    """The host uid a run's processes get: SANDBOX_UID when grader is root, else grader's own.

    As any other uid than root, the kernel applies the processes limit (it exempts root).
    Unsandboxed runs keep grader's uid: without a mount namespace they need grader's paths.
    """
    if os.geteuid() != 0 or kind == "trusted":
        return None
    return SANDBOX_UID


def open_to_others(path: Path) -> bool:
    """Every folder on the way to ``path`` is searchable, and ``path`` readable, by any user."""
    try:
        if not path.stat().st_mode & stat.S_IROTH:
            return False
        return all(parent.stat().st_mode & stat.S_IXOTH for parent in path.parents)
    except OSError:
        return False


def host_etc_entries() -> tuple[str, ...]:
    names = [name for name in HOST_ETC if (HOST_ETC_DIR / name).exists()]
    with contextlib.suppress(OSError):
        names += sorted(p.name for p in HOST_ETC_DIR.iterdir() if p.name.startswith(HOST_ETC_PREFIXES))
    return tuple(names)


@contextlib.contextmanager
def run_folder(checkout: Path, *, python_alias: Path | None, owner: int | None) -> Iterator[RunFolder]:
    """A fresh private folder holding a copy of ``checkout``; removed when the block ends."""
    path = Path(tempfile.mkdtemp(prefix="grader-run-", dir=_parent(owner)))
    try:
        if owner is not None:
            os.chown(path, owner, owner)
        copy = path / "checkout"
        copy.mkdir(mode=0o755)
        if owner is not None:
            os.chown(copy, owner, owner)
        copy_checkout(checkout, copy, owner=owner)
        etc, names = _etc(path / "etc")
        yield RunFolder(path, copy, etc, _alias(path / "bin", python_alias), names, owner)
    finally:
        remove_folder(path)


def _parent(owner: int | None) -> str | None:
    """The system's temporary folder; /tmp when the sandbox's uid could not reach that one."""
    default = Path(tempfile.gettempdir())
    if owner is None or open_to_others(default):
        return None
    return "/tmp"  # noqa: S108 - sticky and open to all; the run's folder itself is private


def _etc(etc: Path) -> tuple[Path, tuple[str, ...]]:
    etc.mkdir(mode=0o755)
    for name, text in GENERATED_ETC.items():
        (etc / name).write_text(text, encoding="utf-8")
        (etc / name).chmod(0o644)
    names = host_etc_entries()
    for name in names:
        if (HOST_ETC_DIR / name).is_dir():
            (etc / name).mkdir(mode=0o755)
        else:
            (etc / name).touch(mode=0o644)
    return etc, names


def _alias(bin_dir: Path, python: Path | None) -> Path | None:
    if python is None:
        return None
    bin_dir.mkdir(mode=0o755)
    for name in ("python", "python3"):
        (bin_dir / name).symlink_to(python)
    return bin_dir


def remove_folder(path: Path) -> None:
    """Remove a run's folder, even where the program took away its own permissions."""

    def unlock(_function: object, failed: str, _error: object) -> None:
        with contextlib.suppress(OSError):
            Path(failed).parent.chmod(0o700)
            if Path(failed).is_dir() and not Path(failed).is_symlink():
                Path(failed).chmod(0o700)
                shutil.rmtree(failed, ignore_errors=True)
            else:
                Path(failed).unlink()

    shutil.rmtree(path, onerror=unlock)

"""The bwrap command line of one run (argument lists only)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from grader.sandbox.layout import ALIAS_BIN_INSIDE, CHECKOUT_INSIDE, INNER_UID, RunFolder
from grader.sandbox.policy import SandboxPolicy

SYSTEM_ROOTS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
DEVICES = ("null", "zero", "full", "random", "urandom")
DEVICE_LINKS: tuple[tuple[str, str], ...] = (
    ("/proc/self/fd", "fd"),
    ("/proc/self/fd/0", "stdin"),
    ("/proc/self/fd/1", "stdout"),
    ("/proc/self/fd/2", "stderr"),
)
PRIVATE_TMPFS = ("/tmp", "/dev/shm")  # noqa: S108 - fresh, size-capped tmpfs inside the sandbox


def system_mounts() -> list[tuple[str, str]]:
    """(kind, path) of the host's system folders: ``link`` to copy as a link, ``dir`` to show."""
    found: list[tuple[str, str]] = []
    for path in SYSTEM_ROOTS:
        if Path(path).is_symlink():
            found.append(("link", path))
        elif Path(path).is_dir():
            found.append(("dir", path))
    return found


def bwrap_argv(
    bwrap: str,
    folder: RunFolder,
    policy: SandboxPolicy,
    env: Mapping[str, str],
    command: Sequence[str],
    tmp_bytes: int,
    views: Mapping[Path, Path],
) -> list[str]:
    """``views``: where to bind a policy path from, when not from itself (see views.py)."""
    argv = [bwrap, "--unshare-all", "--unshare-user", "--disable-userns"]
    argv += ["--uid", str(INNER_UID), "--gid", str(INNER_UID), "--hostname", "sandbox"]
    argv += ["--die-with-parent", "--new-session", "--clearenv"]
    for name, value in env.items():
        argv += ["--setenv", name, value]
    for kind, path in system_mounts():
        argv += (
            ["--symlink", str(Path(path).readlink()), path] if kind == "link" else ["--ro-bind", path, path]
        )
    argv += ["--ro-bind", str(folder.etc), "/etc"]
    for name in folder.host_etc:
        argv += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    argv += ["--proc", "/proc", "--tmpfs", "/dev"]
    for device in DEVICES:
        argv += ["--dev-bind", f"/dev/{device}", f"/dev/{device}"]
    for target, name in DEVICE_LINKS:
        argv += ["--symlink", target, f"/dev/{name}"]
    for private in PRIVATE_TMPFS:
        argv += ["--size", str(tmp_bytes), "--tmpfs", private]
    if folder.alias_bin is not None:
        argv += ["--ro-bind", str(folder.alias_bin), ALIAS_BIN_INSIDE]
    for shown in policy.readonly_paths:
        argv += ["--ro-bind", str(views.get(shown, shown)), str(shown)]
    argv += ["--bind", str(folder.checkout), CHECKOUT_INSIDE, "--chdir", CHECKOUT_INSIDE]
    argv += ["--remount-ro", "/", "--", *command]
    return argv

"""Which folders a sandboxed check may be shown read-only: never the course's .grader/ (the
gradebook and keys), a home folder or its secrets, the whole file system, or what the sandbox
makes anew. One rule for `grader check` (course.yaml checks:) and for the sandbox's policy.

Pure: paths in (already resolved by the caller), the reason out.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

HOME_SECRETS = (
    ".ssh",
    ".gnupg",
    ".aws",
    ".azure",
    ".kube",
    ".docker",
    ".config",
    ".netrc",
    ".git-credentials",
    ".pgpass",
    ".password-store",
    ".local/share/keyrings",
)
SYSTEM_SECRETS = ("/etc/shadow", "/etc/gshadow", "/etc/ssh", "/etc/sudoers", "/etc/ssl/private")
HOST_ONLY = ("/proc", "/sys", "/dev", "/run")


def secret_paths(course_root: Path, homes: Sequence[Path]) -> tuple[Path, ...]:
    """What no read-only path may contain or lie inside."""
    secrets = [course_root / ".grader", *(Path(p) for p in SYSTEM_SECRETS)]
    secrets += [home / name for home in homes for name in HOME_SECRETS]
    return tuple(secrets)


def exposure_problem(path: Path, course_root: Path, homes: Sequence[Path]) -> str:
    """Why ``path`` must not be shown to the checks, or "" when it may (all paths resolved)."""
    if path == Path(path.anchor):
        return "it is the whole file system"
    for home in homes:
        if home.is_relative_to(path):
            return f"it holds the home folder {home}"
    if course_root.is_relative_to(path):
        return f"it holds the course folder {course_root} (and its gradebook and keys)"
    for secret in secret_paths(course_root, homes):
        if secret.is_relative_to(path):
            return f"it holds {secret}"
        if path.is_relative_to(secret):
            return f"it is inside {secret}"
    for host_only in HOST_ONLY:
        if path.is_relative_to(host_only):
            return f"it is inside {host_only}, which the sandbox makes anew"
    return ""

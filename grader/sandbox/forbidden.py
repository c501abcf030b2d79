"""Paths a run must never see: the course's .grader/, the home folder, keys and other secrets."""

from __future__ import annotations

import contextlib
import os
import pwd
from pathlib import Path

from grader.domain.errors import GraderError
from grader.domain.exposure import HOME_SECRETS, HOST_ONLY, SYSTEM_SECRETS


def home_folders() -> tuple[Path, ...]:
    """The home folder by $HOME and by the user database (they differ under a test's HOME)."""
    found = {Path.home().resolve()}
    with contextlib.suppress(KeyError):
        found.add(Path(pwd.getpwuid(os.getuid()).pw_dir).resolve())
    return tuple(sorted(found))


def secret_paths(course_root: Path) -> tuple[Path, ...]:
    """What no read-only path may contain or lie inside."""
    homes = home_folders()
    secrets = [course_root / ".grader", *(Path(p) for p in SYSTEM_SECRETS)]
    secrets += [home / name for home in homes for name in HOME_SECRETS]
    return tuple(secrets)


def refuse_secret(path: Path, course_root: Path, origin: str) -> None:
    """Raise when ``path`` (resolved) would show a secret inside the sandbox; say why and what to do."""
    problem = _problem(path, course_root)
    if problem:
        raise GraderError(
            f"{origin}: refused to show {path} to the checks: {problem}; "
            "list only the folders the checks need (for example a virtual environment), "
            "outside the course's .grader/ and your home folder's secrets"
        )


def _problem(path: Path, course_root: Path) -> str:
    if path == Path(path.anchor):
        return "it is the whole file system"
    for home in home_folders():
        if home.is_relative_to(path):
            return f"it holds the home folder {home}"
    if course_root.is_relative_to(path):
        return f"it holds the course folder {course_root} (and its gradebook and keys)"
    for secret in secret_paths(course_root):
        if secret.is_relative_to(path):
            return f"it holds {secret}"
        if path.is_relative_to(secret):
            return f"it is inside {secret}"
    for host_only in HOST_ONLY:
        if path.is_relative_to(host_only):
            return f"it is inside {host_only}, which the sandbox makes anew"
    return ""

"""Paths a run must never see: the course's .grader/, the home folder, keys and other secrets."""

from __future__ import annotations

import contextlib
import os
import pwd
from pathlib import Path

from grader.domain.errors import GraderError
from grader.domain.exposure import exposure_problem


def home_folders() -> tuple[Path, ...]:
    """The home folder by $HOME and by the user database (they differ under a test's HOME)."""
    found = {Path.home().resolve()}
    with contextlib.suppress(KeyError):
        found.add(Path(pwd.getpwuid(os.getuid()).pw_dir).resolve())
    return tuple(sorted(found))


def refuse_secret(path: Path, course_root: Path, origin: str) -> None:
    """Raise when ``path`` (resolved) would show a secret inside the sandbox; say why and what to do."""
    problem = exposure_problem(path, course_root, home_folders())
    if problem:
        raise GraderError(
            f"{origin}: refused to show {path} to the checks: {problem}; "
            "list only the folders the checks need (for example a virtual environment), "
            "outside the course's .grader/ and your home folder's secrets"
        )

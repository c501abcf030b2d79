"""The grader's own git identity (user.name), read from the user's global git config only."""

from __future__ import annotations

import os
from pathlib import Path

from grader.domain.errors import GraderError
from grader.git.env import run_git


def git_user_name() -> str | None:
    """git's user.name from the user's global config, or None when unset or unreadable."""
    home = os.environ.get("HOME")
    if not home:
        return None
    config = Path(home) / ".gitconfig"
    if not config.is_file():
        return None
    try:
        done = run_git(
            ["config", "--file", str(config), "--get", "user.name"], cwd="/", timeout=5, check=False
        )
    except GraderError:
        return None
    name = done.stdout.decode("utf-8", "replace").strip()
    return name or None

"""The only place that runs git: isolated, hardened, always under a timeout.

Import from the modules: ``sources`` (URLs), ``sync`` (mirrors and history), ``tree`` and
``checkout`` (limits, then files), ``worktree`` (reading a checkout), ``commit`` (feedback).
"""

from grader.git.env import (
    SAFE_CONFIG,
    GitFailed,
    GitMissing,
    GitStopped,
    GitTimeout,
    git_env,
    run_git,
    safe_config,
)

__all__ = [
    "SAFE_CONFIG",
    "GitFailed",
    "GitMissing",
    "GitStopped",
    "GitTimeout",
    "git_env",
    "run_git",
    "safe_config",
]

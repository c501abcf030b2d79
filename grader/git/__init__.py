"""The only place that runs git: isolated, hardened, always under a timeout.

Import from the modules: ``sources`` (URLs), ``sync`` (mirrors, by plain git: fetch and clone
must be timed out and size-watched), ``objects`` (GitPython, isolated, for reading commits,
trees and blobs), ``history``, ``tree`` and ``diff`` (reads through ``objects``), ``checkout``
(limits, then files), ``worktree`` (reading a checkout), ``commit`` (feedback).
"""

import os

# GitPython looks for git when imported; without git it must not stop grader from starting
# (commands that need git say so with GitMissing).
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")


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

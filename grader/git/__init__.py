"""The only place that runs git: isolated, hardened, always under a timeout."""

from grader.git.env import (
    SAFE_CONFIG,
    GitFailed,
    GitMissing,
    GitTimeout,
    git_env,
    run_git,
    safe_config,
)

__all__ = [
    "SAFE_CONFIG",
    "GitFailed",
    "GitMissing",
    "GitTimeout",
    "git_env",
    "run_git",
    "safe_config",
]

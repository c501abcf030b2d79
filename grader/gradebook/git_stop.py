"""Stop every git process still running (Ctrl-C, a closed pull screen), for the front ends."""

from __future__ import annotations

from grader.git.env import stop_all_git


def stop_git() -> int:
    """Kill every git process this program started that still runs, reads included; how many."""
    return stop_all_git()

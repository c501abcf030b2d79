"""Which commit is graded, and how late it was: resolved from observations and history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from grader.domain.course import LatePolicy
from grader.domain.scoring import minutes_late

DATED_BY_COMMIT_TIME = "dated by commit time"
HISTORY_REWRITTEN = "history rewritten"
BEFORE_DEADLINE = "before deadline"
EMPTY_REPOSITORY = "empty repository"


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    committed_at: datetime
    parents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Observation:
    """What one pull saw of a student's repository."""

    observed_at: datetime
    result: str
    """cloned, updated, unchanged, missing, refused or failed."""
    reason: str = ""
    ref: str | None = None
    sha: str | None = None


@dataclass(frozen=True)
class GradedCommit:
    sha: str | None
    late_minutes: int | None
    flags: tuple[str, ...] = ()


def effective_deadline(deadline: datetime, extended_until: datetime | None) -> datetime:
    return max(deadline, extended_until) if extended_until else deadline


def _first_parent_chain(head: str, history: Mapping[str, CommitInfo]) -> list[CommitInfo]:
    chain: list[CommitInfo] = []
    seen: set[str] = set()
    sha: str | None = head
    while sha is not None and sha in history and sha not in seen:
        seen.add(sha)
        commit = history[sha]
        chain.append(commit)
        sha = commit.parents[0] if commit.parents else None
    return chain


def is_ancestor(ancestor: str, descendant: str, history: Mapping[str, CommitInfo]) -> bool:
    """Whether ``ancestor`` is reachable from ``descendant`` in ``history`` (any parent)."""
    stack, seen = [descendant], set()
    while stack:
        sha = stack.pop()
        if sha == ancestor:
            return True
        if sha in seen or sha not in history:
            continue
        seen.add(sha)
        stack.extend(history[sha].parents)
    return False


def rewritten(observations: Sequence[Observation], history: Mapping[str, CommitInfo]) -> bool:
    """A previously observed head that is no longer in the history of a later one."""
    heads = [o.sha for o in observations if o.sha]
    return any(old != new and not is_ancestor(old, new, history) for old, new in pairwise(heads))


def resolve_graded_commit(
    deadline: datetime,
    policy: LatePolicy,
    observations: Sequence[Observation],
    history: Mapping[str, CommitInfo],
    extended_until: datetime | None = None,
) -> GradedCommit:
    """The graded commit, per product rules, from observations (oldest first) and commit history.

    The head seen by the first pull at or after the (extended) deadline is graded when that pull
    came within the grace period or the same head was seen on time; otherwise the newest commit
    of its first-parent line dated within the deadline and grace is graded, flagged "dated by
    commit time" (unless it is a head observed on time); when every commit is later, the head is
    graded late. A head observed on time that a later history dropped (a force-push) is graded
    itself: it is the proof of what was there at the deadline.
    """
    due = effective_deadline(deadline, extended_until)
    cutoff = due + timedelta(minutes=policy.grace_minutes)
    flags: list[str] = [HISTORY_REWRITTEN] if rewritten(observations, history) else []
    seen = [o for o in observations if o.sha]
    if not seen:
        empty = any(o.result in ("cloned", "updated", "unchanged") for o in observations)
        return GradedCommit(None, None, (EMPTY_REPOSITORY,) if empty else ())
    on_time_heads = {o.sha for o in seen if o.observed_at <= due}
    after = next((o for o in seen if o.observed_at >= due), None)
    if after is None:
        return GradedCommit(seen[-1].sha, 0, (*flags, BEFORE_DEADLINE))
    head = after.sha
    assert head is not None
    if after.observed_at <= cutoff or head in on_time_heads:
        return GradedCommit(head, 0, tuple(flags))
    chain = _first_parent_chain(head, history)
    last_on_time = next((o.sha for o in reversed(seen) if o.observed_at <= due), None)
    if last_on_time in history and all(c.sha != last_on_time for c in chain):
        return GradedCommit(last_on_time, 0, tuple(flags))
    for commit in chain:
        if commit.committed_at <= cutoff:
            if commit.sha not in on_time_heads:
                flags.append(DATED_BY_COMMIT_TIME)
            return GradedCommit(commit.sha, minutes_late(commit.committed_at, due), tuple(flags))
    newest = history.get(head)
    moment = min(newest.committed_at, after.observed_at) if newest else after.observed_at
    return GradedCommit(head, minutes_late(moment, due), tuple(flags))

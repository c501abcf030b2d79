"""Which commit is graded, and how late it was: resolved from observations and history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from grader.domain.course import LatePolicy
from grader.domain.lateness import late_text
from grader.domain.scoring import minutes_late

DATED_BY_COMMIT_TIME = "dated by commit time"
"""A pull flag: the graded commit's lateness comes from its commit date (no pull saw it in time)."""
DATED_BY_PULL_TIME = "dated by pull time"
"""The other basis: the graded commit is dated by the pull that first saw it."""
HISTORY_REWRITTEN = "history rewritten"
BEFORE_DEADLINE = "provisional: last pulled before the deadline (and grace) ended"
EMPTY_REPOSITORY = "empty repository"
EMPTIED = "branch emptied after the deadline: the commit seen in time is graded"


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


def dated_by(flags: Sequence[str], graded_commit: str | None) -> str:
    """What the graded commit's lateness is measured from (a basis, not a warning): "dated by
    commit time" or "dated by pull time"; "" without a graded commit."""
    if graded_commit is None:
        return ""
    return DATED_BY_COMMIT_TIME if DATED_BY_COMMIT_TIME in flags else DATED_BY_PULL_TIME


def graded_commit_words(sha: str, late_minutes: int | None, flags: Sequence[str]) -> str:
    """How a pull names what it will grade: "graded commit c7ca76c12d, 20h 19m late, dated by
    commit time" (a commit, not a grade)."""
    words = [f"graded commit {sha[:10]}"]
    if late_minutes:
        words.append(late_text(late_minutes))
    return ", ".join([*words, dated_by(flags, sha)])


def attention_flags(flags: Sequence[str]) -> tuple[str, ...]:
    """A pull's flags without the basis ones: what needs a grader's attention."""
    return tuple(flag for flag in flags if flag != DATED_BY_COMMIT_TIME)


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


SUCCESSFUL = frozenset({"cloned", "updated", "unchanged"})


def resolve_graded_commit(
    deadline: datetime,
    policy: LatePolicy,
    observations: Sequence[Observation],
    history: Mapping[str, CommitInfo],
    extended_until: datetime | None = None,
) -> GradedCommit:
    """The graded commit, per product rules, from observations (oldest first) and commit history.

    The decisive pull is the first successful one at or after the (extended) deadline plus
    grace. Its head is graded when it was already seen by then. Otherwise the newest commit of
    its first-parent line dated within the deadline and grace is graded, flagged "dated by
    commit time"; when every commit is later, the head is graded late. A head seen in time that
    the decisive history dropped (a force-push) stays graded unless the new history has a commit
    dated after that sighting and still in time. An empty repository at the decisive pull makes
    anything pushed later late from the moment it was first seen.
    """
    due = effective_deadline(deadline, extended_until)
    cutoff = due + timedelta(minutes=policy.grace_minutes)
    flags: list[str] = [HISTORY_REWRITTEN] if rewritten(observations, history) else []
    seen = [o for o in observations if o.sha]
    first_seen: dict[str, datetime] = {}
    for o in seen:
        assert o.sha is not None
        first_seen.setdefault(o.sha, o.observed_at)
    if not seen:
        empty = any(o.result in SUCCESSFUL for o in observations)
        return GradedCommit(None, None, (EMPTY_REPOSITORY,) if empty else ())
    in_time = {sha for sha, moment in first_seen.items() if moment <= cutoff}
    decisive = next((o for o in observations if o.observed_at >= cutoff and o.result in SUCCESSFUL), None)
    if decisive is None:
        last = seen[-1].sha
        assert last is not None
        pending = () if any(o.observed_at >= cutoff for o in observations) else (BEFORE_DEADLINE,)
        return GradedCommit(last, minutes_late(first_seen[last], due), (*flags, *pending))
    proof = next((o for o in reversed(seen) if o.observed_at <= cutoff), None)
    if decisive.sha is None and proof is not None and proof.sha is not None:
        return GradedCommit(proof.sha, minutes_late(first_seen[proof.sha], due), (*flags, EMPTIED))
    if decisive.sha is None:
        later = next((o.sha for o in seen if o.observed_at > decisive.observed_at), None)
        if later is None:
            return GradedCommit(None, None, (EMPTY_REPOSITORY,))
        return GradedCommit(later, minutes_late(first_seen[later], due), tuple(flags))
    head = decisive.sha
    if head in in_time:
        return GradedCommit(head, minutes_late(first_seen[head], due), tuple(flags))
    chain = _first_parent_chain(head, history)
    candidate = next((c for c in chain if c.committed_at <= cutoff), None)
    dropped = proof is not None and proof.sha is not None and all(c.sha != proof.sha for c in chain)
    if dropped and proof and proof.sha and (candidate is None or candidate.committed_at <= proof.observed_at):
        return GradedCommit(proof.sha, minutes_late(first_seen[proof.sha], due), tuple(flags))
    if candidate is not None:
        if candidate.sha not in in_time:
            flags.append(DATED_BY_COMMIT_TIME)
        return GradedCommit(candidate.sha, minutes_late(candidate.committed_at, due), tuple(flags))
    newest = history.get(head)
    if newest is not None and newest.committed_at < decisive.observed_at:
        flags.append(DATED_BY_COMMIT_TIME)
        return GradedCommit(head, minutes_late(newest.committed_at, due), tuple(flags))
    return GradedCommit(head, minutes_late(decisive.observed_at, due), tuple(flags))

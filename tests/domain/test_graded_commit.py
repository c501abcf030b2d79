from __future__ import annotations

from datetime import UTC, datetime, timedelta

from grader.domain.course import LatePolicy
from grader.domain.submission import (
    BEFORE_DEADLINE,
    DATED_BY_COMMIT_TIME,
    EMPTIED,
    EMPTY_REPOSITORY,
    HISTORY_REWRITTEN,
    CommitInfo,
    Observation,
    resolve_graded_commit,
)

DUE = datetime(2026, 10, 1, 23, 59, tzinfo=UTC)
POLICY = LatePolicy(grace_minutes=15)
H = timedelta(hours=1)


def line(*offsets: timedelta) -> dict[str, CommitInfo]:
    """A straight history c0 <- c1 <- … with committer dates at DUE + offset."""
    history: dict[str, CommitInfo] = {}
    for index, offset in enumerate(offsets):
        parents = (f"c{index - 1}",) if index else ()
        history[f"c{index}"] = CommitInfo(f"c{index}", DUE + offset, parents)
    return history


def seen(at: timedelta, sha: str | None, result: str = "updated") -> Observation:
    return Observation(DUE + at, result, "", "refs/heads/main", sha)


def test_a_head_seen_within_grace_is_graded_as_observed() -> None:
    history = line(-48 * H, timedelta(minutes=5))
    observations = [seen(timedelta(minutes=10), "c1"), seen(24 * H, "c1", "unchanged")]
    graded = resolve_graded_commit(DUE, POLICY, observations, history)
    assert (graded.sha, graded.late_minutes, graded.flags) == ("c1", 10, ())
    provisional = resolve_graded_commit(DUE, POLICY, observations[:1], history)
    assert (provisional.sha, provisional.flags) == ("c1", (BEFORE_DEADLINE,))


def test_a_late_pull_grades_the_newest_commit_dated_in_time_and_says_so() -> None:
    history = line(-48 * H, -2 * H, 30 * H)
    graded = resolve_graded_commit(DUE, POLICY, [seen(72 * H, "c2")], history)
    assert (graded.sha, graded.late_minutes, graded.flags) == ("c1", 0, (DATED_BY_COMMIT_TIME,))


def test_a_head_seen_before_the_deadline_needs_no_commit_time() -> None:
    history = line(-48 * H, -2 * H, 30 * H)
    observations = [seen(-H, "c1"), seen(72 * H, "c2")]
    graded = resolve_graded_commit(DUE, POLICY, observations, history)
    assert (graded.sha, graded.late_minutes, graded.flags) == ("c1", 0, ())


def test_late_work_is_graded_at_the_head_with_minutes_late() -> None:
    history = line(3 * H, 26 * H)
    graded = resolve_graded_commit(DUE, POLICY, [seen(72 * H, "c1")], history)
    assert (graded.sha, graded.late_minutes, graded.flags) == ("c1", 26 * 60, (DATED_BY_COMMIT_TIME,))
    unknown = resolve_graded_commit(DUE, POLICY, [seen(72 * H, "c1")], {})
    assert (unknown.sha, unknown.late_minutes, unknown.flags) == ("c1", 72 * 60, ())


def test_a_branch_emptied_after_an_in_time_sighting_keeps_that_commit() -> None:
    observations = [seen(-H, "c0"), seen(24 * H, None, "updated")]
    graded = resolve_graded_commit(DUE, POLICY, observations, line(-2 * H))
    assert (graded.sha, graded.late_minutes, graded.flags) == ("c0", 0, (EMPTIED,))


def test_commits_within_grace_count_as_in_time_but_keep_their_minutes() -> None:
    history = line(-H, timedelta(minutes=10))
    graded = resolve_graded_commit(DUE, POLICY, [seen(5 * H, "c1")], history)
    assert (graded.sha, graded.late_minutes) == ("c1", 10)


def test_an_extension_moves_the_deadline() -> None:
    history = line(-H, 20 * H)
    graded = resolve_graded_commit(DUE, POLICY, [seen(72 * H, "c1")], history, DUE + 24 * H)
    assert (graded.sha, graded.late_minutes, graded.flags) == ("c1", 0, (DATED_BY_COMMIT_TIME,))


def test_a_force_push_after_an_observation_is_flagged() -> None:
    history = line(-48 * H, -2 * H)
    history["x1"] = CommitInfo("x1", DUE - 3 * H, ("c0",))
    observations = [seen(-H, "c1"), seen(72 * H, "x1")]
    graded = resolve_graded_commit(DUE, POLICY, observations, history)
    assert graded.flags == (HISTORY_REWRITTEN,)
    assert (graded.sha, graded.late_minutes) == ("c1", 0)


def test_before_the_deadline_the_latest_head_is_provisional() -> None:
    graded = resolve_graded_commit(DUE, POLICY, [seen(-H, "c0")], line(-2 * H))
    assert (graded.sha, graded.flags) == ("c0", (BEFORE_DEADLINE,))


def test_empty_and_missing_repositories_have_no_commit() -> None:
    empty = resolve_graded_commit(DUE, POLICY, [seen(H, None, "cloned")], {})
    missing = resolve_graded_commit(DUE, POLICY, [seen(H, None, "missing")], {})
    assert (empty.sha, empty.flags) == (None, (EMPTY_REPOSITORY,))
    assert (missing.sha, missing.flags) == (None, ())


def test_a_pull_inside_the_grace_period_does_not_lock_in_its_head() -> None:
    history = line(-H, timedelta(minutes=5), timedelta(minutes=10))
    observations = [seen(timedelta(minutes=6), "c1"), seen(24 * H, "c2")]
    graded = resolve_graded_commit(DUE, POLICY, observations, history)
    assert (graded.sha, graded.late_minutes) == ("c2", 10)


def test_an_empty_repository_at_the_deadline_makes_later_pushes_late_whatever_their_dates() -> None:
    history = {"c0": CommitInfo("c0", DUE - 24 * H)}
    observations = [seen(H, None, "cloned"), seen(72 * H, "c0")]
    graded = resolve_graded_commit(DUE, POLICY, observations, history)
    assert (graded.sha, graded.late_minutes) == ("c0", 72 * 60)


def test_an_honest_rewrite_before_the_deadline_keeps_the_final_work() -> None:
    history = line(-72 * H)
    history["c1b"] = CommitInfo("c1b", DUE - 24 * H, ("c0",))
    history["c1"] = CommitInfo("c1", DUE - 60 * H, ("c0",))
    observations = [seen(-48 * H, "c1"), seen(24 * H, "c1b")]
    graded = resolve_graded_commit(DUE, POLICY, observations, history)
    assert graded.sha == "c1b"
    assert graded.flags == (HISTORY_REWRITTEN, DATED_BY_COMMIT_TIME)


def test_a_failed_pull_after_the_deadline_decides_nothing() -> None:
    observations = [seen(-H, "c0"), seen(2 * H, None, "failed")]
    graded = resolve_graded_commit(DUE, POLICY, observations, line(-2 * H))
    assert (graded.sha, graded.late_minutes, graded.flags) == ("c0", 0, ())

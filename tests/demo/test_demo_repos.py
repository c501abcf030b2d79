"""Every case in the manifest exists, and each repository really has that shape (real git)."""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from demo_helpers import git

from grader.demo.cases import LATE_CASES, Case
from grader.demo.projects.common import LONG_NAME

DAY = 24 * 60


def deadlines(course: Path) -> dict[str, datetime]:
    data = yaml.safe_load((course / "course.yaml").read_text(encoding="utf-8"))
    return {a["id"]: a["deadline"] for a in data["assignments"]}


def max_days(course: Path) -> dict[str, int]:
    data = yaml.safe_load((course / "course.yaml").read_text(encoding="utf-8"))
    return {a["id"]: a["late"]["max_days"] for a in data["assignments"]}


def history(repo: Path) -> list[tuple[str, int]]:
    """(sha, committer epoch) of main's first-parent history, oldest first."""
    lines = git(repo, "log", "--first-parent", "--format=%H %ct", "main").split("\n")
    return [(sha, int(ct)) for sha, ct in (line.split() for line in reversed(lines) if line)]


def late_minutes(epoch: int, deadline: datetime) -> int:
    return max(0, math.ceil((epoch - deadline.timestamp()) / 60))


def test_every_submission_is_in_the_manifest(manifest: dict[str, Any]) -> None:
    pairs = {(s["assignment"], s["student_id"]) for s in manifest["submissions"]}
    assert len(pairs) == len(manifest["submissions"]) == 3 * 36
    assert manifest["students"] == 36 and manifest["repos"] is True


def test_every_assignment_shows_every_case(manifest: dict[str, Any]) -> None:
    for assignment in ("a1-calculator", "a2-webpage", "a3-dataanalysis"):
        seen = {s["case"] for s in manifest["submissions"] if s["assignment"] == assignment}
        assert seen == {case.value for case in Case}, assignment


def test_missing_repositories_do_not_exist(demo_course: Path, manifest: dict[str, Any]) -> None:
    missing = [s for s in manifest["submissions"] if s["case"] == Case.MISSING]
    assert missing
    for entry in missing:
        assert entry["repo"] is None and entry["head"] is None
        assert not (demo_course / "remotes" / entry["assignment"] / f"{entry['github']}.git").exists()


def test_empty_repositories_have_no_refs(demo_course: Path, manifest: dict[str, Any]) -> None:
    empty = [s for s in manifest["submissions"] if s["case"] == Case.EMPTY]
    assert empty
    for entry in empty:
        repo = demo_course / entry["repo"]
        assert repo.is_dir()
        assert git(repo, "for-each-ref") == ""
        assert git(repo, "rev-parse", "--verify", "--quiet", "main", check=False) == ""


def test_histories_match_the_manifest(demo_course: Path, manifest: dict[str, Any]) -> None:
    due = deadlines(demo_course)
    checked = 0
    for entry in manifest["submissions"]:
        if entry["repo"] is None or entry["case"] == Case.EMPTY:
            continue
        checked += 1
        repo = demo_course / entry["repo"]
        commits = history(repo)
        shas = [sha for sha, _ in commits]
        dates = dict(commits)
        assert shas == entry["commits"], entry["repo"]
        assert shas[-1] == entry["head"] == git(repo, "rev-parse", "main").strip()
        graded = entry["graded_commit"]
        assert late_minutes(dates[graded], due[entry["assignment"]]) == entry["late_minutes"]
    assert checked > len(manifest["submissions"]) // 2, "most submissions have a history"


@pytest.mark.parametrize("case", sorted(LATE_CASES))
def test_late_cases_are_late_by_their_kind(demo_course: Path, manifest: dict[str, Any], case: Case) -> None:
    due = deadlines(demo_course)
    limits = max_days(demo_course)
    entries = [s for s in manifest["submissions"] if s["case"] == case]
    assert entries
    for entry in entries:
        commits = history(demo_course / entry["repo"])
        deadline = due[entry["assignment"]].timestamp()
        assert commits and all(epoch > deadline for _, epoch in commits), "every commit is after the deadline"
        assert entry["graded_commit"] == entry["head"]
        minutes = entry["late_minutes"]
        bounds = {
            Case.LATE_IN_GRACE: (1, 15),
            Case.LATE_MINUTES: (16, 60),
            Case.LATE_1_DAY: (61, DAY),
            Case.LATE_2_DAYS: (DAY + 1, 2 * DAY),
            Case.LATE_BEYOND_MAX: (limits[entry["assignment"]] * DAY + 1, 10 * DAY),
        }[case]
        assert bounds[0] <= minutes <= bounds[1], (entry["repo"], minutes)


def test_on_time_submissions_are_graded_at_their_head(demo_course: Path, manifest: dict[str, Any]) -> None:
    due = deadlines(demo_course)
    entries = [s for s in manifest["submissions"] if s["case"] in (Case.ON_TIME, Case.ODD_NAMES)]
    assert {entry["case"] for entry in entries} == {Case.ON_TIME, Case.ODD_NAMES}
    for entry in entries:
        commits = history(demo_course / entry["repo"])
        assert len(commits) >= 3, "several commits"
        assert commits[-1][1] <= due[entry["assignment"]].timestamp()
        assert commits[-1][1] - commits[0][1] >= DAY * 60, "spread over days"
        assert entry["graded_commit"] == entry["head"] and entry["late_minutes"] == 0


def test_commits_after_the_deadline_are_not_graded(demo_course: Path, manifest: dict[str, Any]) -> None:
    due = deadlines(demo_course)
    entries = [s for s in manifest["submissions"] if s["case"] == Case.KEPT_COMMITTING]
    assert entries
    for entry in entries:
        commits = dict(history(demo_course / entry["repo"]))
        deadline = due[entry["assignment"]].timestamp()
        assert commits[entry["head"]] > deadline
        assert commits[entry["graded_commit"]] <= deadline
        assert entry["late_minutes"] == 0


def test_force_pushed_head_is_gone_from_the_history(demo_course: Path, manifest: dict[str, Any]) -> None:
    due = deadlines(demo_course)
    entries = [s for s in manifest["submissions"] if s["case"] == Case.FORCE_PUSHED]
    assert entries
    for entry in entries:
        repo = demo_course / entry["repo"]
        old = entry["rewritten_from"]
        assert old and old != entry["head"]
        assert git(repo, "cat-file", "-t", old).strip() == "commit", "old head still stored"
        ancestor = git(repo, "merge-base", "--is-ancestor", old, "main", check=False)
        assert ancestor == ""
        assert old not in git(repo, "rev-list", "main")
        commits = dict(history(repo))
        assert commits[entry["head"]] > due[entry["assignment"]].timestamp()
        assert entry["graded_commit"] in commits and entry["late_minutes"] == 0
    others = [s for s in manifest["submissions"] if s["case"] != Case.FORCE_PUSHED]
    assert others and all(s["rewritten_from"] is None for s in others)


def test_odd_file_names_are_committed(demo_course: Path, manifest: dict[str, Any]) -> None:
    entries = [s for s in manifest["submissions"] if s["case"] == Case.ODD_NAMES]
    assert entries
    for entry in entries:
        names = git(demo_course / entry["repo"], "ls-tree", "-r", "-z", "--name-only", "main")
        listed = set(names.split("\0"))
        assert "-old-version.txt" in listed
        assert "notes for the TA (draft 2).txt" in listed
        assert "数据/说明.txt" in listed
        assert LONG_NAME in listed and 200 < len(LONG_NAME.encode()) < 256


def test_commits_carry_real_identities_and_zones(demo_course: Path, manifest: dict[str, Any]) -> None:
    entry = next(s for s in manifest["submissions"] if s["case"] == Case.ON_TIME)
    log = git(demo_course / entry["repo"], "log", "--format=%an|%ae|%ai", "main")
    assert len(log.splitlines()) >= 3
    for line in log.splitlines():
        name, email, date = line.split("|")
        assert name and "@" in email
        assert date[-5] in "+-", "a UTC offset is recorded"

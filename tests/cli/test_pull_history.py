"""Observations over time: a force-push after a pull is flagged, extensions re-resolve, and
pulls of one course reach the audit log and the status."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cli_helpers import run, status_row

from grader.git.fabricate import CommitSpec, Fabricated, Person, Push, fabricate, push
from grader.gradebook.context import open_course
from grader.gradebook.pull import Known, pull_one

ANN = Person("Ann", "ann@example.edu")
STUDENT = "00123"


def commit(message: str, at: datetime, files: dict[str, str]) -> CommitSpec:
    return CommitSpec(message, ANN, at, files)


@pytest.fixture
def local_course(course_dir: Path) -> tuple[Path, datetime]:
    """The test course, its repos local bare repositories under remotes/."""
    course = course_dir / "course.yaml"
    text = course.read_text()
    text = text.replace("https://github.com/cs101-fall26/a1-calculator-{github}", "remotes/{github}.git")
    text = text.replace("allow_local: false", "allow_local: true")
    course.write_text(text)
    deadline = datetime.fromisoformat("2026-10-01T23:59:00-04:00")
    return course_dir, deadline


def on_time_then_late(repo: Path, deadline: datetime, late: timedelta) -> Fabricated:
    """A repository with a commit a day before the deadline and another ``late`` after it."""
    ok = commit("ok", deadline - timedelta(days=1), {"a.py": "1"})
    return fabricate(repo, [Push((ok, commit("late", deadline + late, {"a.py": "2"})))])


def pull_at(course: Path, moment: datetime) -> None:
    with open_course(course, actor="Ada") as ctx:
        assignment = ctx.files.course.assignments[0]
        known = Known(
            ctx.store.observations(assignment.id, STUDENT),
            ctx.store.pull_states(assignment.id, STUDENT).get(STUDENT),
            ctx.store.extensions(assignment.id, STUDENT).get(STUDENT),
        )
        observed, state, _ = pull_one(ctx, assignment, ctx.files.student(STUDENT), known, moment)
        ctx.store.record_pull(observed, state)


def test_a_force_push_after_a_pull_is_flagged_history_rewritten(local_course, capsys) -> None:
    course, deadline = local_course
    repo = course / "remotes" / "zoe-a.git"
    made = fabricate(
        repo,
        [
            Push(
                (
                    commit("start", deadline - timedelta(days=3), {"a.py": "1"}),
                    commit("done", deadline - timedelta(hours=2), {"a.py": "2"}),
                )
            )
        ],
    )
    pull_at(course, deadline - timedelta(hours=1))
    amended = commit("done, really", deadline + timedelta(hours=5), {"a.py": "3"})
    (new_head,) = push(repo, [amended], onto=made.shas[0])
    pull_at(course, deadline + timedelta(days=1))
    row = status_row(capsys, course, STUDENT)
    assert row["flags"] == ["history rewritten"]
    assert row["graded_commit"] == made.shas[1]
    assert row["late_minutes"] == 0
    assert new_head != made.head


def test_an_extension_re_resolves_the_graded_commit_and_is_audited(local_course, capsys) -> None:
    course, deadline = local_course
    repo = course / "remotes" / "zoe-a.git"
    made = fabricate(
        repo,
        [
            Push(
                (
                    commit("start", deadline - timedelta(days=1), {"a.py": "1"}),
                    commit("late fix", deadline + timedelta(hours=20), {"a.py": "2"}),
                )
            )
        ],
    )
    pull_at(course, deadline + timedelta(days=2))
    assert status_row(capsys, course, STUDENT)["graded_commit"] == made.shas[0]
    code, _out, err = run(
        capsys,
        course,
        "extend",
        STUDENT,
        "a1-calculator",
        "--until",
        "2026-10-02T23:59:00-04:00",
        "--reason",
        "illness",
    )
    assert code == 0, err
    row = status_row(capsys, course, STUDENT)
    assert (row["graded_commit"], row["late_minutes"]) == (made.shas[1], 0)
    checkout = course / ".grader" / "checkouts" / "a1-calculator" / STUDENT
    assert (checkout / "a.py").read_text() == "2"
    with open_course(course, actor="t") as ctx:
        (entry,) = ctx.store.audit_entries("extension granted")
    assert entry.details["reason"] == "illness" and entry.actor == "Ada"


def test_a_late_submission_loses_points_in_status(local_course, capsys) -> None:
    course, deadline = local_course
    fabricate(
        course / "remotes" / "zoe-a.git",
        [Push((commit("all late", deadline + timedelta(hours=30), {"a.py": "1"}),))],
    )
    pull_at(course, deadline + timedelta(days=3))
    code, out, err = run(
        capsys,
        course,
        "grade",
        "a1-calculator",
        "--student",
        STUDENT,
        "--criterion",
        "correctness",
        "--level",
        "Exemplary",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["score"] == 32
    row = status_row(capsys, course, STUDENT)
    assert row["late_minutes"] == 30 * 60
    assert (row["score"], row["late_penalty"]) == (32, 8)


def test_refused_urls_are_reported_per_student_and_the_others_go_on(local_course, capsys) -> None:
    course, deadline = local_course
    fabricate(
        course / "remotes" / "zoe-a.git", [Push((commit("ok", deadline - timedelta(days=1), {"a.py": "1"}),))]
    )
    course_yaml = course / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("allow_local: true", "allow_local: false"))
    code, out, _ = run(capsys, course, "pull", "--json")
    assert code == 1
    results = {json.loads(line)["student_id"]: json.loads(line) for line in out.splitlines()}
    assert len(results) == 5
    assert all(r["result"] == "refused" for r in results.values())
    assert "allow_local" in results[STUDENT]["reason"]


def test_moving_the_deadline_re_resolves_on_the_next_pull(local_course, capsys) -> None:
    course, deadline = local_course
    made = fabricate(
        course / "remotes" / "zoe-a.git",
        [Push((commit("late", deadline + timedelta(hours=20), {"a.py": "1"}),))],
    )
    pull_at(course, deadline + timedelta(days=2))
    assert status_row(capsys, course, STUDENT)["late_minutes"] == 20 * 60
    course_yaml = course / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text().replace("2026-10-01T23:59:00-04:00", "2026-10-02T23:59:00-04:00")
    )
    pull_at(course, deadline + timedelta(days=3))
    row = status_row(capsys, course, STUDENT)
    assert (row["graded_commit"], row["late_minutes"]) == (made.head, 0)


def test_a_lost_local_copy_and_a_vanished_repository_keep_the_earlier_result(local_course, capsys) -> None:
    import shutil

    course, deadline = local_course
    repo = course / "remotes" / "zoe-a.git"
    made = on_time_then_late(repo, deadline, timedelta(days=1))
    pull_at(course, deadline + timedelta(days=2))
    before = status_row(capsys, course, STUDENT)
    assert before["graded_commit"] == made.shas[0]
    shutil.rmtree(course / ".grader" / "repos")
    shutil.rmtree(repo)
    pull_at(course, deadline + timedelta(days=3))
    after = status_row(capsys, course, STUDENT)
    assert (after["graded_commit"], after["late_minutes"]) == (
        before["graded_commit"],
        before["late_minutes"],
    )
    assert after["status"] == "pulled"
    assert any(flag.startswith("last pull missing") for flag in after["flags"])


def test_a_refused_checkout_is_flagged_and_retried(local_course, capsys) -> None:
    course, deadline = local_course
    repo = course / "remotes" / "zoe-a.git"
    made = fabricate(repo, [Push((commit("small", deadline - timedelta(days=2), {"a.py": "1"}),))])
    pull_at(course, deadline - timedelta(days=1))
    course_yaml = course / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("max_files: 20000", "max_files: 3"))
    files = {f"f{n}.py": str(n) for n in range(6)}
    (big,) = push(repo, [commit("big", deadline - timedelta(hours=1), files)], onto=made.head)
    pull_at(course, deadline - timedelta(minutes=30))
    row = status_row(capsys, course, STUDENT)
    assert row["graded_commit"] == big
    assert any(flag.startswith("checkout refused") for flag in row["flags"])
    checkout = course / ".grader" / "checkouts" / "a1-calculator" / STUDENT
    assert sorted(p.name for p in checkout.iterdir()) == ["a.py"]
    course_yaml.write_text(course_yaml.read_text().replace("max_files: 3", "max_files: 20000"))
    pull_at(course, deadline + timedelta(days=1))
    row = status_row(capsys, course, STUDENT)
    assert not any(flag.startswith("checkout refused") for flag in row["flags"])
    assert len(list(checkout.iterdir())) == 6


def test_odd_arguments_and_folders_give_messages_not_crashes(local_course, capsys) -> None:
    course, deadline = local_course
    fabricate(
        course / "remotes" / "zoe-a.git", [Push((commit("ok", deadline - timedelta(days=1), {"a.py": "1"}),))]
    )
    code, _, err = run(
        capsys, course, "extend", STUDENT, "a1-calculator", "--until", "9999-12-31T23:59:00+00:00"
    )
    assert code == 1 and "within 366 days" in err
    code, _, err = run(capsys, course, "extend", STUDENT, "a1-calculator", "--until", "tomorrow")
    assert code == 2 and "expected a date and time" in err
    code, out, err = run(
        capsys,
        course,
        "pull",
        "a1-calculator",
        "a1-calculator",
        "--student",
        STUDENT,
        "--student",
        STUDENT,
        "--json",
    )
    assert code == 0, err
    assert [json.loads(line)["result"] for line in out.splitlines()] == ["cloned"]
    (course / ".grader" / "checkouts").rename(course / ".grader" / "moved")
    (course / ".grader" / "checkouts").write_text("not a folder")
    code, out, err = run(capsys, course, "pull", "--student", STUDENT, "--json")
    assert "internal error" not in err
    assert json.loads(out.splitlines()[0])["result"] in ("failed", "unchanged")


def test_a_fresh_local_copy_after_a_force_push_keeps_the_earlier_result(local_course, capsys) -> None:
    import shutil

    course, deadline = local_course
    repo = course / "remotes" / "zoe-a.git"
    made = on_time_then_late(repo, deadline, timedelta(days=2))
    pull_at(course, deadline + timedelta(days=3))
    push(repo, [commit("rewritten", deadline + timedelta(days=4), {"a.py": "3"})], onto=made.shas[0])
    shutil.rmtree(course / ".grader" / "repos")
    pull_at(course, deadline + timedelta(days=5))
    row = status_row(capsys, course, STUDENT)
    assert (row["graded_commit"], row["late_minutes"]) == (made.shas[0], 0)
    assert row["flags"].count("the local copy lacks commits seen earlier: the earlier result stands") == 1
    pull_at(course, deadline + timedelta(days=6))
    row = status_row(capsys, course, STUDENT)
    assert row["flags"].count("the local copy lacks commits seen earlier: the earlier result stands") == 1
    assert (course / ".grader" / "checkouts" / "a1-calculator" / STUDENT / "a.py").read_text() == "1"


def test_a_branch_emptied_after_an_in_time_pull_keeps_that_commit(local_course, capsys) -> None:
    import subprocess

    course, deadline = local_course
    repo = course / "remotes" / "zoe-a.git"
    made = fabricate(repo, [Push((commit("ok", deadline - timedelta(days=1), {"a.py": "1"}),))])
    pull_at(course, deadline - timedelta(hours=1))
    subprocess.run(["git", "--git-dir", str(repo), "update-ref", "-d", "refs/heads/main"], check=True)
    pull_at(course, deadline + timedelta(days=1))
    row = status_row(capsys, course, STUDENT)
    assert row["graded_commit"] == made.head
    assert row["status"] == "pulled"
    assert (course / ".grader" / "checkouts" / "a1-calculator" / STUDENT / "a.py").read_text() == "1"


def test_only_one_pull_runs_at_a_time(local_course, capsys) -> None:
    from grader.gradebook.locks import course_lock

    course, _ = local_course
    with course_lock(course / ".grader", "test"):
        code, _, err = run(capsys, course, "pull")
    assert code == 1
    assert "a pull or extension is already running on this course (pid" in err

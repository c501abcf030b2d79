"""`grader autograde`, `grader autograde groups`, `grader pull --autograde` and the autograde
fields of `grader status --json`, run through the real entry point on real checkouts."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from autograde_course import DEADLINE, GOOD, PARTIAL, push_files, write_course
from cli_helpers import run, status_row
from required_tools import needs_tool

pytestmark = needs_tool("bubblewrap")
A1 = "a1-calculator"
FIELDS = {
    "assignment",
    "student_id",
    "criterion",
    "points",
    "max_points",
    "status",
    "exit_code",
    "duration_s",
    "reason",
    "tests",
    "cached",
    "sandbox",
    "commit",
    "output_truncated",
}


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_json_gives_one_object_per_student_and_criterion(
    pulled_course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, pulled_course, "autograde", "--json")
    assert code == 0, err
    found = {(o["student_id"], o["criterion"]): o for o in lines(out)}
    assert sorted(found) == [("00123", "tests"), ("00123", "unit"), ("00124", "tests"), ("00124", "unit")]
    assert all(set(o) == FIELDS for o in found.values())
    partial = found[("00124", "unit")]
    assert (partial["points"], partial["max_points"], partial["status"]) == (20, 30, "partial")
    assert partial["exit_code"] == 1 and partial["sandbox"] == "bwrap" and partial["cached"] is False
    outcomes = {t["name"].rsplit(".", 1)[-1]: (t["outcome"], t["points"]) for t in partial["tests"]}
    assert outcomes == {
        "test_add": ("passed", 10),
        "test_div": ("failed", 0),
        "test_div_by_one": ("passed", 10),
    }
    assert "autograded: 2 passed, 1 partial, 1 failed, 3 submission(s) skipped" in err
    assert "skipped: no graded commit" in err


def test_a_second_run_reuses_the_stored_runs_and_rerun_runs_again(
    autograded_course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, autograded_course, "autograde", A1)[0] == 0  # every run stored already: all reused
    code, out, err = run(capsys, autograded_course, "autograde", A1, "--student", "00124")
    assert code == 0 and out == ""  # people's lines go to stderr, with the progress bar
    assert err.count("[stored run reused]") == 2 and "00123" not in err
    assert "00124 unit: partial, 20 / 30" in err and "1 of 3 tests failed: test_div" in err
    code, out, err = run(capsys, autograded_course, "autograde", A1, "--rerun", "--json", "--jobs", "2")
    assert code == 0, err
    assert {o["cached"] for o in lines(out)} == {False}


def test_status_json_shows_each_criterions_autograde_result(
    autograded_course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    row = status_row(capsys, autograded_course, "00124")
    unit = row["criteria"]["unit"]
    assert unit["points"] == 20 and unit["choice"] == 20
    assert unit["autograde"] == {
        "status": "partial",
        "points": 20,
        "reason": "1 of 3 tests failed: test_div",
        "tests_passed": 2,
        "tests_total": 3,
        "sandbox": "bwrap",
    }
    assert row["autograde"] == "2/3 tests" and row["status"] == "pulled"  # only junit counts tests
    assert "autograde" not in row["criteria"]["correctness"]
    assert status_row(capsys, autograded_course, "00125")["autograde"] == "not run"


def test_groups_put_the_largest_first_with_their_students(
    autograded_course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, autograded_course, "autograde", "groups", A1, "--json")
    assert code == 0, err
    groups = json.loads(out)
    assert groups[0] == {"signature": "not run", "count": 3, "student_ids": ["00125", "00126", "00127"]}
    assert {g["signature"]: g["student_ids"] for g in groups[1:]} == {
        "passed": ["00123"],
        "tests: exit status 1; unit: fails: test_div": ["00124"],
    }
    code, out, _ = run(capsys, autograded_course, "autograde", "groups", A1)
    assert code == 0 and "    3  not run\n       00125 00126 00127\n" in out


def test_pull_autograde_runs_the_checks_of_what_changed(
    course_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_course(course_dir, {"00123": GOOD, "00124": PARTIAL})
    code, out, err = run(capsys, course_dir, "pull", "--autograde", "--json")
    assert code == 0, err
    graded = [o for o in lines(out) if "criterion" in o]
    assert {(o["student_id"], o["criterion"]) for o in graded} == {
        ("00123", "tests"),
        ("00123", "unit"),
        ("00124", "tests"),
        ("00124", "unit"),
    }
    push_files(course_dir, "00124", GOOD, DEADLINE - timedelta(hours=1))
    code, out, err = run(capsys, course_dir, "pull", "--autograde", "--json")
    assert code == 0, err
    graded = [o for o in lines(out) if "criterion" in o]
    assert {(o["student_id"], o["status"]) for o in graded} == {("00124", "passed")}
    code, out, err = run(capsys, course_dir, "pull", "--autograde")
    assert code == 0 and "autograded: nothing new to autograde" in err


def test_no_sandbox_is_one_clear_refusal(
    pulled_course: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_SANDBOX", "none")
    code, out, err = run(capsys, pulled_course, "autograde")
    assert code == 1 and out == ""
    (message,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert "apt-get install bubblewrap" in message and "trust: true" in message
    assert "Traceback" not in err
    assert status_row(capsys, pulled_course, "00123")["autograde"] == "not run"


def test_an_unknown_assignment_or_student_is_a_usage_error_not_a_traceback(
    pulled_course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, pulled_course, "autograde", "a9-nothing")
    assert code == 1 and "a9-nothing" in err and "Traceback" not in err
    code, _, err = run(capsys, pulled_course, "autograde", A1, "--student", "99999")
    assert code == 1 and "99999" in err
    code, _, err = run(capsys, pulled_course, "autograde", "groups")
    assert code == 2 and "ASSIGNMENT" in err
    code, out, _ = run(capsys, pulled_course, "autograde", "--help")
    assert code == 0 and "groups" in out

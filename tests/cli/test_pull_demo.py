"""`grader pull` on the demo course: every kind of repository ends with the right status,
graded commit and lateness; a second run only fetches."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from cli_helpers import run

from grader.cli.main import main
from grader.demo import build_demo_course

EXPECTED_STATUS = {"missing": "missing", "empty": "missing"}


@pytest.fixture(scope="module")
def pulled_demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict], dict, list[dict]]:
    root = tmp_path_factory.mktemp("demo") / "course"
    for _ in build_demo_course(root, students=24, seed=3):
        pass
    manifest = json.loads((root / ".grader" / "demo-manifest.json").read_text())
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--course", str(root), "pull", "--json", "--jobs", "4"])
    pulls = [json.loads(line) for line in out.getvalue().splitlines()]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--course", str(root), "status", "--json"]) == 0
    status = {(r["assignment"], r["student_id"]): r for r in json.loads(out.getvalue())}
    assert code == 0, pulls
    return root, manifest["submissions"], status, pulls


def test_each_case_gets_its_status_commit_and_lateness(pulled_demo) -> None:
    _, submissions, status, _ = pulled_demo
    seen_cases = set()
    for entry in submissions:
        row = status[(entry["assignment"], entry["student_id"])]
        case = entry["case"]
        seen_cases.add(case)
        expected_commit = None if case in ("missing", "empty") else entry["graded_commit"]
        assert row["status"] == EXPECTED_STATUS.get(case, "pulled"), (case, row)
        assert row["graded_commit"] == expected_commit, (case, row)
        if expected_commit is not None:
            assert row["late_minutes"] == entry["late_minutes"], (case, row)
        if case == "empty":
            assert "empty repository" in row["flags"]
    assert {"on-time", "late-minutes", "late-1-day", "missing", "empty", "force-pushed"} <= seen_cases


def test_on_time_work_seen_only_after_the_deadline_is_dated_by_commit_time(pulled_demo) -> None:
    _, submissions, status, _ = pulled_demo
    cases = ("on-time", "force-pushed", "kept-committing")
    entries = [entry for entry in submissions if entry["case"] in cases]
    assert {entry["case"] for entry in entries} == set(cases)
    for entry in entries:
        assert "dated by commit time" in status[(entry["assignment"], entry["student_id"])]["flags"]


def test_pull_results_name_each_repository(pulled_demo) -> None:
    _, submissions, _, pulls = pulled_demo
    results = {(p["assignment"], p["student_id"]): p for p in pulls}
    assert len(results) == len(submissions) > 0
    for entry in submissions:
        pulled = results[(entry["assignment"], entry["student_id"])]
        expected = "missing" if entry["case"] == "missing" else "cloned"
        assert pulled["result"] == expected, pulled
        assert set(pulled) >= {"assignment", "student_id", "result", "reason", "commit"}


def test_checkouts_sit_at_the_graded_commit_without_git_metadata(pulled_demo) -> None:
    root, submissions, _, _ = pulled_demo
    entry = next(e for e in submissions if e["case"] == "on-time")
    checkout = root / ".grader" / "checkouts" / entry["assignment"] / entry["student_id"]
    assert checkout.is_dir()
    assert not (checkout / ".git").exists()
    assert any(checkout.iterdir())


def test_a_second_pull_only_fetches(pulled_demo, capsys) -> None:
    root, submissions, _, _ = pulled_demo
    code, out, _ = run(capsys, root, "pull", "--json", "--jobs", "4")
    assert code == 0
    results = [json.loads(line)["result"] for line in out.splitlines()]
    assert set(results) == {"unchanged", "missing"}
    assert len(results) == len(submissions)

"""`grader pull` on the demo course: every kind of repository ends with the right status,
graded commit and lateness; a second run only fetches; `grader autograde` then runs every
student's own tests in the sandbox, with the outcome the demo designed for each."""

from __future__ import annotations

import contextlib
import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from cli_helpers import run
from required_tools import needs_tool

from grader.cli.main import main
from grader.demo import build_demo_course
from grader.demo.outcomes import Work

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
        row = status[(entry["assignment"], entry["student_id"])]
        assert row["dated_by"] == "dated by commit time"  # a basis, not a flag needing attention
        assert "dated by commit time" not in row["flags"]


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


AUTOGRADED = {"a1-calculator": "tests", "a2-webpage": "page-checks", "a3-dataanalysis": "pipeline-tests"}
A1_MANUAL = (
    ("correctness", "--level", "Exemplary"),  # 35
    ("cli", "--level", "Proficient"),  # 11
    ("code-quality", "--no-items"),  # 15
    ("readme", "--level", "Complete"),  # 10
    ("git-practice", "--item", "Clean repository"),  # 1
)


def expected_status(assignment: str, work: Work) -> str:
    """What the autograder says of ``work``: a junit check gives partial credit, a run check none."""
    partial = "partial" if assignment != "a2-webpage" else "failed"
    return {
        Work.SOLID: "passed",
        Work.EDGE_SLIPS: partial,
        Work.SHAKY: partial,
        Work.ENDLESS: "timeout",
        Work.UNTESTED: "failed",
    }[work]


@needs_tool("bubblewrap")
def test_autograde_runs_every_students_own_tests_in_the_sandbox(
    pulled_demo, db_args, capsys, tmp_path
) -> None:
    root, submissions, _, _ = pulled_demo
    submitted = [e for e in submissions if e["graded_commit"] is not None]
    scope: list[str] = []
    if db_args:  # on PostgreSQL, the calculator's students, one of each kind of work (faster)
        assert run(capsys, root, *db_args, "pull", "a1-calculator", "--jobs", "4")[0] == 0
        a1 = [e for e in submitted if e["assignment"] == "a1-calculator"]
        one_each = {e["work"]: e for e in sorted(a1, key=lambda e: e["case"] == "on-time")}
        submitted = list(one_each.values())
        scope = ["a1-calculator", *(arg for e in submitted for arg in ("--student", e["student_id"]))]
    code, out, err = run(capsys, root, *db_args, "autograde", *scope, "--jobs", "4", "--json")
    assert code == 0, err
    results = {(r["assignment"], r["student_id"]): r for r in map(json.loads, out.splitlines())}
    assert set(results) == {(e["assignment"], e["student_id"]) for e in submitted}, "every one ran"
    seen = set()
    for entry in submitted:
        result = results[(entry["assignment"], entry["student_id"])]
        assert result["criterion"] == AUTOGRADED[entry["assignment"]]
        assert result["sandbox"] in ("bwrap", "unshare"), result
        if entry["case"] == "force-pushed":
            continue  # graded at the commit before the rewrite: part of the work may be missing
        work = Work(entry["work"])
        seen.add((entry["assignment"], work))
        assert result["status"] == expected_status(entry["assignment"], work), (entry, result)
        points, top = Decimal(str(result["points"])), Decimal(str(result["max_points"]))
        assert (points == top) == (result["status"] == "passed"), result
        if result["status"] == "partial":
            assert 0 < points < top and any(t["outcome"] == "failed" for t in result["tests"]), result
    assert {("a1-calculator", work) for work in Work} <= seen, "every outcome of the calculator shows"

    student = next(
        e["student_id"]
        for e in submitted
        if e["assignment"] == "a1-calculator" and e["case"] == "on-time" and e["work"] == Work.SOLID
    )
    for criterion, *choice in A1_MANUAL:
        args = ("grade", "a1-calculator", "--student", student, "--criterion", criterion, *choice)
        assert run(capsys, root, *db_args, *args)[0] == 0
    target = tmp_path / "canvas.csv"
    code, _, err = run(capsys, root, *db_args, "export", "grades", "--format", "canvas", "-o", str(target))
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    column = next(i for i, title in enumerate(rows[0]) if title.startswith("Command-line calculator"))
    with (root / "roster.csv").open(encoding="utf-8", newline="") as roster:
        canvas_id = next(r["canvas_id"] for r in csv.DictReader(roster) if r["student_id"] == student)
    (row,) = [row for row in rows[2:] if row[1] == canvas_id]
    assert row[column] == "92", "35 + 11 + 15 + 10 + 1 by hand, 20 by the autograder"

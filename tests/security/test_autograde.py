"""RUN-5, RUN-7 and DB-7 (docs/security.md) through `grader autograde`: real hostile student code
in the real sandbox (bwrap and the unshare fallback), real gradebooks (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from autograde_course import CALC, DEADLINE, GOOD, HANGS, pull_all, push_files, run_autograde, write_course
from course_folder import copy_course, write_course_folder
from postgres import database_url_for
from sandboxes import KINDS, working

from grader.cli.main import main
from grader.gradebook.context import open_course
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.status import submission_statuses

A1 = "a1-calculator"


def run(capsys: pytest.CaptureFixture[str], course: Path, *args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of `grader --course COURSE --as Ada ARGS...`."""
    code = main(["--course", str(course), "--as", "Ada", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every check of the test runs in this sandbox kind."""
    monkeypatch.setenv("GRADER_SANDBOX", working(request.param))
    return str(request.param)


FORCES_PASSES = """\
import pytest

print("SCORE: 100/100")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"


def pytest_sessionfinish(session, exitstatus):
    print("SCORE: 100/100")
    session.exitstatus = 0
"""
CHEATS = {
    "conftest.py": FORCES_PASSES,
    "calc.py": CALC.replace("return a + b", "return a - b"),  # wrong: test_add fails
    "test_calc.py": "from calc import add\n\n\ndef test_add():\n    print('SCORE: 100/100')\n    assert add(2, 3) == 5\n",
}
HIDDEN_CHECKS = """\
  - id: forced
    title: Own tests, conftest allowed (the trap)
    points: 10
    check: {run: python -m pytest -q -p no:cacheprovider, timeout: 20}
  - id: hidden
    title: Tests the conftest cannot reach
    points: 10
    check: {run: python -m pytest -q --noconftest -p no:cacheprovider, timeout: 20}
"""


@pytest.fixture(scope="module")
def cheats_pulled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """00123's ``CHEATS`` pulled, under the rubric with ``HIDDEN_CHECKS``: once for every kind."""
    course_dir = write_course_folder(tmp_path_factory.mktemp("run5") / "course")
    write_course(course_dir, {"00123": CHEATS})
    rubric = course_dir / "rubrics" / "calculator.yaml"
    rubric.write_text(rubric.read_text() + HIDDEN_CHECKS)
    pull_all(course_dir)
    return course_dir


def test_run5_a_score_is_never_read_from_what_the_students_code_prints(
    cheats_pulled: Path, tmp_path: Path, kind: str
) -> None:
    course_dir = copy_course(cheats_pulled, tmp_path / "course")
    with open_course(course_dir, actor="Ada") as ctx:
        results = {r.criterion_id: r.result for r in run_autograde(ctx)}

    assert results["forced"].status.value == "passed"  # the conftest works: the trap fires
    hidden = results["hidden"]
    assert (hidden.status.value, hidden.points) == ("failed", Decimal(0))
    assert "SCORE: 100/100" in hidden.output  # printed, and ignored
    unit = results["unit"]  # junit without --noconftest: as trustworthy as its command (documented)
    assert unit.sandbox == kind
    assert all(r.points is not None and r.points <= r.max_points for r in results.values())


@pytest.fixture(scope="module")
def hostile_names_pulled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """Three students named as shell commands that would create ``marker``, with ``GOOD`` pushed
    and pulled, once for every kind: (course, marker, the names)."""
    marker = tmp_path_factory.mktemp("run7-marker") / "p"
    course_dir = write_course_folder(tmp_path_factory.mktemp("run7") / "course")
    roster = course_dir / "roster.csv"
    hostile = [f"x; touch {marker}", f"$(touch {marker})", f"`touch {marker}`"]
    lines = roster.read_text().splitlines()
    for index, name in enumerate(hostile, start=1):
        parts = lines[index].split(",")
        parts[1] = json.dumps(name)  # a quoted CSV field
        lines[index] = ",".join(parts)
    roster.write_text("\n".join(lines) + "\n")
    write_course(course_dir, {"00123": GOOD, "00124": GOOD, "00125": GOOD})
    pull_all(course_dir)
    assert not marker.exists()
    return course_dir, marker, hostile


def test_run7_a_hostile_roster_name_never_reaches_a_shell(
    hostile_names_pulled: tuple[Path, Path, list[str]],
    tmp_path: Path,
    kind: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pulled, marker, hostile = hostile_names_pulled
    course_dir = copy_course(pulled, tmp_path / "course")
    code, out, err = run(capsys, course_dir, "autograde", "--json")
    assert code == 0, err
    assert len(out.splitlines()) == 6 and {json.loads(line)["status"] for line in out.splitlines()} == {
        "passed"
    }
    assert not marker.exists()
    code, out, _ = run(capsys, course_dir, "status", "--json")
    assert code == 0 and {row["name"] for row in json.loads(out)} >= set(hostile)
    assert not marker.exists()


def test_run7_a_hostile_github_handle_is_refused_before_anything_runs(
    course_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    marker = tmp_path / "q"
    roster = course_dir / "roster.csv"
    roster.write_text(roster.read_text().replace(",zoe-a,", f",x;touch {marker},"))
    code, _, err = run(capsys, course_dir, "autograde")
    assert code == 1 and "roster.csv:2 github: expected a GitHub handle" in err
    assert not marker.exists()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    yield from database_url_for("postgresql" if request.param == "postgres" else "sqlite")


def test_db7_a_manual_score_survives_a_rerun_that_times_out_and_nothing_becomes_null(
    course_dir: Path, database_url: str | None, kind: str
) -> None:
    write_course(course_dir, {"00123": GOOD}, timeout=4)
    pull_all(course_dir, database_url)
    with open_course(course_dir, actor="Ada", database_url=database_url) as ctx:
        run_autograde(ctx)
        record_choice(ctx, A1, "00123", "tests", ChoiceRequest(points=Decimal(12), comment="checked by hand"))
    push_files(course_dir, "00123", HANGS, DEADLINE - timedelta(hours=1))
    pull_all(course_dir, database_url)
    with open_course(course_dir, actor="Ada", database_url=database_url) as ctx:
        rerun = {r.criterion_id: r.result for r in run_autograde(ctx)}
        grade = ctx.store.grade(A1, "00123")
        (row,) = [r for r in submission_statuses(ctx, [A1]) if r.student_id == "00123"]
        events = ctx.store.events(A1, "00123")

    assert rerun["tests"].status.value == "timeout" and rerun["unit"].status.value == "timeout"
    assert (
        grade.choices["tests"].points == Decimal(12) and grade.choices["tests"].comment == "checked by hand"
    )
    assert (
        grade.autograde["tests"].status == "timeout"
        and "timed out after 4 s" in grade.autograde["tests"].reason
    )
    criteria = {c.criterion_id: c for c in row.criteria}
    assert criteria["tests"].points == Decimal(12) and criteria["tests"].overridden
    assert all(c.points is not None for c in criteria.values() if c.criterion_id != "correctness")
    assert all(score.points is not None for score in grade.autograde.values())
    assert [e.source.value for e in events].count("autograder") == 4


def test_db7_a_run_that_could_not_happen_keeps_the_last_score(
    course_dir: Path, database_url: str | None, kind: str
) -> None:
    write_course(course_dir, {"00123": GOOD})
    pull_all(course_dir, database_url)
    with open_course(course_dir, actor="Ada", database_url=database_url) as ctx:
        run_autograde(ctx)
    rubric = course_dir / "rubrics" / "calculator.yaml"
    rubric.write_text(
        rubric.read_text().replace("junit: python -m pytest", "junit: no-such-program -m pytest")
    )
    with open_course(course_dir, actor="Ada", database_url=database_url) as ctx:
        unit = {r.criterion_id: r.result for r in run_autograde(ctx)}["unit"]
        score = ctx.store.grade(A1, "00123").autograde["unit"]

    assert (unit.status.value, unit.points) == ("error", None)
    assert (score.status, score.points) == ("error", Decimal(30))  # never null over a real score
    assert "no-such-program" in score.reason

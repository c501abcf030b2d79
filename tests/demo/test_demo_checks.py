"""The demo's checks really run: each student's own tests give the outcome the demo designed.

For a sample of submissions, the graded commit is checked out (with grader's own checkout) into a
temporary folder and the rubric's command runs there unsandboxed, as the sandbox would run it:
``python`` from grader's own environment first on PATH, a clean environment, no terminal.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from demo_helpers import PROJECT

from grader.demo.outcomes import COMPLETE, SPREADS, Work
from grader.domain.checks import CheckKind
from grader.domain.rubric import Rubric
from grader.files.rubric import load_rubric
from grader.git.checkout import checkout
from grader.git.limits import Limits

RUBRICS = {"a1-calculator": "calculator", "a2-webpage": "webpage", "a3-dataanalysis": "dataanalysis"}
PER_OUTCOME = 2
"""Submissions run for each (assignment, outcome): enough to see a spread, few enough to be quick."""


@dataclass(frozen=True)
class Ran:
    assignment: str
    student_id: str
    work: Work
    timed_out: bool
    exit_code: int | None
    tests: int
    failed: int
    checkout: Path


def rubric(assignment: str) -> Rubric:
    name = f"{RUBRICS[assignment]}.yaml"
    return load_rubric(PROJECT / "rubrics" / name, name)


def check_environment(home: Path) -> dict[str, str]:
    """What the sandbox gives a check: grader's own Python first on PATH, nothing else inherited."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
    }


def counts(report: Path) -> tuple[int, int]:
    """(tests, failed or errored) from a JUnit XML report pytest wrote."""
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = sum(int(suite.get("tests", "0")) for suite in suites)
    failed = sum(int(suite.get("failures", "0")) + int(suite.get("errors", "0")) for suite in suites)
    return tests, failed


def run_check(course: Path, entry: dict[str, Any], folder: Path) -> Ran:
    """The assignment's check on the submission's graded commit, in a fresh checkout."""
    (criterion,) = [c for c in rubric(entry["assignment"]).criteria if c.check is not None]
    assert criterion.check is not None
    copy = folder / "checkout"
    checkout(course / entry["repo"], entry["graded_commit"], copy, Limits())
    argv = criterion.check.argv()
    report = copy / criterion.check.report
    if criterion.check.kind is CheckKind.RUN:
        report = folder / "report.xml"  # only to count the tests: a run check scores its exit status
        argv.append(f"--junitxml={report}")
    timed_out, exit_code, tests, failed = False, None, 0, 0
    try:
        done = subprocess.run(
            argv,
            cwd=copy,
            env=check_environment(folder),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=criterion.check.timeout,
            check=False,
        )
        exit_code = done.returncode
        tests, failed = counts(report) if report.is_file() else (0, 0)
    except subprocess.TimeoutExpired:
        timed_out = True
    work = Work(entry["work"])
    return Ran(entry["assignment"], entry["student_id"], work, timed_out, exit_code, tests, failed, copy)


@pytest.fixture(scope="module")
def ran(demo_course: Path, manifest: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> list[Ran]:
    """Up to PER_OUTCOME submissions of each (assignment, outcome), graded on their whole work."""
    taken: Counter[tuple[str, str]] = Counter()
    sample = []
    for entry in manifest["submissions"]:
        key = (entry["assignment"], entry["work"])
        if entry["work"] is not None and entry["case"] in COMPLETE and taken[key] < PER_OUTCOME:
            taken[key] += 1
            sample.append(entry)
    root = tmp_path_factory.mktemp("checks")
    folders = [root / f"{e['assignment']}-{e['student_id']}" for e in sample]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda e, f: run_check(demo_course, e, f), sample, folders))


def test_every_designed_outcome_is_in_the_class(manifest: dict[str, Any]) -> None:
    for assignment, spread in SPREADS.items():
        complete = Counter(
            s["work"]
            for s in manifest["submissions"]
            if s["assignment"] == assignment and s["case"] in COMPLETE
        )
        for work, needed in Counter(spread.required).items():
            assert complete[work.value] >= needed, (assignment, work, complete)
        assert complete[Work.SOLID] >= manifest["students"] // 3, "many students pass every test"
    a1 = Counter(s["work"] for s in manifest["submissions"] if s["assignment"] == "a1-calculator")
    assert a1[Work.ENDLESS] == 1 and a1[Work.UNTESTED] == 1, "one times out, one has no tests folder"


def test_the_sample_covers_every_outcome(ran: list[Ran]) -> None:
    seen = {(r.assignment, r.work) for r in ran}
    wanted = {(assignment, work) for assignment, spread in SPREADS.items() for work in spread.required}
    assert wanted <= seen


def test_solid_work_passes_every_test(ran: list[Ran]) -> None:
    solid = [r for r in ran if r.work is Work.SOLID]
    assert {r.assignment for r in solid} == set(RUBRICS)
    for result in solid:
        assert not result.timed_out and result.exit_code == 0, result
        assert result.tests >= 4 and result.failed == 0, result


def test_edge_slips_fail_one_or_two_tests(ran: list[Ran]) -> None:
    slips = [r for r in ran if r.work is Work.EDGE_SLIPS]
    assert {r.assignment for r in slips} == set(RUBRICS)
    for result in slips:
        assert result.exit_code == 1, result
        assert 1 <= result.failed <= 2 and result.tests - result.failed >= 2, result


def test_shaky_work_fails_many_tests(ran: list[Ran]) -> None:
    shaky = [r for r in ran if r.work is Work.SHAKY]
    assert {r.assignment for r in shaky} == set(RUBRICS)
    for result in shaky:
        assert result.exit_code == 1 and result.failed >= 3, result
        assert result.failed < result.tests, "some tests still pass: partial credit"


def test_an_endless_loop_times_out(ran: list[Ran]) -> None:
    (endless,) = [r for r in ran if r.work is Work.ENDLESS]
    assert endless.assignment == "a1-calculator"
    assert endless.timed_out, endless


def test_without_tests_nothing_is_collected(ran: list[Ran]) -> None:
    untested = [r for r in ran if r.work is Work.UNTESTED]
    assert {r.assignment for r in untested} == {"a1-calculator", "a3-dataanalysis"}
    for result in untested:
        assert not (result.checkout / "tests").exists()
        assert result.exit_code == 5 and result.tests == 0, result  # pytest: no tests collected


def test_solid_calculators_answer_standard_input(ran: list[Ran], tmp_path: Path) -> None:
    """The calculator also reads one expression per line, ready for an io check's cases."""
    calculators = [r for r in ran if r.assignment == "a1-calculator" and r.work is Work.SOLID]
    assert calculators
    for result in calculators:
        done = subprocess.run(
            ["python", "calculator.py"],
            cwd=result.checkout,
            env=check_environment(tmp_path),
            input="2 + 3\n8 / 0\n-1.5 * 4\n",
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines() == ["5", "error: cannot divide by zero", "-6"]


def test_checks_run_with_grader_own_python(tmp_path: Path) -> None:
    found = subprocess.run(
        ["python", "-c", "import pytest, sys; print(sys.prefix)"],
        env=check_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == sys.prefix

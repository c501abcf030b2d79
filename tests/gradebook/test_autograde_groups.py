"""Outcome signatures: what a student's latest runs did, in words a group can share."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from grader.domain.autograde import CheckResult, RunStatus, TestOutcome
from grader.domain.events import AutogradeScore, StoredRun, SubmissionGrade
from grader.domain.rubric import Criterion, CriterionKind, Level, Rubric
from grader.gradebook.autograde_groups import signature
from grader.gradebook.status import autograde_text

TESTS = Criterion("tests", "Tests", CriterionKind.AUTOGRADED, points=Decimal(20))
LINT = Criterion("lint", "Lint", CriterionKind.AUTOGRADED, points=Decimal(5))
MANUAL = Criterion("style", "Style", CriterionKind.LEVELS, levels=(Level("Good", Decimal(5)),))


def ran(status: RunStatus, reason: str = "", *failing: str, passing: tuple[str, ...] = ()) -> StoredRun:
    tests = tuple(TestOutcome(f"tests.test_calc.{n}", "failed") for n in failing)
    tests += tuple(TestOutcome(f"tests.test_calc.{n}", "passed") for n in passing)
    points = None if status in (RunStatus.ERROR, RunStatus.REFUSED) else Decimal(0)
    result = CheckResult(status, points, Decimal(20), 1, 0.5, reason, tests)
    return StoredRun("tests", result, "c1", datetime(2026, 1, 1, tzinfo=UTC), "ann")


def test_the_failing_tests_make_the_signature_in_a_stable_order() -> None:
    one = signature([TESTS], {"tests": ran(RunStatus.PARTIAL, "", "test_zero", "test_div", passing=("a",))})
    two = signature([TESTS], {"tests": ran(RunStatus.PARTIAL, "", "test_div", "test_zero")})
    assert one == two == "fails: test_div, test_zero"


def test_timeouts_errors_exit_statuses_passes_and_no_run_have_their_own_signatures() -> None:
    assert signature([TESTS], {"tests": ran(RunStatus.TIMEOUT, "timed out after 60 s", "x")}) == "timeout"
    assert signature([TESTS], {"tests": ran(RunStatus.ERROR, "the check could not run:\n disk full")}) == (
        "error: the check could not run: disk full"
    )
    assert signature([TESTS], {"tests": ran(RunStatus.FAILED, "exit status 2")}) == "exit status 2"
    assert signature([TESTS], {"tests": ran(RunStatus.PASSED, "passed (exit status 0)")}) == "passed"
    assert signature([TESTS], {}) == "not run"
    long = signature([TESTS], {"tests": ran(RunStatus.ERROR, "x" * 500)})
    assert len(long) == len("error: ") + 80 + 1 and long.endswith("…")


def test_several_criteria_are_named_unless_they_agree() -> None:
    both = {"tests": ran(RunStatus.PASSED), "lint": ran(RunStatus.PASSED)}
    assert signature([TESTS, LINT], both) == "passed"
    assert signature([TESTS, LINT], {}) == "not run"
    mixed = {"tests": ran(RunStatus.PARTIAL, "", "test_div"), "lint": ran(RunStatus.FAILED, "exit status 1")}
    assert signature([TESTS, LINT], mixed) == "tests: fails: test_div; lint: exit status 1"


def grade(**layer: AutogradeScore) -> SubmissionGrade:
    return SubmissionGrade("a1", "s1", 0, {}, "", None, autograde=layer)


def test_the_list_column_sums_tests_and_shows_the_worst_outcome() -> None:
    rubric = Rubric("r", "R", {}, (MANUAL, TESTS, LINT))
    assert autograde_text(Rubric("m", "M", {}, (MANUAL,)), None) == ""
    assert autograde_text(rubric, None) == "not run"
    counted = grade(
        tests=AutogradeScore("partial", Decimal(10), "", 7, 10), lint=AutogradeScore("passed", Decimal(5))
    )
    assert autograde_text(rubric, counted) == "7/10 tests"
    assert autograde_text(rubric, grade(tests=AutogradeScore("timeout", Decimal(0)))) == "timeout"
    erred = grade(tests=AutogradeScore("refused", None), lint=AutogradeScore("timeout", Decimal(0)))
    assert autograde_text(rubric, erred) == "error"
    assert autograde_text(rubric, grade(tests=AutogradeScore("passed", Decimal(20)))) == "passed"
    assert autograde_text(rubric, grade(tests=AutogradeScore("failed", Decimal(0)))) == "failed"

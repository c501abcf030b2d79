"""Autograde results recorded straight into the gradebook (fixed values, for pictures of the
screens): what `grader autograde` records, without running anything."""

from __future__ import annotations

from decimal import Decimal

from grader.domain.autograde import CheckResult, RunStatus, TestOutcome
from grader.domain.events import AutogradeRun
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.rubrics import rubric_in_force
from grader.gradebook.summary import summarize_with, summary_spec

A1 = "a1-calculator"
NAMES = (
    "test_add",
    "test_subtract",
    "test_multiply",
    "test_divide",
    "test_decimals",
    "test_negative_numbers",
)


def run_failing(failing: tuple[str, ...], *, sandbox: str = "bwrap", output: str = "") -> CheckResult:
    """The demo's `tests` criterion (20 points) run with these tests failing, in 1.2 s."""
    tests = tuple(
        TestOutcome(f"tests.test_calculator.{name}", "failed" if name in failing else "passed")
        for name in NAMES
    )
    passed = len(NAMES) - len(failing)
    points = (Decimal(20) * passed / len(NAMES)).quantize(Decimal("0.01"))
    status = RunStatus.PASSED if not failing else RunStatus.PARTIAL if passed else RunStatus.FAILED
    reason = f"{len(failing)} of {len(NAMES)} tests failed: {', '.join(failing)}" if failing else "all passed"
    summary = output or f"{len(failing)} failed, {passed} passed in 0.40s\n"
    return CheckResult(
        status, points, Decimal(20), 1 if failing else 0, 1.2, reason, tests, summary, False, sandbox
    )


def record_result(
    ctx: CourseContext, student_id: str, result: CheckResult, criterion_id: str = "tests"
) -> None:
    """Record ``result`` as the latest run of a submission's criterion, as a run would."""
    rubric = rubric_in_force(ctx, A1)
    criterion = rubric.criterion(criterion_id)
    assert criterion is not None and criterion.check is not None
    pull = ctx.store.pull_states_of(A1, [student_id])[student_id]
    assert pull.graded_commit is not None
    run = AutogradeRun(
        A1, student_id, criterion_id, pull.graded_commit, criterion.check.digest, result, rubric.content_hash
    )
    summarize = summarize_with({A1: summary_spec(ctx, A1, rubric)})
    ctx.store.record_autograde([run], actor="ta-test", now=utc_now(), summarize=summarize)

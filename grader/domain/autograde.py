"""Scoring a check's run: exit status, JUnit report or io cases in; points, status and why out.

Pure: the sandbox (grader.sandbox) hands over what happened as RawRun values; nothing here runs,
reads files or looks at the clock. A score is never read from text the student's program prints
(security.md RUN-5): only from the exit status, the JUnit report the check names (see
grader.domain.junit for the limit of that), and io outputs compared with the instructor's
expectations.

Decisions, documented in the README:
- run: exit status 0 earns the points; anything else, a timeout or a limit earns 0.
- junit: points = max × passed weight / counted weight. Skipped tests count neither way (they
  leave the total) unless every test is skipped, which earns 0. A missing or unusable report is
  FAILED with 0 points and its reason. A run that timed out is TIMEOUT and keeps the points of the
  tests a readable report lists as passed (a half-written report does not parse: 0).
- io: a case passes when its run ends with exit status 0 within its timeout and its output
  matches; points = max × passed case points / all case points. Every case timing out is TIMEOUT.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from fnmatch import fnmatchcase

from grader.domain.check_results import (
    OUTPUT_LIMIT,
    CheckResult,
    RawRun,
    RunStatus,
    capped,
    decoded,
    ended_cleanly,
    ending,
    listed,
    quoted,
    run_output,
    share,
)
from grader.domain.checks import Check, CheckKind, Comparison, IoCase
from grader.domain.junit import REPORT_LIMIT, JunitUnreadable, TestOutcome, parse_junit

__all__ = [
    "OUTPUT_LIMIT",
    "REGEX_INPUT_LIMIT",
    "REPORT_LIMIT",
    "CheckResult",
    "JunitUnreadable",
    "RawRun",
    "RunStatus",
    "TestOutcome",
    "output_matches",
    "parse_junit",
    "score_io",
    "score_run",
]

REGEX_INPUT_LIMIT = 64 * 1024
"""A regex case searches at most this many characters of output (the instructor's pattern may
backtrack badly; the input it can chew on stays bounded)."""

_Scored = tuple[RunStatus, Decimal, str, tuple[TestOutcome, ...]]


def score_run(check: Check, max_points: Decimal, run: RawRun) -> CheckResult:
    """Score the run of a run or junit check (io checks: score_io)."""
    if check.kind is CheckKind.IO:
        raise ValueError("io checks are scored case by case with score_io")
    if check.kind is CheckKind.JUNIT:
        status, points, reason, tests = _junit(check, max_points, run)
    elif run.timed_out:
        status, points, reason, tests = RunStatus.TIMEOUT, Decimal(0), ending(run, check.timeout), ()
    elif ended_cleanly(run):
        status, points, reason, tests = RunStatus.PASSED, max_points, "passed (exit status 0)", ()
    else:
        status, points, reason, tests = RunStatus.FAILED, Decimal(0), ending(run, check.timeout), ()
    output, truncated = capped(run_output(run), run.truncated)
    return CheckResult(
        status=status,
        points=points,
        max_points=max_points,
        exit_code=run.exit_code,
        duration_s=run.duration_s,
        reason=reason,
        tests=tests,
        output=output,
        output_truncated=truncated,
        sandbox=run.sandbox,
    )


def _weight(check: Check, name: str) -> Decimal:
    """The first weight whose glob matches the test's full or short name; else 1."""
    short = name.rsplit(".", 1)[-1]
    for glob, weight in check.weights:
        if fnmatchcase(name, glob) or fnmatchcase(short, glob):
            return weight
    return Decimal(1)


def _junit(check: Check, max_points: Decimal, run: RawRun) -> _Scored:
    how = ending(run, check.timeout)
    data = run.files.get(check.report)
    if data is None:
        limit = REPORT_LIMIT // 2**20
        return _unscored(
            run, f"no JUnit report at {check.report}: the command wrote none, or one over {limit} MiB", how
        )
    try:
        found = parse_junit(data, limit=REPORT_LIMIT)
    except JunitUnreadable as exc:
        return _unscored(run, f"the JUnit report at {check.report} is unusable: {exc}", how)
    counted = [t for t in found if t.outcome != "skipped"]
    total = sum((_weight(check, t.name) for t in counted), Decimal(0))
    passed = sum((_weight(check, t.name) for t in counted if t.outcome == "passed"), Decimal(0))
    tests = tuple(TestOutcome(t.name, t.outcome, _earned(check, max_points, total, t)) for t in found)
    points = share(max_points, passed, total)
    failing = [t.name.rsplit(".", 1)[-1] for t in counted if t.outcome != "passed"]
    reason = _junit_reason(len(found), len(counted), failing)
    if run.timed_out:
        ok = len(counted) - len(failing)
        return (
            RunStatus.TIMEOUT,
            points,
            f"{how}; the report lists {ok} of {len(counted)} tests passed",
            tests,
        )
    status = RunStatus.FAILED if passed <= 0 else RunStatus.PARTIAL if failing else RunStatus.PASSED
    if run.limit_hit or run.exit_code is None or run.exit_code < 0 or (not failing and run.exit_code != 0):
        reason += f" (the command ended: {how})"
    return status, points, reason, tests


def _earned(check: Check, max_points: Decimal, total: Decimal, test: TestOutcome) -> Decimal | None:
    if test.outcome == "skipped":
        return None
    if test.outcome != "passed":
        return Decimal(0)
    return share(max_points, _weight(check, test.name), total)


def _junit_reason(found: int, counted: int, failing: list[str]) -> str:
    skipped = found - counted
    if not counted:
        return f"all {skipped} tests were skipped" if skipped else "the JUnit report lists no tests"
    if failing:
        reason = f"{len(failing)} of {counted} tests failed: {listed(failing)}"
    else:
        reason = f"all {counted} tests passed"
    return reason + (f" ({skipped} skipped)" if skipped else "")


def _unscored(run: RawRun, why: str, how: str) -> _Scored:
    status = RunStatus.TIMEOUT if run.timed_out else RunStatus.FAILED
    return status, Decimal(0), f"{why} ({how})", ()


def normalised(text: str) -> str:
    """Line endings as LF, no trailing whitespace on any line, no blank space around the whole."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


def output_matches(case: IoCase, stdout: str) -> tuple[bool, str]:
    """Whether ``stdout`` meets the case's expectation, and why not (empty when it does)."""
    actual = normalised(stdout)
    if case.comparison == Comparison.REGEX:
        try:
            pattern = re.compile(case.expected)
        except re.error as exc:
            return False, f"the expected pattern does not compile ({exc})"
        if pattern.search(actual[:REGEX_INPUT_LIMIT]):
            return True, ""
        return False, f"no match for the pattern {quoted(case.expected)} in {quoted(actual)}"
    expected = normalised(case.expected)
    ok = actual == expected if case.comparison == Comparison.EXACT else expected in actual
    return ok, "" if ok else f"expected {quoted(expected)}, got {quoted(actual)}"


def _case_verdict(case: IoCase, run: RawRun) -> tuple[bool, str]:
    if not ended_cleanly(run):
        return False, ending(run, case.timeout)
    return output_matches(case, decoded(run.stdout))


def score_io(check: Check, max_points: Decimal, runs: Sequence[tuple[IoCase, RawRun]]) -> CheckResult:
    """Score an io check from one run per case, in the check's order."""
    if not runs:
        raise ValueError("an io check is scored from at least one case's run")
    verdicts = [(case, run, *_case_verdict(case, run)) for case, run in runs]
    total = sum((case.points for case, *_ in verdicts), Decimal(0))
    passed = sum((case.points for case, _, ok, _ in verdicts if ok), Decimal(0))
    tests = tuple(
        TestOutcome(
            case.name,
            "passed" if ok else "failed",
            share(max_points, case.points, total) if ok else Decimal(0),
        )
        for case, _, ok, _ in verdicts
    )
    failing = [f"{case.name} ({why})" for case, _, ok, why in verdicts if not ok]
    if not failing:
        status, reason = RunStatus.PASSED, f"all {len(verdicts)} cases passed"
    else:
        every_timeout = all(run.timed_out for _, run, *_ in verdicts)
        status = RunStatus.TIMEOUT if every_timeout else RunStatus.PARTIAL if passed > 0 else RunStatus.FAILED
        reason = f"{len(failing)} of {len(verdicts)} cases failed: {listed(failing)}"
    sections = [
        f"── {case.name}: {'passed' if ok else why} ──\n{run_output(run)}" for case, run, ok, why in verdicts
    ]
    output, truncated = capped("\n".join(sections), any(run.truncated for _, run in runs))
    first_failure = next((run for _, run, ok, _ in verdicts if not ok), runs[-1][1])
    return CheckResult(
        status=status,
        points=share(max_points, passed, total),
        max_points=max_points,
        exit_code=first_failure.exit_code,
        duration_s=sum(run.duration_s for _, run in runs),
        reason=reason,
        tests=tests,
        output=output,
        output_truncated=truncated,
        sandbox=runs[0][1].sandbox,
    )

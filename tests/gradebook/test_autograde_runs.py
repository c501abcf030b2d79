"""`autograde`: real checks on real checkouts in the real sandbox, in parallel, recorded as the
autograde layer; the cache, --rerun, skipped submissions, cancellation, a hostile submission."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from autograde_course import (
    CALC,
    DEADLINE,
    GOOD,
    HANGS,
    Autograded,
    by_key,
    pull_all,
    push_files,
    run_autograde,
    write_course,
)
from processes import processes_with, wait_until_gone
from required_tools import needs_tool

from grader.domain.autograde import RawRun
from grader.domain.events import EventSource
from grader.domain.progress import Progress
from grader.gradebook import autograde_runner
from grader.gradebook.autograde import AutogradeRecorded, AutogradeSkipped, autograde, autograde_reported
from grader.gradebook.context import open_course
from grader.sandbox import SandboxPolicy, SandboxUnavailable
from grader.sandbox import run_in_sandbox as real_run

pytestmark = needs_tool("bubblewrap")


def test_every_autograded_criterion_is_scored_by_really_running_the_tests(
    calculator_autograded: Autograded, autograded_course: Path
) -> None:
    results = by_key(calculator_autograded.results)  # the session's run, on the course copied here
    with open_course(autograded_course, actor="Ada") as ctx:
        grades = ctx.store.grades("a1-calculator")
        events = ctx.store.events("a1-calculator")

    assert sorted(results) == [("00123", "tests"), ("00123", "unit"), ("00124", "tests"), ("00124", "unit")]
    good, partial = results[("00123", "unit")].result, results[("00124", "unit")].result
    assert (good.status.value, good.points, good.sandbox) == ("passed", Decimal(30), "bwrap")
    assert (partial.status.value, partial.points) == ("partial", Decimal(20))
    assert "test_div" in partial.reason
    assert {t.name.rsplit(".", 1)[-1]: t.outcome for t in partial.tests}["test_div"] == "failed"
    assert results[("00124", "tests")].result.status.value == "failed"
    assert results[("00124", "tests")].result.points == Decimal(0)
    assert "1 failed" in results[("00124", "tests")].result.output  # pytest's own words, captured
    assert grades["00123"].autograde["tests"].points == Decimal(20)
    assert grades["00124"].autograde["unit"].tests_passed == 2 and grades["00124"].choices == {}
    assert {e.source for e in events} == {EventSource.AUTOGRADER} and len(events) == 4
    assert {e.actor for e in events} == {"Ada"}


def test_submissions_without_a_checkout_are_skipped_with_why(autograded_course: Path) -> None:
    with open_course(autograded_course, actor="Ada") as ctx:  # the two checked out: stored runs reused
        steps = list(autograde_reported(ctx))
    skipped = {s.student_id: s.reason for s in steps if isinstance(s, AutogradeSkipped)}
    assert set(skipped) == {"00125", "00126", "00127"}  # pulled but missing: no graded commit
    assert all("no graded commit" in reason for reason in skipped.values())

    with open_course(autograded_course, actor="Ada") as ctx:
        only = list(autograde_reported(ctx, student_ids=["00124"]))
    assert {s.student_id for s in only if isinstance(s, AutogradeRecorded)} == {"00124"}


def test_a_stored_run_stands_for_the_same_commit_and_check_until_rerun(
    calculator_autograded: Autograded, autograded_course: Path
) -> None:
    first = calculator_autograded.results  # the first run, of the course copied here
    with open_course(autograded_course, actor="Ada") as ctx:
        again = run_autograde(ctx)
        runs_after_cache = len(ctx.store.runs("a1-calculator", "00123"))
        events_after_cache = len(ctx.store.events("a1-calculator"))
        rerun = run_autograde(ctx, rerun=True)
        runs_after_rerun = len(ctx.store.runs("a1-calculator", "00123"))

    assert (
        not any(r.cached for r in first) and all(r.cached for r in again) and not any(r.cached for r in rerun)
    )
    assert [r.result for r in again] == [
        r.result for r in sorted(first, key=lambda r: (r.student_id, r.criterion_id))
    ]
    assert runs_after_cache == 2 and events_after_cache == 4  # the cache recorded nothing new
    assert runs_after_rerun == 4


def test_a_new_graded_commit_runs_again_and_only_that_one(autograded_course: Path) -> None:
    push_files(autograded_course, "00124", GOOD, DEADLINE - timedelta(hours=2))
    pull_all(autograded_course)
    with open_course(autograded_course, actor="Ada") as ctx:
        results = by_key(run_autograde(ctx))
        grade = ctx.store.grade("a1-calculator", "00124")

    assert results[("00123", "unit")].cached and not results[("00124", "unit")].cached
    assert results[("00124", "unit")].result.points == Decimal(30)
    assert grade.autograde["unit"].status == "passed"


def test_checks_run_in_parallel_up_to_jobs(pulled_course: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each real run waits at a barrier for the others: it passes only if ``jobs`` run at once."""
    barrier = threading.Barrier(4, timeout=60)

    def together(checkout: Path, argv: Sequence[str], **options: object) -> RawRun:
        barrier.wait()
        return real_run(checkout, argv, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(autograde_runner, "run_in_sandbox", together)
    with open_course(pulled_course, actor="Ada") as ctx:
        results = run_autograde(ctx, jobs=4)
    assert len(results) == 4
    assert {r.result.status.value for r in results} <= {"passed", "partial", "failed"}


def test_one_hostile_submission_never_stops_the_others(course_dir: Path) -> None:
    flood = {  # a failing test's output is printed in full by pytest: 50 MB of it
        "calc.py": CALC,
        "test_calc.py": "def test_add():\n    print('x' * 50_000_000)\n    assert False\n",
    }
    escape = {
        "calc.py": "import os\nos.killpg(0, 9)\n",
        "conftest.py": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
        "test_calc.py": "def test_x():\n    assert True\n",
    }
    # 10 s: on a loaded machine the good one's pytest must not reach the timeout too.
    submissions = {"00123": GOOD, "00124": HANGS, "00125": flood, "00126": escape}
    write_course(course_dir, submissions, timeout=10)
    pull_all(course_dir)
    with open_course(course_dir, actor="Ada") as ctx:
        results = by_key(run_autograde(ctx, jobs=2))

    assert results[("00123", "tests")].result.status.value == "passed"
    assert results[("00123", "unit")].result.points == Decimal(30)
    assert results[("00124", "tests")].result.status.value == "timeout"
    assert results[("00124", "unit")].result.status.value == "timeout"
    flooded = results[("00125", "tests")].result
    assert flooded.output_truncated and len(flooded.output) <= 256 * 1024 + 1024
    assert results[("00126", "tests")].result.status.value in ("failed", "error")
    assert len(results) == 8


def test_stopping_the_iteration_ends_the_run_and_records_no_half_result(course_dir: Path) -> None:
    tag = f"stop-{uuid.uuid4().hex[:12]}"
    running = f"-p\x00no:{tag}"  # this test's checks, as /proc shows their command lines
    write_course(course_dir, {"00123": HANGS, "00124": HANGS, "00125": HANGS}, timeout=30, tag=tag)
    pull_all(course_dir)
    with open_course(course_dir, actor="Ada") as ctx:
        steps = autograde(ctx, jobs=2)
        for step in steps:  # heartbeats come every 0.2 s while checks run
            if isinstance(step, Progress) and processes_with(running):
                break  # the students' tests are running in the sandbox now
        assert processes_with(running)
        steps.close()
        assert ctx.store.latest_runs("a1-calculator") == {}
        assert ctx.store.events("a1-calculator") == []
    assert not [t for t in threading.enumerate() if t.name.startswith("autograde")]
    left = wait_until_gone(running)
    assert left == [], [Path(f"/proc/{p}/cmdline").read_bytes()[:300] for p in left]


def test_a_sandbox_that_cannot_work_is_one_refusal_before_anything_runs(
    pulled_course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_SANDBOX", "none")
    with open_course(pulled_course, actor="Ada") as ctx:
        with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
            run_autograde(ctx)
        assert ctx.store.latest_runs("a1-calculator") == {}


def test_a_course_that_trusts_its_code_runs_unsandboxed_says_so_and_audits_it_once(
    pulled_course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GRADER_SANDBOX", "none")
    course_yaml = pulled_course / "course.yaml"
    course_yaml.write_text(course_yaml.read_text().replace("trust: false", "trust: true"))
    with open_course(pulled_course, actor="Ada") as ctx:
        results = run_autograde(ctx)
        audits = ctx.store.audit_entries("autograde with trusted code")
        score = ctx.store.grade("a1-calculator", "00123").autograde["unit"]

    assert {r.result.sandbox for r in results} == {"trusted"} and len(results) == 4
    assert score.sandbox == "trusted" and score.points == Decimal(30)
    assert len(audits) == 1 and audits[0].details["sandbox"] == "trusted"


def test_a_check_that_cannot_run_is_an_error_with_no_score(
    pulled_course: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(checkout: Path, argv: Sequence[str], *, policy: SandboxPolicy, **options: object) -> RawRun:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(autograde_runner, "run_in_sandbox", broken)
    with open_course(pulled_course, actor="Ada") as ctx:
        results = run_autograde(ctx)
        score = ctx.store.grade("a1-calculator", "00123").autograde["tests"]
    assert {r.result.status.value for r in results} == {"error"}
    assert {r.result.points for r in results} == {None}
    assert (score.status, score.points) == ("error", None)
    assert "No space left on device" in score.reason

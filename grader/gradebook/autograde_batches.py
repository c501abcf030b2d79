"""An autograde run's results on their way out: recorded a batch per transaction (with their grade
events and summaries), then handed to the caller."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from grader.domain.autograde import CheckResult
from grader.domain.events import AutogradeRun, StoredRun
from grader.gradebook.autograde_work import CheckTask
from grader.gradebook.context import CourseContext, utc_now
from grader.store.summary_values import Summarize


@dataclass(frozen=True)
class AutogradeRecorded:
    """One criterion's result, recorded (or, when cached and already current, standing as it was)."""

    assignment_id: str
    student_id: str
    criterion_id: str
    result: CheckResult
    cached: bool
    commit: str = ""


Pending = tuple[AutogradeRun | None, AutogradeRecorded]
"""A result to record (None: a stored run already current) and what the caller is told of it."""


def fresh(task: CheckTask, result: CheckResult) -> Pending:
    """A check's new result: recorded as a new run."""
    return _run(task, result), _recorded(task, result, cached=False)


def cached(task: CheckTask, stored: StoredRun) -> Pending:
    """A stored run standing for this check: recorded as current again unless it already is."""
    recorded = _recorded(task, stored.result, cached=True)
    if stored.run_id == task.current_run_id:
        return None, recorded
    return _run(task, stored.result, reused_run_id=stored.run_id), recorded


def _run(task: CheckTask, result: CheckResult, reused_run_id: int | None = None) -> AutogradeRun:
    return AutogradeRun(
        task.assignment_id,
        task.student_id,
        task.criterion.id,
        task.commit,
        task.check.digest,
        result,
        task.rubric_hash,
        reused_run_id=reused_run_id,
    )


def _recorded(task: CheckTask, result: CheckResult, *, cached: bool) -> AutogradeRecorded:
    return AutogradeRecorded(
        task.assignment_id, task.student_id, task.criterion.id, result, cached=cached, commit=task.commit
    )


def flush(ctx: CourseContext, pending: list[Pending], summarize: Summarize) -> Iterator[AutogradeRecorded]:
    """Record the pending results in one transaction, then yield them."""
    batch = list(pending)
    pending.clear()
    record(ctx, [run for run, _ in batch if run is not None], summarize)
    for _, recorded in batch:
        yield recorded


def record(ctx: CourseContext, runs: list[AutogradeRun], summarize: Summarize) -> None:
    if runs:
        ctx.store.record_autograde(runs, actor=ctx.actor, now=utc_now(), summarize=summarize)

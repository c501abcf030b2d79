"""`grader autograde`: run every autograded criterion's check in the sandbox, in parallel, and
record the results as the gradebook's autograde layer. A generator, for the CLI and the TUI.

Only submissions with a graded commit and its checkout are autograded (the others are skipped
with why). A stored run of the same commit, check definition and sandbox kind stands for a new
one (``rerun`` runs every check again). Results are recorded in batches, each one transaction
with its grade events and summaries, and yielded once recorded. One failing or hostile
submission never stops the others. Stopping the iteration (closing the generator) cancels the
checks not started and ends the running ones: a check ended that way is not recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import closing, suppress
from dataclasses import dataclass
from typing import ParamSpec

from grader.domain.autograde import CheckResult
from grader.domain.errors import GraderError
from grader.domain.events import StoredRun
from grader.domain.progress import Progress
from grader.domain.text import printable
from grader.gradebook.autograde_batches import AutogradeRecorded, Pending, cached, flush, fresh, record
from grader.gradebook.autograde_groups import OutcomeGroup, autograde_summaries, outcome_groups
from grader.gradebook.autograde_runner import Stopped, run_task, unscored
from grader.gradebook.autograde_work import (
    AssignmentWork,
    AutogradeSkipped,
    CheckTask,
    checked_students,
    chosen_assignments,
    plan_assignment,
)
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.summary import summarize_with, summary_spec
from grader.sandbox import SandboxPolicy, policy_for, sandbox_kind, stop_all_runs

TRUSTED = "trusted"
FLUSH_EVERY = 32
FLUSH_SECONDS = 0.5
BEAT_SECONDS = 0.2
"""How often the generator yields while checks run, so a consumer can stop it soon."""
STOP_SECONDS = 0.1
AUDIT_TRUST = "autograde with trusted code"


@dataclass(frozen=True)
class AutogradeNote:
    """Something the caller should say once (a warning about badges, unsandboxed runs)."""

    message: str


Step = Progress | AutogradeRecorded
Reported = Progress | AutogradeRecorded | AutogradeSkipped | AutogradeNote
Arguments = ParamSpec("Arguments")


def autograde_reported(
    ctx: CourseContext,
    assignment_ids: Sequence[str] | None = None,
    student_ids: Sequence[str] | None = None,
    *,
    jobs: int | None = None,
    rerun: bool = False,
) -> Generator[Reported, None, None]:
    """Autograde the students' submissions (default: the roster) of the assignments (default:
    every one with an autograded criterion), ``jobs`` checks at a time (default: the course's
    ``checks.jobs``); yields Progress, each result once recorded, the submissions skipped and
    notes to show. A sandbox that cannot work raises SandboxUnavailable before anything runs
    (one message, naming what to install)."""
    students = checked_students(ctx, student_ids)
    assignments = chosen_assignments(ctx, assignment_ids)
    config = ctx.files.course.checks
    policy = policy_for(ctx.root, config)
    sandbox = sandbox_kind(policy)
    works = [plan_assignment(ctx, a, students, sandbox=sandbox, rerun=rerun) for a in assignments]
    if config.trust:
        _audit_trust(ctx, works, sandbox)
        if sandbox == TRUSTED:
            yield AutogradeNote(
                "no sandbox works here: the checks run unsandboxed (course.yaml checks: trust: true)"
            )
    yield from (skipped for work in works for skipped in work.skipped)
    recorded = 0
    for step in _run_all(ctx, works, policy, sandbox, max(1, jobs or config.jobs)):
        recorded += isinstance(step, AutogradeRecorded) and not step.cached
        yield step
    if recorded and ctx.files.course.badges:
        warning = _badges_after(ctx)
        if warning:
            yield AutogradeNote(warning)


def _steps_only(
    reported: Callable[Arguments, Generator[Reported, None, None]],
) -> Callable[Arguments, Generator[Step, None, None]]:
    def steps(*args: Arguments.args, **kwargs: Arguments.kwargs) -> Generator[Step, None, None]:
        """What autograde_reported yields, less the skipped submissions and the notes."""
        with closing(reported(*args, **kwargs)) as found:  # closing the steps ends the checks
            for step in found:
                if isinstance(step, Progress | AutogradeRecorded):
                    yield step

    return steps


autograde = _steps_only(autograde_reported)
"""Progress and each result once recorded (for the TUI, which says nothing of skips or notes)."""


def _audit_trust(ctx: CourseContext, works: list[AssignmentWork], sandbox: str) -> None:
    details: dict[str, object] = {
        "assignments": [w.assignment.id for w in works],
        "sandbox": sandbox,
        "checks": sum(1 for w in works for t in w.tasks if t.cached is None),
    }
    ctx.store.audit(AUDIT_TRUST, details, actor=ctx.actor, now=utc_now())


def _run_all(
    ctx: CourseContext, works: list[AssignmentWork], policy: SandboxPolicy, sandbox: str, jobs: int
) -> Iterator[Step]:
    tasks = [task for work in works for task in work.tasks]
    summarize = summarize_with({w.assignment.id: summary_spec(ctx, w.assignment.id, w.rubric) for w in works})
    total = len(tasks)
    yield Progress(0, total, "autograding")
    pending: list[Pending] = []
    done = 0
    for task in tasks:
        if task.cached is not None:
            pending.append(cached(task, task.cached))
            done += 1
    if pending:
        yield from flush(ctx, pending, summarize)
        yield Progress(done, total, "reused stored runs")
    to_run = [task for task in tasks if task.cached is None]
    if not to_run:
        return
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="autograde")
    futures: dict[Future[CheckResult], CheckTask] = {
        pool.submit(run_task, task, policy, sandbox, stop): task for task in to_run
    }
    flushed = time.monotonic()
    try:
        running = set(futures)
        while running:
            finished, running = wait(running, timeout=BEAT_SECONDS, return_when=FIRST_COMPLETED)
            for future in finished:
                task = futures[future]
                result = _result_of(future, task, sandbox)
                if result is None:
                    continue
                pending.append(fresh(task, result))
                done += 1
                yield Progress(done, total, task.label)
            if len(pending) >= FLUSH_EVERY or (pending and time.monotonic() - flushed > FLUSH_SECONDS):
                yield from flush(ctx, pending, summarize)
                flushed = time.monotonic()
            if not finished:
                yield Progress(done, total, "checks running")  # lets the consumer stop in time
        yield from flush(ctx, pending, summarize)
    finally:
        stop.set()  # a check still running is ended and its result dropped
        for future in futures:
            future.cancel()
        _end_running(futures)
        pool.shutdown(wait=True)
        if pending:  # results that ended before the stop: complete, so kept
            with suppress(GraderError):
                record(ctx, [run for run, _ in pending if run is not None], summarize)


def _end_running(futures: Iterable[Future[CheckResult]]) -> None:
    """End the sandboxed runs still going, as at a timeout, until every check has returned (one
    that was setting up its copy when first told starts its program after: it is ended then)."""
    running = {future for future in futures if not future.done()}
    while running:
        stop_all_runs()
        _, running = wait(running, timeout=STOP_SECONDS)


def _result_of(future: Future[CheckResult], task: CheckTask, sandbox: str) -> CheckResult | None:
    """The check's result; None when it was stopped. A failure of our own becomes an error result."""
    if future.cancelled():
        return None
    try:
        return future.result()
    except Stopped:
        return None
    except GraderError:
        raise  # the sandbox stopped working for every check: one message, not one per check
    except Exception as error:  # a defect scoring one submission must not stop the others
        reason = f"internal error while scoring: {type(error).__name__}: {printable(str(error))}"
        return unscored(task.criterion.max_points, reason, sandbox)


def _badges_after(ctx: CourseContext) -> str:
    """Issue (or flag) the credentials the new results decide, as a grade event does."""
    from grader.gradebook.certify import after_grading  # the issuing libraries load only when used

    try:
        after_grading(ctx, None)
    except GraderError as error:
        return f"the results are saved, but badges could not be updated: {error}"
    return ""


def latest_results(ctx: CourseContext, assignment_id: str, student_id: str) -> dict[str, StoredRun]:
    """Criterion id → the latest run of one submission, output included (what the Grading
    screen shows)."""
    return ctx.store.latest_runs(assignment_id, [student_id], with_output=True).get(student_id, {})


__all__ = [
    "AutogradeNote",
    "AutogradeRecorded",
    "AutogradeSkipped",
    "OutcomeGroup",
    "StoredRun",
    "autograde",
    "autograde_summaries",
    "latest_results",
    "outcome_groups",
]

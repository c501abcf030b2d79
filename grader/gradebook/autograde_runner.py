"""Running one criterion's check on one submission in the sandbox, and scoring what it did.

Whatever the student's program does is a result (failed, timeout, partial…), never an
exception; a run that could not happen (the checkout could not be copied, the command does not
split) is an ``error`` result with no score and the reason. Only a sandbox that refuses to work
at all (SandboxUnavailable) propagates: it is one message for the whole run, not one per check.
"""

from __future__ import annotations

import threading
from decimal import Decimal

from grader.domain.autograde import CheckResult, RawRun, RunStatus, score_io, score_run
from grader.domain.checks import CheckKind, IoCase
from grader.domain.errors import GraderError
from grader.domain.text import printable
from grader.gradebook.autograde_work import CheckTask
from grader.sandbox import SandboxPolicy, SandboxUnavailable, run_in_sandbox


class Stopped(Exception):
    """The autograde run was cancelled while this check ran: its result is not kept."""


def run_task(task: CheckTask, policy: SandboxPolicy, sandbox: str, stop: threading.Event) -> CheckResult:
    """The result of one check (Stopped when ``stop`` was set before it ended)."""
    max_points = task.criterion.max_points
    if stop.is_set():
        raise Stopped
    try:
        argv = task.check.argv()
        if not argv:
            raise ValueError("the command is empty")
    except ValueError as error:
        return unscored(max_points, f"the check's command cannot be split into arguments: {error}", sandbox)
    try:
        if task.check.kind is CheckKind.IO:
            if not task.check.cases:
                return unscored(max_points, "the io check lists no cases", sandbox)
            runs: list[tuple[IoCase, RawRun]] = []
            for case in task.check.cases:
                raw = run_in_sandbox(
                    task.checkout,
                    argv,
                    policy=policy,
                    kind=sandbox,
                    timeout=float(case.timeout),
                    stdin=case.input.encode("utf-8"),
                )
                _check_stop(stop)
                runs.append((case, raw))
            return score_io(task.check, max_points, runs)
        collect = [task.check.report] if task.check.kind is CheckKind.JUNIT else []
        raw = run_in_sandbox(
            task.checkout,
            argv,
            policy=policy,
            kind=sandbox,
            timeout=float(task.check.timeout),
            collect=collect,
        )
        _check_stop(stop)
        return score_run(task.check, max_points, raw)
    except (Stopped, SandboxUnavailable):
        raise
    except (GraderError, OSError) as error:
        return unscored(max_points, f"the check could not run: {printable(str(error))}", sandbox)


def _check_stop(stop: threading.Event) -> None:
    if stop.is_set():  # the run was ended by the cancellation, not by the student's program
        raise Stopped


def unscored(max_points: Decimal, reason: str, sandbox: str) -> CheckResult:
    """A run that could not happen: ``error``, no score (never a silent 0), and why."""
    return CheckResult(RunStatus.ERROR, None, max_points, None, 0.0, reason, sandbox=sandbox)

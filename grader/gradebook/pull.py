"""Pulling submissions: fetch every repository in parallel, record what was seen, check out
the graded commit. A generator, so the CLI and the TUI can show progress and results."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from grader.domain.course import Assignment
from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.pulls import Extension, PullState
from grader.domain.roster import Student
from grader.domain.submission import (
    CommitInfo,
    GradedCommit,
    Observation,
    effective_deadline,
    resolve_graded_commit,
)
from grader.domain.text import printable
from grader.git.checkout import CheckoutRefused, checkout
from grader.git.history import commits, object_exists
from grader.git.limits import Limits
from grader.git.sources import SourceRefused, fill_source, validate_source
from grader.git.sync import SyncOutcome, sync
from grader.gradebook.context import STATE_DIR, CourseContext, utc_now

HISTORY_LIMIT = 10_000
FLUSH_EVERY = 64
FLUSH_SECONDS = 0.5


@dataclass(frozen=True)
class PullResult:
    assignment_id: str
    student_id: str
    result: str
    reason: str
    commit: str | None
    """The graded commit after this pull."""
    head: str | None
    late_minutes: int | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class Known:
    """What the gradebook already knows of one repository before this pull."""

    observations: list[Observation] = field(default_factory=list)
    state: PullState | None = None
    extension: Extension | None = None


def mirror_path(root: Path, assignment_id: str, student_id: str) -> Path:
    return root / STATE_DIR / "repos" / assignment_id / f"{student_id}.git"


def checkout_path(root: Path, assignment_id: str, student_id: str) -> Path:
    return root / STATE_DIR / "checkouts" / assignment_id / student_id


def limits_of(ctx: CourseContext) -> Limits:
    sources = ctx.files.course.sources
    return Limits(
        max_bytes=sources.max_size_mb * 1024 * 1024,
        max_files=sources.max_files,
        timeout=float(sources.timeout_seconds),
    )


def _history(mirror: Path, observations: list[Observation]) -> dict[str, CommitInfo]:
    """Commits reachable from every observed head still in the mirror (newest head first)."""
    history: dict[str, CommitInfo] = {}
    for sha in dict.fromkeys(o.sha for o in reversed(observations) if o.sha):
        if sha in history or not object_exists(mirror, sha):
            continue
        for commit in commits(mirror, sha, limit=HISTORY_LIMIT):
            if commit.sha in history:
                break
            history[commit.sha] = CommitInfo(commit.sha, commit.committed_at, commit.parents)
    return history


def resolve(
    root: Path,
    assignment: Assignment,
    student_id: str,
    observations: list[Observation],
    extension: Extension | None,
) -> GradedCommit:
    """The graded commit from every observation so far, the mirror's history and any extension."""
    mirror = mirror_path(root, assignment.id, student_id)
    history = _history(mirror, observations) if mirror.exists() else {}
    return resolve_graded_commit(
        assignment.deadline, assignment.late, observations, history, extension.until if extension else None
    )


def _sync_one(ctx: CourseContext, assignment: Assignment, student: Student, limits: Limits) -> SyncOutcome:
    allow_local = ctx.files.course.sources.allow_local
    try:
        source = fill_source(
            assignment.repo, github=student.github, student_id=student.student_id, course_dir=ctx.root
        )
        source = validate_source(source, allow_local=allow_local)
    except SourceRefused as refusal:
        return SyncOutcome("refused", printable(str(refusal)), None, None, None)
    mirror = mirror_path(ctx.root, assignment.id, student.student_id)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    return sync(source, mirror, allow_local=allow_local, limits=limits)


def _settled(assignment: Assignment, known: Known, outcome: SyncOutcome, dest: Path) -> bool:
    """Nothing new can change the graded commit: the same head, already seen after the deadline."""
    state = known.state
    if state is None or outcome.result != "unchanged" or not known.observations:
        return False
    due = effective_deadline(assignment.deadline, known.extension.until if known.extension else None)
    seen_after = any(o.observed_at >= due for o in known.observations if o.sha)
    return (
        seen_after
        and known.observations[-1].sha == outcome.head
        and (state.graded_commit is None or dest.is_dir())
    )


def pull_one(
    ctx: CourseContext, assignment: Assignment, student: Student, known: Known, now: datetime | None = None
) -> tuple[Observation, PullState, PullResult]:
    """Fetch one repository and resolve and check out the graded commit; the caller records it."""
    limits = limits_of(ctx)
    outcome = _sync_one(ctx, assignment, student, limits)
    observed = Observation(now or utc_now(), outcome.result, outcome.reason, outcome.ref, outcome.head)
    dest = checkout_path(ctx.root, assignment.id, student.student_id)
    if _settled(assignment, known, outcome, dest) and known.state is not None:
        graded = GradedCommit(known.state.graded_commit, known.state.late_minutes, known.state.flags)
    else:
        graded = resolve(
            ctx.root, assignment, student.student_id, [*known.observations, observed], known.extension
        )
    result, reason, flags = outcome.result, outcome.reason, graded.flags
    previous = known.state.graded_commit if known.state else None
    if graded.sha is not None and (previous != graded.sha or not dest.is_dir()):
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            checkout(mirror_path(ctx.root, assignment.id, student.student_id), graded.sha, dest, limits)
        except CheckoutRefused as refusal:
            result, reason = "refused", printable(str(refusal))
            flags = (*flags, "checkout refused")
        except GraderError as error:
            result, reason = "failed", printable(str(error))
    state = PullState(
        assignment.id,
        student.student_id,
        result,
        reason,
        graded.sha,
        graded.late_minutes,
        flags,
        observed.observed_at,
    )
    pulled = PullResult(
        assignment.id,
        student.student_id,
        result,
        reason,
        graded.sha,
        outcome.head,
        graded.late_minutes,
        flags,
    )
    return observed, state, pulled


def _known(ctx: CourseContext, assignments: list[Assignment]) -> dict[tuple[str, str], Known]:
    """What the gradebook knows of every repository, read in three queries per assignment."""
    known: dict[tuple[str, str], Known] = {}
    for assignment in assignments:
        observations = ctx.store.all_observations(assignment.id)
        states = ctx.store.pull_states(assignment.id)
        extensions = ctx.store.extensions(assignment.id)
        for student_id in {*observations, *states, *extensions}:
            known[(assignment.id, student_id)] = Known(
                observations.get(student_id, []), states.get(student_id), extensions.get(student_id)
            )
    return known


def pull(
    ctx: CourseContext,
    assignment_ids: list[str] | None = None,
    student_ids: list[str] | None = None,
    *,
    jobs: int = 8,
) -> Iterator[Progress | PullResult]:
    """Pull every (selected) repository in parallel; yields progress and one result per repository.

    One repository's failure never stops the others; a second run only fetches. Observations
    are recorded in small batches as results arrive.
    """
    for assignment_id in assignment_ids or []:
        ctx.files.rubric(assignment_id)
    assignments = [a for a in ctx.files.course.assignments if not assignment_ids or a.id in assignment_ids]
    students = [ctx.files.student(s) for s in student_ids] if student_ids else list(ctx.files.students)
    known = _known(ctx, assignments)
    work = [(a, s) for a in assignments for s in students]
    total = len(work)
    yield Progress(0, total, "pulling")
    pending: list[tuple[Observation, PullState]] = []
    flushed = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="pull") as pool:
        futures: dict[Future[tuple[Observation, PullState, PullResult]], tuple[Assignment, Student]] = {
            pool.submit(pull_one, ctx, a, s, known.get((a.id, s.student_id), Known())): (a, s)
            for a, s in work
        }
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                assignment, student = futures[future]
                try:
                    observed, state, result = future.result()
                    pending.append((observed, state))
                except GraderError as error:
                    reason = printable(str(error))
                    result = PullResult(
                        assignment.id, student.student_id, "failed", reason, None, None, None, ()
                    )
                if len(pending) >= FLUSH_EVERY or time.monotonic() - flushed > FLUSH_SECONDS:
                    ctx.store.record_pulls(pending)
                    pending, flushed = [], time.monotonic()
                yield result
                yield Progress(done, total, f"{assignment.id} {student.student_id}")
        finally:
            for future in futures:
                future.cancel()
            ctx.store.record_pulls(pending)


def extend(
    ctx: CourseContext, student_id: str, assignment_id: str, until: datetime, reason: str
) -> PullState | None:
    """Grant an extension (audited) and re-resolve the graded commit from what was observed."""
    student = ctx.files.student(student_id)
    assignment = ctx.files.course.assignment(assignment_id)
    if assignment is None:
        ctx.files.rubric(assignment_id)
        raise GraderError(f"unknown assignment '{assignment_id}'")
    extension = Extension(assignment_id, student.student_id, until, reason, ctx.actor, utc_now())
    ctx.store.grant_extension(extension)
    observations = ctx.store.observations(assignment_id, student.student_id)
    previous = ctx.store.pull_states(assignment_id, student.student_id).get(student.student_id)
    if previous is None or not observations:
        return None
    graded = resolve(ctx.root, assignment, student.student_id, observations, extension)
    state = PullState(
        assignment_id,
        student.student_id,
        previous.result,
        previous.reason,
        graded.sha,
        graded.late_minutes,
        graded.flags,
        previous.pulled_at,
    )
    dest = checkout_path(ctx.root, assignment_id, student.student_id)
    if graded.sha and graded.sha != previous.graded_commit:
        checkout(mirror_path(ctx.root, assignment_id, student.student_id), graded.sha, dest, limits_of(ctx))
    ctx.store.set_pull_state(state)
    return state

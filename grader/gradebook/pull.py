"""Pulling submissions: fetch every repository in parallel, record what was seen, check out
the graded commit. A generator, so the CLI and the TUI can show progress and results."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from grader.domain.course import Assignment
from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.pulls import Extension, PullState
from grader.domain.roster import Student
from grader.domain.submission import (
    SUCCESSFUL,
    CommitInfo,
    GradedCommit,
    Observation,
    effective_deadline,
    resolve_graded_commit,
)
from grader.domain.text import printable
from grader.git.checkout import CheckoutRefused, checkout
from grader.git.env import stop_all_git
from grader.git.history import commits, missing_objects, object_exists
from grader.git.limits import Limits
from grader.git.sources import SourceRefused, fill_source, validate_source
from grader.git.sync import SyncOutcome, sync
from grader.gradebook.anonymity import identities, student_folder
from grader.gradebook.context import STATE_DIR, CourseContext, utc_now
from grader.gradebook.locks import course_lock
from grader.gradebook.summary import summarize_with, summary_spec

HISTORY_LIMIT = 10_000
CHECKOUT_REFUSED = "checkout refused: the files shown are of an earlier commit, or none"
LOST_HISTORY = "the local copy lacks commits seen earlier: the earlier result stands"
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
    shown_as: str = ""
    """How graders see the student (a pseudonym while the assignment's identities are hidden;
    then ``reason`` is scrubbed of the student's name, handle and id too)."""

    @property
    def who(self) -> str:
        return self.shown_as or self.student_id


@dataclass(frozen=True)
class Known:
    """What the gradebook already knows of one repository before this pull."""

    observations: list[Observation] = field(default_factory=list)
    state: PullState | None = None
    extension: Extension | None = None


def mirror_path(root: Path, assignment_id: str, folder: str) -> Path:
    """The bare mirror of one student's repository; ``folder``: see :func:`student_folder`."""
    return root / STATE_DIR / "repos" / assignment_id / f"{folder}.git"


def checkout_path(root: Path, assignment_id: str, folder: str) -> Path:
    """The checkout of one student's graded commit; ``folder``: see :func:`student_folder`."""
    return root / STATE_DIR / "checkouts" / assignment_id / folder


def mirror_of(ctx: CourseContext, assignment_id: str, student_id: str) -> Path:
    return mirror_path(ctx.root, assignment_id, student_folder(ctx, assignment_id, student_id))


def checkout_of(ctx: CourseContext, assignment_id: str, student_id: str) -> Path:
    return checkout_path(ctx.root, assignment_id, student_folder(ctx, assignment_id, student_id))


def _adopt_named_folders(ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    """An assignment made anonymous after a pull: its folders named by student id take the
    pseudonym's name (the checkout is made again from the mirror)."""
    folder = student_folder(ctx, assignment_id, student_id)
    if folder == student_id:
        return
    named, hidden = (
        mirror_path(ctx.root, assignment_id, student_id),
        mirror_path(ctx.root, assignment_id, folder),
    )
    if named.is_dir() and not hidden.exists():
        named.rename(hidden)
    shutil.rmtree(checkout_path(ctx.root, assignment_id, student_id), ignore_errors=True)


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
    latest = observations[-1].sha if observations else None
    for sha in dict.fromkeys(o.sha for o in reversed(observations) if o.sha):
        if sha in history or (sha != latest and not object_exists(mirror, sha)):
            continue
        for commit in commits(mirror, sha, limit=HISTORY_LIMIT):
            if commit.sha in history:
                break
            history[commit.sha] = CommitInfo(commit.sha, commit.committed_at, commit.parents)
    return history


def _needs_history(
    assignment: Assignment, observations: list[Observation], extension: Extension | None
) -> bool:
    """Whether resolving needs commit dates: not when one head was only ever seen, in time."""
    heads = {o.sha for o in observations if o.sha}
    if len(heads) != 1:
        return len(heads) > 1
    due = effective_deadline(assignment.deadline, extension.until if extension else None)
    cutoff = due + timedelta(minutes=assignment.late.grace_minutes)
    return not any(o.sha and o.observed_at <= cutoff for o in observations)


def resolve(
    mirror: Path,
    assignment: Assignment,
    observations: list[Observation],
    extension: Extension | None,
) -> GradedCommit:
    """The graded commit from every observation so far, the mirror's history and any extension."""
    needed = mirror.exists() and _needs_history(assignment, observations, extension)
    history = _history(mirror, observations) if needed else {}
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
    _adopt_named_folders(ctx, assignment.id, student.student_id)
    mirror = mirror_of(ctx, assignment.id, student.student_id)
    mirror.parent.mkdir(parents=True, exist_ok=True)
    return sync(source, mirror, allow_local=allow_local, limits=limits)


def basis_of(assignment: Assignment, extension: Extension | None) -> str:
    """What a resolution depends on besides observations: deadline, grace, extension."""
    due = effective_deadline(assignment.deadline, extension.until if extension else None)
    return f"{due.isoformat()}+{assignment.late.grace_minutes}m"


def _settled(assignment: Assignment, known: Known, outcome: SyncOutcome) -> bool:
    """Nothing new can change the graded commit: same head and basis, already seen after the cutoff."""
    state = known.state
    if state is None or outcome.result != "unchanged" or not known.observations:
        return False
    if state.basis != basis_of(assignment, known.extension) or state.checked_out != state.graded_commit:
        return False
    due = effective_deadline(assignment.deadline, known.extension.until if known.extension else None)
    cutoff = due + timedelta(minutes=assignment.late.grace_minutes)
    seen_after = any(o.observed_at >= cutoff for o in known.observations if o.sha)
    return seen_after and known.observations[-1].sha == outcome.head


def unavailable(mirror: Path, known: Known) -> bool:
    """The local copy lacks a commit that the recorded result or the observations rest on."""
    needed = {o.sha for o in known.observations if o.sha}
    if known.state is not None and known.state.graded_commit:
        needed.add(known.state.graded_commit)
    return bool(needed) and bool(missing_objects(mirror, needed))


def kept_result(state: PullState, extra: str | None = None) -> GradedCommit:
    flags = state.flags if extra is None or extra in state.flags else (*state.flags, extra)
    return GradedCommit(state.graded_commit, state.late_minutes, flags)


def _graded(
    mirror: Path,
    assignment: Assignment,
    known: Known,
    observed: Observation,
    outcome: SyncOutcome,
) -> GradedCommit:
    """The graded commit after this pull; what was known stands when this pull learnt nothing,
    or when the local copy can no longer show what the earlier result rests on."""
    previous = known.state
    same_basis = previous is not None and previous.basis == basis_of(assignment, known.extension)
    learnt_nothing = outcome.result not in SUCCESSFUL or _settled(assignment, known, outcome)
    if previous is not None and same_basis and learnt_nothing:
        return kept_result(previous)
    if previous is not None and previous.graded_commit and unavailable(mirror, known):
        return kept_result(previous, LOST_HISTORY)
    return resolve(mirror, assignment, [*known.observations, observed], known.extension)


def pull_one(
    ctx: CourseContext, assignment: Assignment, student: Student, known: Known, now: datetime | None = None
) -> tuple[Observation, PullState, PullResult]:
    """Fetch one repository and resolve and check out the graded commit; the caller records it."""
    limits = limits_of(ctx)
    outcome = _sync_one(ctx, assignment, student, limits)
    observed = Observation(now or utc_now(), outcome.result, outcome.reason, outcome.ref, outcome.head)
    mirror = mirror_of(ctx, assignment.id, student.student_id)
    graded = _graded(mirror, assignment, known, observed, outcome)
    result, reason, flags = (
        outcome.result,
        outcome.reason,
        tuple(f for f in graded.flags if f != CHECKOUT_REFUSED),
    )
    dest = checkout_of(ctx, assignment.id, student.student_id)
    checked_out = known.state.checked_out if known.state else None
    if graded.sha is not None and (checked_out != graded.sha or not dest.is_dir()):
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
            checkout(mirror, graded.sha, dest, limits)
            checked_out = graded.sha
        except CheckoutRefused as refusal:
            result, reason = "refused", printable(str(refusal))
            flags = (*flags, CHECKOUT_REFUSED)
        except (GraderError, OSError) as error:
            result, reason = "failed", printable(str(error))
            flags = (*flags, CHECKOUT_REFUSED)
    if graded.sha is None and checked_out is not None:
        shutil.rmtree(dest, ignore_errors=True)
        checked_out = None
    flags = tuple(dict.fromkeys(flags))
    state = PullState(
        assignment.id,
        student.student_id,
        result,
        reason,
        graded.sha,
        graded.late_minutes,
        flags,
        observed.observed_at,
        checked_out=checked_out,
        basis=basis_of(assignment, known.extension),
    )
    shown = identities(ctx, assignment.id)
    pulled = PullResult(
        assignment.id,
        student.student_id,
        result,
        shown.scrub(reason, student.student_id),
        graded.sha,
        outcome.head,
        graded.late_minutes,
        flags,
        shown.shown_id(student.student_id),
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
    wanted = list(dict.fromkeys(student_ids or []))
    students = [ctx.files.student(s) for s in wanted] if wanted else list(ctx.files.students)
    work = [(a, s) for a in assignments for s in students]
    with course_lock(ctx.root / STATE_DIR, "pull"):
        yield from _pull_all(ctx, work, jobs)


def _pull_all(
    ctx: CourseContext, work: list[tuple[Assignment, Student]], jobs: int
) -> Iterator[Progress | PullResult]:
    assignments = list({a.id: a for a, _ in work}.values())
    known = _known(ctx, assignments)
    summarize = summarize_with({a.id: summary_spec(ctx, a.id) for a in assignments})
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
                except (GraderError, OSError) as error:
                    reason = printable(str(error))
                    result = PullResult(
                        assignment.id, student.student_id, "failed", reason, None, None, None, ()
                    )
                if len(pending) >= FLUSH_EVERY or time.monotonic() - flushed > FLUSH_SECONDS:
                    ctx.store.record_pulls(pending, summarize=summarize)
                    pending, flushed = [], time.monotonic()
                yield result
                yield Progress(done, total, f"{assignment.id} {student.student_id}")
        except BaseException:
            # Ctrl-C or a closed consumer: stop every git still running instead of waiting for timeouts.
            for future in futures:
                future.cancel()
            stop_all_git()
            raise
        finally:
            ctx.store.record_pulls(pending, summarize=summarize)

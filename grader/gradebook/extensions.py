"""Deadline extensions: granted (audited), then the graded commit re-resolved from what was seen."""

from __future__ import annotations

from datetime import datetime, timedelta

from grader.domain.course import Assignment
from grader.domain.errors import GraderError
from grader.domain.pulls import Extension, PullState
from grader.domain.roster import Student
from grader.git.checkout import checkout
from grader.gradebook.context import STATE_DIR, CourseContext, utc_now
from grader.gradebook.locks import course_lock
from grader.gradebook.pull import (
    CHECKOUT_REFUSED,
    LOST_HISTORY,
    Known,
    basis_of,
    checkout_of,
    kept_result,
    limits_of,
    mirror_of,
    resolve,
    unavailable,
)
from grader.gradebook.summary import summarizer

MAX_EXTENSION = timedelta(days=366)


def extend(
    ctx: CourseContext, student_id: str, assignment_id: str, until: datetime, reason: str
) -> PullState | None:
    """Grant an extension (audited) and re-resolve the graded commit from what was observed."""
    student = ctx.files.student(student_id)
    assignment = ctx.files.course.assignment(assignment_id)
    if assignment is None:
        ctx.files.rubric(assignment_id)
        raise GraderError(f"unknown assignment '{assignment_id}'")
    if not assignment.deadline <= until <= assignment.deadline + MAX_EXTENSION:
        raise GraderError(
            f"--until must be after the deadline ({assignment.deadline.isoformat()}) and within "
            f"{MAX_EXTENSION.days} days of it, got {until.isoformat()}"
        )
    with course_lock(ctx.root / STATE_DIR, "extend"):
        return _extend(ctx, student, assignment, until, reason)


def _extend(
    ctx: CourseContext, student: Student, assignment: Assignment, until: datetime, reason: str
) -> PullState | None:
    assignment_id = assignment.id
    extension = Extension(assignment_id, student.student_id, until, reason, ctx.actor, utc_now())
    ctx.store.grant_extension(extension)
    observations = ctx.store.observations(assignment_id, student.student_id)
    previous = ctx.store.pull_states(assignment_id, student.student_id).get(student.student_id)
    if previous is None or not observations:
        return None
    known = Known(observations, previous, extension)
    mirror = mirror_of(ctx, assignment_id, student.student_id)
    if previous.graded_commit and unavailable(mirror, known):
        graded = kept_result(previous, LOST_HISTORY)
    else:
        graded = resolve(mirror, assignment, observations, extension)
    dest = checkout_of(ctx, assignment_id, student.student_id)
    checked_out, flags = previous.checked_out, graded.flags
    if graded.sha and (graded.sha != previous.checked_out or not dest.is_dir()):
        try:
            checkout(mirror, graded.sha, dest, limits_of(ctx))
            checked_out = graded.sha
        except (GraderError, OSError):
            flags = (*flags, CHECKOUT_REFUSED)
    state = PullState(
        assignment_id,
        student.student_id,
        previous.result,
        previous.reason,
        graded.sha,
        graded.late_minutes,
        flags,
        previous.pulled_at,
        checked_out=checked_out,
        basis=basis_of(assignment, extension),
    )
    ctx.store.set_pull_state(state, summarize=summarizer(ctx, assignment_id))
    return state

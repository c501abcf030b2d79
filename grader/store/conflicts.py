"""Stale saves: kept in the grade log as refused attempts, reported naming who changed the
criterion, when and to what."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from grader.domain.choice_words import describe_choice
from grader.domain.choices import CriterionChoice
from grader.domain.errors import ConflictError
from grader.domain.events import EventOutcome, EventSource
from grader.store.codec import choice_from_columns, choice_from_json, normalized
from grader.store.saving import (
    Conflict,
    Stamp,
    StoredSubmission,
    create_submissions,
    event_row,
    lock_submissions,
)
from grader.store.tables import CHOICE, CHOICE_VALUES, GRADE_EVENT


def record_conflicts(
    session: Session, conflicts: list[Conflict], stamp: Stamp, *, batch_size: int
) -> ConflictError:
    """Append a 'conflict' event per refused change; return the error to raise."""
    keys = sorted({(c.change.assignment_id, c.change.student_id) for c in conflicts})
    stored = lock_submissions(session, keys)
    missing = [key for key in keys if key not in stored]
    if missing:  # an event names its submission, so a never-saved one gets its (empty) row
        create_submissions(session, missing)
        stored.update(lock_submissions(session, missing))
    rows = []
    for conflict in conflicts:
        change = conflict.change
        submission = stored[(change.assignment_id, change.student_id)]
        old = _current_choice(session, submission.id, change.criterion_id)
        rows.append(
            event_row(
                change,
                old,
                normalized(change.choice),
                stamp,
                submission.id,
                change.expected_version or 0,
                EventOutcome.CONFLICT,
            )
        )
    session.execute(insert(GRADE_EVENT), rows)
    first = conflicts[0]
    return _error(
        session,
        first,
        stored[(first.change.assignment_id, first.change.student_id)],
        len(conflicts),
        batch_size,
    )


def _current_choice(session: Session, submission_id: int, criterion_id: str) -> CriterionChoice:
    row = session.execute(
        select(
            *CHOICE_VALUES,
        ).where(CHOICE.c.submission_id == submission_id, CHOICE.c.criterion_id == criterion_id)
    ).one_or_none()
    return choice_from_columns(*row) if row is not None else CriterionChoice()


def _error(
    session: Session,
    conflict: Conflict,
    submission: StoredSubmission,
    count: int,
    batch_size: int,
) -> ConflictError:
    """The refusal in words: who changed this criterion, when, to what."""
    change = conflict.change
    expected = change.expected_version or 0
    latest = session.execute(
        select(GRADE_EVENT.c.actor, GRADE_EVENT.c.at, GRADE_EVENT.c.new)
        .where(
            GRADE_EVENT.c.submission_id == submission.id,
            GRADE_EVENT.c.criterion_id == change.criterion_id,
            GRADE_EVENT.c.outcome == EventOutcome.APPLIED.value,
            GRADE_EVENT.c.source != EventSource.AUTOGRADER.value,
            GRADE_EVENT.c.version > expected,
        )
        .order_by(GRADE_EVENT.c.id.desc())
        .limit(1)
    ).one_or_none()
    if latest is not None:
        who, when = latest.actor, latest.at
        what = f"now {describe_choice(choice_from_json(latest.new))}"
    else:  # a version this submission never had: the grader saw another gradebook
        who, when = submission.updated_by or "someone else", submission.updated_at or ""
        what = "the gradebook holds an older version than the one you saw"
    batch = (
        f" Nothing from this batch of {batch_size} changes was saved ({count} were stale)."
        if batch_size > 1
        else ""
    )
    message = (
        f"Not saved: {change.student_id}'s {change.criterion_id} in {change.assignment_id} was "
        f"changed by {who} at {_shown(when)} ({what}; you had version {expected}, it is now "
        f"version {submission.version}). Reload and try again.{batch}"
    )
    return ConflictError(message, changed_by=who, changed_at=when, version=submission.version)


def _shown(at: str) -> str:
    """A stored UTC time as a person reads it: 2026-03-02 09:33:00 UTC."""
    return f"{at[:19].replace('T', ' ')} UTC" if at else "an unknown time"

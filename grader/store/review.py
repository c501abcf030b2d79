"""A submission's review state beside its grade: a grader's flag note and the excused mark."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from grader.domain.choices import CriterionChoice
from grader.domain.events import EventOutcome, EventSource
from grader.store.codec import choice_from_columns, choice_from_json, dump_json
from grader.store.saving import create_submissions
from grader.store.tables import CHOICE, GRADE_EVENT, RUBRIC_CHECK, SUBMISSION


def set_review(
    session: Session,
    assignment_id: str,
    student_id: str,
    *,
    flag_note: str | None = None,
    excused: bool | None = None,
) -> None:
    """Set the flag note (empty: cleared) and/or the excused mark; the grade's version stays."""
    create_submissions(session, [(assignment_id, student_id)])  # kept if it already exists
    values: dict[str, object] = {}
    if flag_note is not None:
        values["flags"] = dump_json([flag_note] if flag_note else [])
    if excused is not None:
        values["excused"] = excused
    if values:
        session.execute(
            update(SUBMISSION)
            .where(SUBMISSION.c.assignment_id == assignment_id, SUBMISSION.c.student_id == student_id)
            .values(**values)
        )


def choices_in_use(session: Session, assignment_id: str) -> list[tuple[str, CriterionChoice, int]]:
    """Each distinct (criterion, level / items / points) an assignment's grades use, with a count.

    One grouped query: a rubric is checked against a few hundred rows, not a class's grades.
    """
    statement = (
        select(CHOICE.c.criterion_id, CHOICE.c.level, CHOICE.c["items"], CHOICE.c.points, func.count())
        .select_from(SUBMISSION.join(CHOICE, CHOICE.c.submission_id == SUBMISSION.c.id))
        .where(SUBMISSION.c.assignment_id == assignment_id)
        .group_by(CHOICE.c.criterion_id, CHOICE.c.level, CHOICE.c["items"], CHOICE.c.points)
    )
    return [
        (criterion_id, choice_from_columns(level, items, points, "0", "", ""), count)
        for criterion_id, level, items, points, count in session.execute(statement)
    ]


def events_in_commit_order(dialect: str) -> bool:
    """True where every event committed after a mark has a higher id than it (SQLite only):
    then the events since a mark can be read by id, and a verification extended with them."""
    return dialect == "sqlite"


def rubric_check(session: Session, assignment_id: str) -> tuple[str, int, str] | None:
    """(rubric hash, newest event id covered, UTC time of the full check) of the last
    verification of an assignment's choices in use, or None."""
    row = session.execute(
        select(RUBRIC_CHECK.c.rubric_hash, RUBRIC_CHECK.c.event_id, RUBRIC_CHECK.c.checked_at).where(
            RUBRIC_CHECK.c.assignment_id == assignment_id
        )
    ).first()
    return None if row is None else (row.rubric_hash, row.event_id, row.checked_at)


def record_rubric_check(
    session: Session, assignment_id: str, rubric_hash: str, event_id: int, checked_at: str
) -> None:
    """Replace the assignment's verification (one row each; the newest writer wins)."""
    session.execute(RUBRIC_CHECK.delete().where(RUBRIC_CHECK.c.assignment_id == assignment_id))
    session.execute(
        RUBRIC_CHECK.insert().values(
            assignment_id=assignment_id, rubric_hash=rubric_hash, event_id=event_id, checked_at=checked_at
        )
    )


def last_event_id(session: Session) -> int:
    """The newest grade event's id (0 when there is none): every change of a choice adds one."""
    return session.execute(select(func.max(GRADE_EVENT.c.id))).scalar() or 0


def choices_since(
    session: Session, assignment_id: str, after_event_id: int, limit: int
) -> tuple[int, list[tuple[str, CriterionChoice]]] | None:
    """The newest event id read, and (criterion id, new choice) of an assignment's applied
    events after ``after_event_id`` (graders' choices: the autograder's events are left out).

    Read by id range alone (the newest few rows); None when more than ``limit`` events of any
    assignment came since, or on PostgreSQL (the caller then checks everything instead). Only
    SQLite commits events in id order (one writer at a time, each id one past the newest), so
    every event committed after a mark has a higher id; PostgreSQL numbers an event when it is
    inserted, so a slower writer's lower id can become visible after a mark taken past it.
    """
    if not events_in_commit_order(session.get_bind().dialect.name):
        return None
    statement = (
        select(GRADE_EVENT.c.id, GRADE_EVENT.c.assignment_id, GRADE_EVENT.c.criterion_id, GRADE_EVENT.c.new)
        .where(
            GRADE_EVENT.c.id > after_event_id,
            GRADE_EVENT.c.outcome == EventOutcome.APPLIED.value,
            GRADE_EVENT.c.source != EventSource.AUTOGRADER.value,  # the other layer: no choice
        )
        .order_by(GRADE_EVENT.c.id)
        .limit(limit + 1)
    )
    rows = session.execute(statement).all()
    if len(rows) > limit:
        return None
    newest = rows[-1].id if rows else after_event_id
    mine = [(r.criterion_id, choice_from_json(r.new)) for r in rows if r.assignment_id == assignment_id]
    return newest, mine

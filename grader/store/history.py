"""Reading the append-only logs back: one criterion's changes since a version, and the whole
grade and audit logs streamed in chunks (a long history is never held in memory at once)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import Session

from grader.domain.choices import CriterionChoice
from grader.domain.events import AuditEntry, EventOutcome, EventSource, GradeEvent
from grader.store.codec import load_json_dict, parse_timestamp, timestamp
from grader.store.reading import STREAM_ROWS, event_from_row
from grader.store.tables import AUDIT_EVENT, GRADE_EVENT

_CRITERION_CHANGES = (
    select(GRADE_EVENT)
    .where(
        GRADE_EVENT.c.assignment_id == bindparam("b_assignment"),
        GRADE_EVENT.c.student_id == bindparam("b_student"),
        GRADE_EVENT.c.criterion_id == bindparam("b_criterion"),
        GRADE_EVENT.c.outcome == EventOutcome.APPLIED.value,
        GRADE_EVENT.c.source != EventSource.AUTOGRADER.value,
        GRADE_EVENT.c.version > bindparam("b_version"),
    )
    .order_by(GRADE_EVENT.c.id)
)
"""Built once: it runs before every choice a Grading screen saves."""


def criterion_changes(
    session: Session, assignment_id: str, student_id: str, criterion_id: str, after_version: int
) -> list[GradeEvent]:
    """The applied changes of one criterion of one submission made after ``after_version``,
    oldest first: what a grader who saw that version has not seen (the autograder's runs are a
    layer of their own and left out)."""
    params = {
        "b_assignment": assignment_id,
        "b_student": student_id,
        "b_criterion": criterion_id,
        "b_version": after_version,
    }
    return [event_from_row(row) for row in session.execute(_CRITERION_CHANGES, params)]


def stream_events(
    session: Session,
    *,
    assignment_id: str | None = None,
    student_id: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
) -> Iterator[GradeEvent]:
    """Grade events, applied and refused, in the order recorded, fetched ``STREAM_ROWS`` at a time."""
    c = GRADE_EVENT.c
    conditions: list[ColumnElement[bool]] = []
    if assignment_id is not None:
        conditions.append(c.assignment_id == assignment_id)
    if student_id is not None:
        conditions.append(c.student_id == student_id)
    if actor is not None:
        conditions.append(c.actor == actor)
    if since is not None:
        conditions.append(c.at >= timestamp(since))  # fixed-width UTC text sorts as time does
    statement = select(GRADE_EVENT).where(*conditions).order_by(c.id).execution_options(yield_per=STREAM_ROWS)
    for rows in session.execute(statement).partitions():
        choices: dict[str, CriterionChoice] = {}  # equal values shared within a chunk, then dropped
        times: dict[str, datetime] = {}
        for row in rows:
            yield event_from_row(row, choices, times)


def stream_audit(
    session: Session, *, actor: str | None = None, since: datetime | None = None
) -> Iterator[AuditEntry]:
    """Audit entries (the actions beside grading), in the order recorded, streamed in chunks."""
    c = AUDIT_EVENT.c
    conditions: list[ColumnElement[bool]] = []
    if actor is not None:
        conditions.append(c.actor == actor)
    if since is not None:
        conditions.append(c.at >= timestamp(since))
    statement = select(AUDIT_EVENT).where(*conditions).order_by(c.id).execution_options(yield_per=STREAM_ROWS)
    for rows in session.execute(statement).partitions():
        for row in rows:
            yield AuditEntry(
                id=row.id,
                at=parse_timestamp(row.at),
                actor=row.actor,
                action=row.action,
                details=load_json_dict(row.details),
            )

"""Undo: which grade events an actor may still undo, and the audit mark that an undo leaves."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from grader.domain.events import EventOutcome, EventSource, GradeEvent
from grader.store.codec import load_json_dict
from grader.store.reading import event_from_row
from grader.store.tables import AUDIT_EVENT, GRADE_EVENT

UNDONE = "grade undone"
"""The audit action an undo records, naming the grade event it undid (grade events are append-only)."""

SCAN_ROWS = 200


def undone_event_ids(session: Session, actor: str) -> set[int]:
    """The ids of the grade events ``actor`` has undone."""
    statement = select(AUDIT_EVENT.c.details).where(
        AUDIT_EVENT.c.action == UNDONE, AUDIT_EVENT.c.actor == actor
    )
    found: set[int] = set()
    for (details,) in session.execute(statement):
        event_id = load_json_dict(details).get("event_id")
        if isinstance(event_id, int):
            found.add(event_id)
    return found


def last_undoable(
    session: Session,
    actor: str,
    *,
    assignment_id: str | None,
    student_id: str | None,
    sources: Sequence[EventSource],
) -> GradeEvent | None:
    """The actor's latest applied event from ``sources`` not undone yet (newest first, stops early)."""
    undone = undone_event_ids(session, actor)
    conditions: list[ColumnElement[bool]] = [
        GRADE_EVENT.c.actor == actor,
        GRADE_EVENT.c.outcome == EventOutcome.APPLIED.value,
        GRADE_EVENT.c.source.in_([source.value for source in sources]),
    ]
    if assignment_id is not None:
        conditions.append(GRADE_EVENT.c.assignment_id == assignment_id)
    if student_id is not None:
        conditions.append(GRADE_EVENT.c.student_id == student_id)
    statement = (
        select(GRADE_EVENT)
        .where(*conditions)
        .order_by(GRADE_EVENT.c.id.desc())
        .execution_options(yield_per=SCAN_ROWS)
    )
    result = session.execute(statement)
    try:
        for row in result:
            if row.id not in undone:
                return event_from_row(row)
    finally:
        result.close()
    return None

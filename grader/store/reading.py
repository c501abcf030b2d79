"""Queries that turn rows into domain values: current grades, grade events, their replay."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from itertools import chain
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, select
from sqlalchemy.orm import Session

from grader.domain.choices import CriterionChoice
from grader.domain.events import EventOutcome, EventSource, GradeEvent, SubmissionGrade
from grader.store.autograde_tables import AUTOGRADE_RESULT
from grader.store.codec import cached, choice_from_json, parse_timestamp
from grader.store.decode import autograde_from_rows, grades_from_rows
from grader.store.tables import CHOICE, CHOICE_VALUES, GRADE_EVENT, SUBMISSION

STREAM_ROWS = 10_000
"""Rows fetched at a time by the queries that read a whole class."""


GRADE_COLUMNS = (
    SUBMISSION.c.assignment_id,
    SUBMISSION.c.student_id,
    SUBMISSION.c.version,
    SUBMISSION.c.updated_by,
    SUBMISSION.c.updated_at,
    SUBMISSION.c.flags,
    SUBMISSION.c.excused,
    CHOICE.c.criterion_id,
    *CHOICE_VALUES,
)


AUTOGRADE_COLUMNS = (
    SUBMISSION.c.student_id,
    AUTOGRADE_RESULT.c.criterion_id,
    AUTOGRADE_RESULT.c.status,
    AUTOGRADE_RESULT.c.points,
    AUTOGRADE_RESULT.c.reason,
    AUTOGRADE_RESULT.c.tests_passed,
    AUTOGRADE_RESULT.c.tests_total,
    AUTOGRADE_RESULT.c.sandbox,
)
"""One autograde result per row, in decode.autograde_from_rows order."""
WITH_RESULTS = SUBMISSION.join(AUTOGRADE_RESULT, AUTOGRADE_RESULT.c.submission_id == SUBMISSION.c.id)


def read_grades(
    session: Session, where: ColumnElement[bool], params: Mapping[str, object] | None = None
) -> dict[str, SubmissionGrade]:
    """The grades of the matching submissions, keyed by student id, in one joined query, and
    their autograde layer in a second (``params``: values of the bound parameters ``where`` names).

    The rows are streamed (a large class has millions), never all held at once.
    """
    layers = autograde_from_rows(
        session.execute(select(*AUTOGRADE_COLUMNS).select_from(WITH_RESULTS).where(where), params)
    )
    statement = (
        select(*GRADE_COLUMNS)
        .select_from(SUBMISSION.outerjoin(CHOICE, CHOICE.c.submission_id == SUBMISSION.c.id))
        .where(where)
        .order_by(SUBMISSION.c.student_id, CHOICE.c.criterion_id)
        .execution_options(yield_per=STREAM_ROWS)
    )
    return grades_from_rows(chain.from_iterable(session.execute(statement, params).partitions()), layers)


def empty_grade(assignment_id: str, student_id: str) -> SubmissionGrade:
    return SubmissionGrade(
        assignment_id=assignment_id,
        student_id=student_id,
        version=0,
        choices={},
        updated_by="",
        updated_at=None,
    )


def read_events(
    session: Session,
    *,
    assignment_id: str | None = None,
    student_id: str | None = None,
    outcomes: Sequence[EventOutcome] = (EventOutcome.APPLIED, EventOutcome.CONFLICT),
) -> list[GradeEvent]:
    """Grade events in the order they were recorded."""
    conditions: list[ColumnElement[bool]] = [
        GRADE_EVENT.c.outcome.in_([outcome.value for outcome in outcomes])
    ]
    if assignment_id is not None:
        conditions.append(GRADE_EVENT.c.assignment_id == assignment_id)
    if student_id is not None:
        conditions.append(GRADE_EVENT.c.student_id == student_id)
    statement = select(GRADE_EVENT).where(and_(*conditions)).order_by(GRADE_EVENT.c.id)
    choices: dict[str, CriterionChoice] = {}
    times: dict[str, datetime] = {}
    return [event_from_row(row, choices, times) for row in session.execute(statement).all()]


def event_from_row(
    row: Row[Any],
    choices: dict[str, CriterionChoice] | None = None,
    times: dict[str, datetime] | None = None,
) -> GradeEvent:
    """A ``grade_event`` row as a GradeEvent; ``choices`` and ``times`` share equal parsed values."""
    choices = {} if choices is None else choices
    times = {} if times is None else times
    return GradeEvent(
        id=row.id,
        at=cached(times, row.at, parse_timestamp),
        actor=row.actor,
        assignment_id=row.assignment_id,
        student_id=row.student_id,
        criterion_id=row.criterion_id,
        old=cached(choices, row.old, choice_from_json),
        new=cached(choices, row.new, choice_from_json),
        rubric_hash=row.rubric_hash,
        source=EventSource(row.source),
        outcome=EventOutcome(row.outcome),
        version=row.version,
    )


def replay(events: Iterable[GradeEvent]) -> dict[str, dict[str, CriterionChoice]]:
    """The graders' current choices per student, rebuilt from applied events alone (the
    autograder's events record the other layer, the autograde results, and are skipped)."""
    state: dict[str, dict[str, CriterionChoice]] = {}
    for event in events:
        if event.outcome is not EventOutcome.APPLIED or event.source is EventSource.AUTOGRADER:
            continue
        choices = state.setdefault(event.student_id, {})
        if event.new.is_empty:
            choices.pop(event.criterion_id, None)
        else:
            choices[event.criterion_id] = event.new
    return {student_id: choices for student_id, choices in state.items() if choices}

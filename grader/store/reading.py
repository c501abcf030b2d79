"""Queries that turn rows into domain values: current grades, grade events, their replay."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, and_, select
from sqlalchemy.orm import Session

from grader.domain.choices import CriterionChoice
from grader.domain.events import EventOutcome, EventSource, GradeEvent, SubmissionGrade
from grader.store.codec import choice_from_columns, choice_from_json, parse_timestamp
from grader.store.tables import CHOICE, CHOICE_VALUES, GRADE_EVENT, SUBMISSION

_V = TypeVar("_V")

_GRADE_COLUMNS = (
    SUBMISSION.c.assignment_id,
    SUBMISSION.c.student_id,
    SUBMISSION.c.version,
    SUBMISSION.c.updated_by,
    SUBMISSION.c.updated_at,
    CHOICE.c.criterion_id,
    *CHOICE_VALUES,
)


def read_grades(session: Session, where: ColumnElement[bool]) -> dict[str, SubmissionGrade]:
    """The grades of the matching submissions, keyed by student id, in one joined query."""
    statement = (
        select(*_GRADE_COLUMNS)
        .select_from(SUBMISSION.outerjoin(CHOICE, CHOICE.c.submission_id == SUBMISSION.c.id))
        .where(where)
        .order_by(SUBMISSION.c.student_id, CHOICE.c.criterion_id)
    )
    return _grades_from_rows(session.execute(statement).all())


def _grades_from_rows(rows: Iterable[Sequence[Any]]) -> dict[str, SubmissionGrade]:
    grades: dict[str, SubmissionGrade] = {}
    # Choices and times repeat across a class; equal ones are parsed once and shared (frozen).
    choices: dict[tuple[Any, ...], CriterionChoice] = {}
    times: dict[str, datetime] = {}
    for (
        assignment_id,
        student_id,
        version,
        updated_by,
        updated_at,
        criterion_id,
        *choice,
    ) in rows:
        grade = grades.get(student_id)
        if grade is None:
            grade = SubmissionGrade(
                assignment_id=assignment_id,
                student_id=student_id,
                version=version,
                choices={},
                updated_by=updated_by,
                updated_at=_cached(times, updated_at, parse_timestamp) if updated_at else None,
            )
            grades[student_id] = grade
        if criterion_id is not None:
            columns = tuple(choice)
            parsed = choices.get(columns)
            if parsed is None:
                parsed = choices[columns] = choice_from_columns(*columns)
            grade.choices[criterion_id] = parsed
    return grades


def _cached(cache: dict[str, _V], text: str, parse: Callable[[str], _V]) -> _V:
    value = cache.get(text)
    if value is None:
        value = cache[text] = parse(text)
    return value


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
    return [_event(row, choices, times) for row in session.execute(statement).all()]


def _event(row: Row[Any], choices: dict[str, CriterionChoice], times: dict[str, datetime]) -> GradeEvent:
    return GradeEvent(
        id=row.id,
        at=_cached(times, row.at, parse_timestamp),
        actor=row.actor,
        assignment_id=row.assignment_id,
        student_id=row.student_id,
        criterion_id=row.criterion_id,
        old=_cached(choices, row.old, choice_from_json),
        new=_cached(choices, row.new, choice_from_json),
        rubric_hash=row.rubric_hash,
        source=EventSource(row.source),
        outcome=EventOutcome(row.outcome),
        version=row.version,
    )


def replay(events: Iterable[GradeEvent]) -> dict[str, dict[str, CriterionChoice]]:
    """The current choices per student, rebuilt from applied events alone."""
    state: dict[str, dict[str, CriterionChoice]] = {}
    for event in events:
        if event.outcome is not EventOutcome.APPLIED:
            continue
        choices = state.setdefault(event.student_id, {})
        if event.new.is_empty:
            choices.pop(event.criterion_id, None)
        else:
            choices[event.criterion_id] = event.new
    return {student_id: choices for student_id, choices in state.items() if choices}

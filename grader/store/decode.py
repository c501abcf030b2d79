"""Rows of the grade and pull-state queries as domain values, with no database library.

Shared by the SQLAlchemy store (grader.store.reading, grader.store.pulls) and the read-only
quick view (grader.store.quick), so both decode a row exactly alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from grader.domain.choices import CriterionChoice
from grader.domain.events import NO_AUTOGRADE, AutogradeScore, SubmissionGrade
from grader.domain.pulls import PullState
from grader.store.codec import cached, choice_from_columns, parse_timestamp

NO_FLAGS = "[]"


def grades_from_rows(
    rows: Iterable[tuple[Any, ...]], autograde: Mapping[str, Mapping[str, AutogradeScore]] | None = None
) -> dict[str, SubmissionGrade]:
    """Grades from rows ordered by student, one row per choice (or one with no choice), with
    each student's autograde layer from ``autograde`` (``autograde_from_rows``).

    A row: assignment id, student id, version, updated by, updated at, flags, excused,
    criterion id, then the six choice columns (codec.choice_from_columns order).
    """
    layers = autograde or {}
    grades: dict[str, SubmissionGrade] = {}
    # Choices, times and texts repeat across a class: equal ones are made once and shared (choices
    # are frozen), so a class holds one object per distinct value, not one per row.
    choices: dict[tuple[Any, ...], CriterionChoice] = {}
    times: dict[str, datetime] = {}
    texts: dict[str, str] = {}
    current: str | None = None
    chosen: dict[str, CriterionChoice] = {}
    for row in rows:
        if row[1] != current:  # the rows of one student come together
            assignment_id, current, version, updated_by, updated_at, flags, excused = row[:7]
            chosen = {}
            grades[current] = SubmissionGrade(
                texts.setdefault(assignment_id, assignment_id),
                current,
                version,
                chosen,
                texts.setdefault(updated_by, updated_by),
                cached(times, updated_at, parse_timestamp) if updated_at else None,
                bool(excused),
                flag_note(flags) if flags != NO_FLAGS else "",
                layers.get(current, NO_AUTOGRADE),
            )
        criterion_id = row[7]
        if criterion_id is not None:
            columns = tuple(row[8:])
            choice = choices.get(columns)
            if choice is None:
                choice = choices[columns] = choice_from_columns(*columns)
            chosen[texts.setdefault(criterion_id, criterion_id)] = choice
    return grades


def autograde_from_rows(rows: Iterable[tuple[Any, ...]]) -> dict[str, dict[str, AutogradeScore]]:
    """Each student's autograde layer (criterion id → score) from ``autograde_result`` rows:
    student id, criterion id, status, points, reason, tests passed, tests total, sandbox."""
    found: dict[str, dict[str, AutogradeScore]] = {}
    shared: dict[tuple[Any, ...], AutogradeScore] = {}  # a class repeats a few outcomes
    for student_id, criterion_id, *values in rows:
        key = tuple(values)
        score = shared.get(key)
        if score is None:
            status, points, reason, passed, total, sandbox = values
            score = shared[key] = AutogradeScore(
                status, None if points is None else Decimal(points), reason, passed, total, sandbox
            )
        found.setdefault(student_id, {})[criterion_id] = score
    return found


def flag_note(flags: str | None) -> str:
    """The manual flag note kept in ``submission.flags`` (a JSON list holding at most one note)."""
    if not flags:
        return ""
    notes: Any = json.loads(flags)
    return str(notes[0]) if isinstance(notes, list) and notes else ""


def states_from_rows(rows: Iterable[tuple[Any, ...]]) -> dict[str, PullState]:
    """Pull states from ``pull_state`` rows in PullState field order, keyed by student id."""
    # Most of a class shares its flags, pull times and texts: each distinct one is made once.
    flags: dict[str, tuple[str, ...]] = {}
    times: dict[str, datetime] = {}
    texts: dict[str, str] = {}
    states: dict[str, PullState] = {}
    for row in rows:
        assignment, student, result, reason, commit, late, flag_text, at, checked_out, basis = row
        states[student] = PullState(
            texts.setdefault(assignment, assignment),
            student,
            texts.setdefault(result, result),
            texts.setdefault(reason, reason),
            commit,
            late,
            cached(flags, flag_text, _load_flags),
            cached(times, at, parse_timestamp),
            commit if checked_out == commit else checked_out,
            texts.setdefault(basis, basis),
        )
    return states


def _load_flags(text: str) -> tuple[str, ...]:
    return tuple(json.loads(text))

"""Saving choices: one write transaction per batch, a check per criterion, an event per change."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby, islice
from typing import Any, TypeVar

from sqlalchemy import Insert, and_, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from grader.domain.choices import CriterionChoice
from grader.domain.events import ChoiceChange, EventOutcome, EventSource
from grader.store.codec import choice_columns, choice_from_columns, choice_json, normalized
from grader.store.tables import CHOICE, CHOICE_VALUES, GRADE_EVENT, SUBMISSION

Key = tuple[str, str]
"""(assignment id, student id): one submission."""

CHUNK = 500
"""Keys per IN (...) list, well under every database's bound-parameter limit."""

_EMPTY = CriterionChoice()
_T = TypeVar("_T")


@dataclass(frozen=True)
class Stamp:
    """Who saves, when (UTC ISO text), under which rubric, from where."""

    actor: str
    at: str
    rubric_hash: str
    source: EventSource


@dataclass(frozen=True)
class StoredSubmission:
    id: int
    version: int
    updated_by: str
    updated_at: str | None


@dataclass(frozen=True)
class Conflict:
    change: ChoiceChange
    stored: StoredSubmission | None
    """The submission as it stood; None if it has never been saved."""


class SaveRefused(Exception):
    """Raised inside the batch's transaction, so it rolls back; the caller records the attempts."""

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__(f"{len(conflicts)} stale changes")
        self.conflicts = conflicts


def apply_changes(session: Session, changes: Sequence[ChoiceChange], stamp: Stamp) -> dict[Key, int]:
    """Apply a batch inside the session's write transaction; return each submission's version."""
    choices = [normalized(change.choice) for change in changes]
    keys = sorted({(change.assignment_id, change.student_id) for change in changes})
    stored = lock_submissions(session, keys)
    to_create = sorted(
        {
            (change.assignment_id, change.student_id)
            for change, choice in zip(changes, choices, strict=True)
            if not choice.is_empty
        }.difference(stored)
    )
    if to_create:
        create_submissions(session, to_create)
        stored.update(lock_submissions(session, to_create))
    conflicts = stale_changes(session, changes, stored)
    if conflicts:
        raise SaveRefused(conflicts)

    current, existing = _load_choices(session, [submission.id for submission in stored.values()])
    events: list[tuple[ChoiceChange, CriterionChoice, CriterionChoice]] = []
    for change, choice in zip(changes, choices, strict=True):
        submission = stored.get(_key(change))
        if submission is None:  # an empty choice for a submission never saved: nothing to do
            continue
        slot = (submission.id, change.criterion_id)
        old = current.get(slot, _EMPTY)
        if old != choice:
            current[slot] = choice
            events.append((change, old, choice))
    if not events:
        return {key: _version(stored, key) for key in keys}

    touched = {_key(change) for change, _, _ in events}
    versions = {key: stored[key].version + 1 if key in touched else stored[key].version for key in stored}
    slots = {(stored[_key(change)].id, change.criterion_id) for change, _, _ in events}
    _write_choices(session, {slot: current[slot] for slot in slots}, existing, stamp)
    _bump_versions(session, [stored[key] for key in sorted(touched)], stamp)
    session.execute(
        insert(GRADE_EVENT),
        [
            event_row(change, old, new, stamp, stored[_key(change)].id, versions[_key(change)])
            for change, old, new in events
        ],
    )
    return {key: versions.get(key, 0) for key in keys}


def stale_changes(
    session: Session, changes: Sequence[ChoiceChange], stored: dict[Key, StoredSubmission]
) -> list[Conflict]:
    """The changes whose criterion someone changed since the grader saw it (``expected_version``).

    A change conflicts only with a change to the same criterion: an applied event of the same
    submission and criterion whose version is above the one expected. Changes to other criteria,
    flags and excuses never conflict, and neither do the autograder's events (the runs are a layer
    of their own, never a grader's choice). A version the submission never reached conflicts too
    (the grader saw another gradebook). Call with the submissions locked.
    """
    checked = [change for change in changes if change.expected_version is not None]
    slots = {(stored[_key(c)].id, c.criterion_id) for c in checked if _key(c) in stored}
    latest = _latest_versions(session, slots) if slots else {}
    conflicts = []
    for change in checked:
        expected = change.expected_version or 0
        submission = stored.get(_key(change))
        changed = submission is not None and latest.get((submission.id, change.criterion_id), 0) > expected
        if changed or expected > _version(stored, _key(change)):
            conflicts.append(Conflict(change, submission))
    return conflicts


_LATEST_VERSIONS = (
    select(GRADE_EVENT.c.submission_id, GRADE_EVENT.c.criterion_id, func.max(GRADE_EVENT.c.version))
    .where(
        GRADE_EVENT.c.submission_id.in_(bindparam("b_submissions", expanding=True)),
        GRADE_EVENT.c.criterion_id.in_(bindparam("b_criteria", expanding=True)),
        GRADE_EVENT.c.outcome == EventOutcome.APPLIED.value,
        GRADE_EVENT.c.source != EventSource.AUTOGRADER.value,
    )
    .group_by(GRADE_EVENT.c.submission_id, GRADE_EVENT.c.criterion_id)
)
"""Built once: every save that names the version it was based on runs it."""


def _latest_versions(session: Session, slots: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """The version of each (submission id, criterion id)'s latest applied change by a grader."""
    latest: dict[tuple[int, str], int] = {}
    criteria = sorted({criterion_id for _, criterion_id in slots})
    for submission_ids in _chunks(sorted({submission_id for submission_id, _ in slots})):
        params = {"b_submissions": submission_ids, "b_criteria": criteria}
        for submission_id, criterion_id, version in session.execute(_LATEST_VERSIONS, params):
            latest[(submission_id, criterion_id)] = version
    return latest


def event_row(
    change: ChoiceChange,
    old: CriterionChoice,
    new: CriterionChoice,
    stamp: Stamp,
    submission_id: int,
    version: int,
    outcome: EventOutcome = EventOutcome.APPLIED,
) -> dict[str, Any]:
    return {
        "at": stamp.at,
        "actor": stamp.actor,
        "submission_id": submission_id,
        "assignment_id": change.assignment_id,
        "student_id": change.student_id,
        "criterion_id": change.criterion_id,
        "old": choice_json(old),
        "new": choice_json(new),
        "rubric_hash": stamp.rubric_hash,
        "source": stamp.source.value,
        "outcome": outcome.value,
        "version": version,
    }


def lock_submissions(session: Session, keys: Sequence[Key]) -> dict[Key, StoredSubmission]:
    """Read the submissions, locking their rows (PostgreSQL; SQLite holds the write lock)."""
    found: dict[Key, StoredSubmission] = {}
    for assignment_id, group in groupby(sorted(keys), key=lambda key: key[0]):
        for student_ids in _chunks([student_id for _, student_id in group]):
            statement = (
                select(
                    SUBMISSION.c.id,
                    SUBMISSION.c.student_id,
                    SUBMISSION.c.version,
                    SUBMISSION.c.updated_by,
                    SUBMISSION.c.updated_at,
                )
                .where(
                    SUBMISSION.c.assignment_id == assignment_id,
                    SUBMISSION.c.student_id.in_(student_ids),
                )
                .order_by(SUBMISSION.c.student_id)  # one lock order for everyone: no deadlocks
                .with_for_update()
            )
            for row in session.execute(statement):
                found[(assignment_id, row.student_id)] = StoredSubmission(
                    row.id, row.version, row.updated_by, row.updated_at
                )
    return found


def create_submissions(session: Session, keys: Sequence[Key]) -> None:
    """Insert submission rows at version 0; a row another grader just created is kept."""
    session.execute(
        _insert_ignoring_duplicates(session),
        [{"assignment_id": a, "student_id": s} for a, s in keys],
    )


def _insert_ignoring_duplicates(session: Session) -> Insert:
    unique = ["assignment_id", "student_id"]
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(SUBMISSION).on_conflict_do_nothing(index_elements=unique)
    return sqlite.insert(SUBMISSION).on_conflict_do_nothing(index_elements=unique)


def _load_choices(
    session: Session, submission_ids: list[int]
) -> tuple[dict[tuple[int, str], CriterionChoice], set[tuple[int, str]]]:
    current: dict[tuple[int, str], CriterionChoice] = {}
    for chunk in _chunks(sorted(submission_ids)):
        statement = select(
            CHOICE.c.submission_id,
            CHOICE.c.criterion_id,
            *CHOICE_VALUES,
        ).where(CHOICE.c.submission_id.in_(chunk))
        for submission_id, criterion_id, *columns in session.execute(statement):
            current[(submission_id, criterion_id)] = choice_from_columns(*columns)
    return current, set(current)


def _write_choices(
    session: Session,
    changed: dict[tuple[int, str], CriterionChoice],
    existing: set[tuple[int, str]],
    stamp: Stamp,
) -> None:
    """Replace each changed row; an empty choice leaves no row."""
    gone = [{"b_submission": s, "b_criterion": c} for s, c in sorted(changed) if (s, c) in existing]
    if gone:
        session.execute(
            CHOICE.delete().where(
                and_(
                    CHOICE.c.submission_id == bindparam("b_submission"),
                    CHOICE.c.criterion_id == bindparam("b_criterion"),
                )
            ),
            gone,
        )
    rows = [
        {
            "submission_id": submission_id,
            "criterion_id": criterion_id,
            **choice_columns(choice),
            "updated_by": stamp.actor,
            "updated_at": stamp.at,
        }
        for (submission_id, criterion_id), choice in sorted(changed.items())
        if not choice.is_empty
    ]
    if rows:
        session.execute(insert(CHOICE), rows)


def _bump_versions(session: Session, submissions: list[StoredSubmission], stamp: Stamp) -> None:
    statement = (
        update(SUBMISSION)
        .where(
            SUBMISSION.c.id == bindparam("b_id"),
            SUBMISSION.c.version == bindparam("b_version"),
        )
        .values(version=bindparam("b_new"), updated_by=stamp.actor, updated_at=stamp.at)
    )
    params = [{"b_id": s.id, "b_version": s.version, "b_new": s.version + 1} for s in submissions]
    result = session.connection().execute(statement, params)
    if session.get_bind().dialect.supports_sane_multi_rowcount and result.rowcount != len(
        submissions
    ):  # cannot happen while the rows are locked; refuse rather than lose an update
        raise RuntimeError("a submission changed while it was locked for saving")


def _version(stored: dict[Key, StoredSubmission], key: Key) -> int:
    submission = stored.get(key)
    return submission.version if submission else 0


def _key(change: ChoiceChange) -> Key:
    return (change.assignment_id, change.student_id)


def _chunks(values: list[_T]) -> Iterator[list[_T]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk

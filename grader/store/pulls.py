"""Observations of repositories, deadline extensions and the resolved pull state per submission."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import chain

from sqlalchemy import bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from grader.domain.pulls import Extension, PullState
from grader.domain.submission import Observation
from grader.store.codec import parse_timestamp, timestamp
from grader.store.decode import states_from_rows
from grader.store.reading import STREAM_ROWS
from grader.store.tables import EXTENSION, OBSERVATION, PULL_STATE


def record_pulls(session: Session, pulled: Sequence[tuple[Observation, PullState]]) -> None:
    """Append the observations and replace the submissions' pull states, in two statements."""
    session.execute(
        insert(OBSERVATION),
        [
            {
                "assignment_id": state.assignment_id,
                "student_id": state.student_id,
                "observed_at": timestamp(observation.observed_at),
                "result": observation.result,
                "reason": observation.reason,
                "ref": observation.ref,
                "sha": observation.sha,
            }
            for observation, state in pulled
        ],
    )
    write_states(session, [state for _, state in pulled])


def write_states(session: Session, states: Sequence[PullState]) -> None:
    """Insert or replace pull states (one upsert statement, on SQLite and PostgreSQL alike)."""
    rows = {(s.assignment_id, s.student_id): _state_row(s) for s in states}  # the last one wins
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    upsert = postgresql_insert(PULL_STATE) if dialect == "postgresql" else sqlite_insert(PULL_STATE)
    columns = {name: upsert.excluded[name] for name in _state_row(states[0]) if name not in KEY}
    session.execute(upsert.on_conflict_do_update(index_elements=list(KEY), set_=columns), list(rows.values()))


KEY = ("assignment_id", "student_id")


def _state_row(state: PullState) -> dict[str, object]:
    return {
        "assignment_id": state.assignment_id,
        "student_id": state.student_id,
        "result": state.result,
        "reason": state.reason,
        "graded_commit": state.graded_commit,
        "late_minutes": state.late_minutes,
        "flags": json.dumps(list(state.flags)),
        "pulled_at": timestamp(state.pulled_at),
        "checked_out": state.checked_out,
        "basis": state.basis,
    }


def read_observations(
    session: Session, assignment_id: str, student_id: str | None = None
) -> dict[str, list[Observation]]:
    """Observations per student of an assignment (or of one student), oldest first."""
    statement = select(OBSERVATION).where(OBSERVATION.c.assignment_id == assignment_id)
    if student_id is not None:
        statement = statement.where(OBSERVATION.c.student_id == student_id)
    grouped: dict[str, list[Observation]] = {}
    for r in session.execute(statement.order_by(OBSERVATION.c.id)):
        grouped.setdefault(r.student_id, []).append(
            Observation(parse_timestamp(r.observed_at), r.result, r.reason, r.ref, r.sha)
        )
    return grouped


def read_states(
    session: Session,
    assignment_id: str,
    student_id: str | None = None,
    *,
    student_ids: Sequence[str] | None = None,
) -> dict[str, PullState]:
    statement = select(*STATE_COLUMNS).where(PULL_STATE.c.assignment_id == bindparam("b_assignment"))
    params: dict[str, object] = {"b_assignment": assignment_id}
    if student_id is not None:
        statement = statement.where(PULL_STATE.c.student_id == bindparam("b_student"))
        params["b_student"] = student_id
    if student_ids is not None:  # an expanding parameter: compiled once, whatever the ids
        statement = statement.where(PULL_STATE.c.student_id.in_(bindparam("b_students", expanding=True)))
        params["b_students"] = list(student_ids)
    rows = session.execute(statement.execution_options(yield_per=STREAM_ROWS), params).partitions()
    return states_from_rows(chain.from_iterable(rows))


STATE_COLUMNS = (
    PULL_STATE.c.assignment_id,
    PULL_STATE.c.student_id,
    PULL_STATE.c.result,
    PULL_STATE.c.reason,
    PULL_STATE.c.graded_commit,
    PULL_STATE.c.late_minutes,
    PULL_STATE.c.flags,
    PULL_STATE.c.pulled_at,
    PULL_STATE.c.checked_out,
    PULL_STATE.c.basis,
)
"""In PullState field order."""


def append_extension(session: Session, extension: Extension) -> None:
    session.execute(
        insert(EXTENSION).values(
            assignment_id=extension.assignment_id,
            student_id=extension.student_id,
            until=timestamp(extension.until),
            reason=extension.reason,
            granted_by=extension.granted_by,
            granted_at=timestamp(extension.granted_at),
        )
    )


def read_extensions(
    session: Session, assignment_id: str, student_id: str | None = None
) -> dict[str, Extension]:
    """The extension in force per student: the one granted last."""
    statement = select(EXTENSION).where(EXTENSION.c.assignment_id == assignment_id)
    if student_id is not None:
        statement = statement.where(EXTENSION.c.student_id == student_id)
    rows = session.execute(statement.order_by(EXTENSION.c.id))
    return {
        r.student_id: Extension(
            r.assignment_id,
            r.student_id,
            parse_timestamp(r.until),
            r.reason,
            r.granted_by,
            parse_timestamp(r.granted_at),
        )
        for r in rows
    }

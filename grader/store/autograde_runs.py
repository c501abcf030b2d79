"""Autograde runs in SQL: append runs, move the current results, and read them back as values.

Every text a run brings (output, reason, test names) comes from the student's program or the
instructor's command: NUL characters, which PostgreSQL's TEXT cannot hold, are replaced, and
the output is capped at ``STORED_OUTPUT`` bytes before it is stored (the head and the tail are
kept, and what was cut is said in the text).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from grader.domain.autograde import CheckResult, RunStatus, TestOutcome
from grader.domain.events import AutogradeRun, StoredRun
from grader.store.autograde_tables import AUTOGRADE_RESULT, AUTOGRADE_RUN
from grader.store.codec import cached, dump_json, parse_timestamp
from grader.store.tables import SUBMISSION

STORED_OUTPUT = 64 * 1024
"""The most bytes (UTF-8) of a run's output the gradebook keeps."""
HEAD_BYTES = 16 * 1024
"""Of those, how many come from the start of the output; the rest are its end (where test
runners print their summary)."""
UNSCORED = (RunStatus.ERROR.value, RunStatus.REFUSED.value)
"""Statuses of runs that could not happen: no score, and never reused from the cache."""
CHUNK = 500

_T = TypeVar("_T")


def clean(text: str) -> str:
    """``text`` as the database can hold it (PostgreSQL's TEXT refuses NUL)."""
    return text.replace("\x00", "\ufffd")


def capped_output(text: str, truncated: bool) -> tuple[str, bool]:
    """The output as stored: at most STORED_OUTPUT bytes, the middle cut out and said so."""
    data = clean(text).encode("utf-8")
    if len(data) <= STORED_OUTPUT:
        return data.decode("utf-8"), truncated
    marker_room = 100
    head = data[:HEAD_BYTES].decode("utf-8", errors="ignore")
    tail = data[-(STORED_OUTPUT - HEAD_BYTES - marker_room) :].decode("utf-8", errors="ignore")
    cut = len(data) - len(head.encode()) - len(tail.encode())
    return f"{head}\n[… {cut} bytes of output cut here by the gradebook …]\n{tail}", True


def tests_json(tests: Sequence[TestOutcome]) -> str:
    return dump_json([[clean(t.name), t.outcome, None if t.points is None else str(t.points)] for t in tests])


def tests_from_json(text: str) -> tuple[TestOutcome, ...]:
    loaded: Any = json.loads(text)
    return tuple(TestOutcome(name, outcome, None if p is None else Decimal(p)) for name, outcome, p in loaded)


def test_counts(tests: Sequence[TestOutcome]) -> tuple[int | None, int | None]:
    """(passed, counted) of a run's tests, skipped ones left out; (None, None) without tests."""
    counted = [t for t in tests if t.outcome != "skipped"]
    if not counted:
        return None, None
    return sum(t.outcome == "passed" for t in counted), len(counted)


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def run_row(run: AutogradeRun, *, actor: str, at: str) -> dict[str, object]:
    result = run.result
    output, truncated = capped_output(result.output, result.output_truncated)
    return {
        "assignment_id": run.assignment_id,
        "student_id": run.student_id,
        "criterion_id": run.criterion_id,
        "graded_commit": run.commit,
        "check_digest": run.check_digest,
        "sandbox": result.sandbox,
        "status": result.status.value,
        "points": _number(result.points),
        "max_points": str(result.max_points),
        "exit_code": result.exit_code,
        "duration_s": float(result.duration_s),
        "reason": clean(result.reason),
        "tests": tests_json(result.tests),
        "output": output,
        "output_truncated": truncated,
        "ran_at": at,
        "actor": actor,
    }


def insert_runs(session: Session, rows: Sequence[dict[str, object]]) -> list[int]:
    """Append the runs; their ids, in the order given."""
    if not rows:
        return []
    statement = insert(AUTOGRADE_RUN).returning(AUTOGRADE_RUN.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, list(rows)).scalars())


@dataclass(frozen=True)
class Current:
    """A stored current result: the runs it names and the score that stands."""

    run_id: int
    scored_run_id: int | None
    points: Decimal | None


def current_results(session: Session, submission_ids: Iterable[int]) -> dict[tuple[int, str], Current]:
    found: dict[tuple[int, str], Current] = {}
    r = AUTOGRADE_RESULT.c
    for chunk in chunks(sorted(set(submission_ids))):
        statement = select(r.submission_id, r.criterion_id, r.run_id, r.scored_run_id, r.points).where(
            r.submission_id.in_(chunk)
        )
        for submission_id, criterion_id, run_id, scored_run_id, points in session.execute(statement):
            found[(submission_id, criterion_id)] = Current(
                run_id, scored_run_id, None if points is None else Decimal(points)
            )
    return found


def write_results(session: Session, rows: Sequence[dict[str, object]]) -> None:
    """Insert or replace current results (one statement)."""
    if rows:
        session.execute(_upsert(session.get_bind().dialect.name), list(rows))


@cache
def _upsert(dialect: str) -> postgresql.Insert | sqlite.Insert:
    upsert = (
        postgresql.insert(AUTOGRADE_RESULT) if dialect == "postgresql" else sqlite.insert(AUTOGRADE_RESULT)
    )
    key = ["submission_id", "criterion_id"]
    columns = {c.name: upsert.excluded[c.name] for c in AUTOGRADE_RESULT.c if c.name not in key}
    return upsert.on_conflict_do_update(index_elements=key, set_=columns)


RUN_COLUMNS = tuple(c for c in AUTOGRADE_RUN.c if c.name != "output")
"""A run without its output: what lists and groups read."""


def read_runs(
    session: Session, where: ColumnElement[bool], *, with_output: bool
) -> Iterator[tuple[str, StoredRun]]:
    """(assignment id, run) of the matching runs, oldest first."""
    columns = tuple(AUTOGRADE_RUN.c) if with_output else RUN_COLUMNS
    statement = select(*columns).where(where).order_by(AUTOGRADE_RUN.c.id)
    times: dict[str, Any] = {}
    for row in session.execute(statement):
        yield row.assignment_id, stored_run(row, times, with_output=with_output)


def latest_runs(
    session: Session, assignment_id: str, student_ids: Sequence[str] | None, *, with_output: bool
) -> dict[str, dict[str, StoredRun]]:
    """Each student's latest run per criterion (the one its current result names)."""
    columns = tuple(AUTOGRADE_RUN.c) if with_output else RUN_COLUMNS
    base = (
        select(*columns)
        .select_from(
            AUTOGRADE_RESULT.join(SUBMISSION, SUBMISSION.c.id == AUTOGRADE_RESULT.c.submission_id).join(
                AUTOGRADE_RUN, AUTOGRADE_RUN.c.id == AUTOGRADE_RESULT.c.run_id
            )
        )
        .where(SUBMISSION.c.assignment_id == assignment_id)
    )
    found: dict[str, dict[str, StoredRun]] = {}
    times: dict[str, Any] = {}
    parts: Iterable[list[str] | None] = [None] if student_ids is None else chunks(sorted(set(student_ids)))
    for chunk in parts:
        statement = base if chunk is None else base.where(SUBMISSION.c.student_id.in_(chunk))
        for row in session.execute(statement):
            found.setdefault(row.student_id, {})[row.criterion_id] = stored_run(
                row, times, with_output=with_output
            )
    return found


def stored_run(row: Row[Any], times: dict[str, Any], *, with_output: bool) -> StoredRun:
    result = CheckResult(
        status=RunStatus(row.status),
        points=None if row.points is None else Decimal(row.points),
        max_points=Decimal(row.max_points),
        exit_code=row.exit_code,
        duration_s=float(row.duration_s),
        reason=row.reason,
        tests=tests_from_json(row.tests),
        output=row.output if with_output else "",
        output_truncated=bool(row.output_truncated),
        sandbox=row.sandbox,
    )
    return StoredRun(
        criterion_id=row.criterion_id,
        result=result,
        commit=row.graded_commit,
        ran_at=cached(times, row.ran_at, parse_timestamp),
        actor=row.actor,
        run_id=row.id,
        check_digest=row.check_digest,
        student_id=row.student_id,
    )


CacheKey = tuple[str, str, str, str, str]
"""(student id, criterion id, graded commit, check digest, sandbox kind)."""


def reusable_runs(session: Session, assignment_id: str, wanted: Iterable[CacheKey]) -> dict[CacheKey, int]:
    """The newest stored run with a score for each wanted key (runs that could not happen are
    never reused)."""
    keys = set(wanted)
    found: dict[CacheKey, int] = {}
    c = AUTOGRADE_RUN.c
    for chunk in chunks(sorted({key[0] for key in keys})):
        statement = (
            select(c.id, c.student_id, c.criterion_id, c.graded_commit, c.check_digest, c.sandbox)
            .where(c.assignment_id == assignment_id, c.student_id.in_(chunk), c.status.not_in(UNSCORED))
            .order_by(c.id)
        )
        for run_id, *key_values in session.execute(statement):
            key = (key_values[0], key_values[1], key_values[2], key_values[3], key_values[4])
            if key in keys:
                found[key] = run_id  # ordered by id: the newest wins
    return found


def runs_by_id(session: Session, run_ids: Iterable[int]) -> dict[int, StoredRun]:
    found: dict[int, StoredRun] = {}
    for chunk in chunks(sorted(set(run_ids))):
        for _, run in read_runs(session, AUTOGRADE_RUN.c.id.in_(chunk), with_output=True):
            found[run.run_id] = run
    return found


def chunks(values: Sequence[_T]) -> Iterator[list[_T]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def result_row(
    submission_id: int, run: AutogradeRun, run_id: int, before: Current | None
) -> tuple[dict[str, object], Current]:
    """The current result after ``run``, and what it keeps: a run without a score (error,
    refused) leaves the points of the last run that had one."""
    result = run.result
    points: Decimal | None = result.points
    scored: int | None = run_id
    if points is None:
        points = before.points if before else None
        scored = before.scored_run_id if before else None
    passed, total = test_counts(result.tests)
    row = {
        "submission_id": submission_id,
        "criterion_id": run.criterion_id,
        "run_id": run_id,
        "scored_run_id": scored,
        "status": result.status.value,
        "points": _number(points),
        "reason": clean(result.reason),
        "tests_passed": passed,
        "tests_total": total,
        "sandbox": result.sandbox,
    }
    return row, Current(run_id, scored, points)


def merge(rows: Mapping[tuple[int, str], dict[str, object]]) -> list[dict[str, object]]:
    return [rows[key] for key in sorted(rows)]

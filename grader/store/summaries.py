"""Submission summaries in SQL: locked and rewritten inside the saving transaction, and counted.

Every transaction that changes what a summary is computed from (a choice, a flag, an excuse, a
pull state) first locks the summaries it will touch (PostgreSQL row locks, taken in key order so
writers never deadlock; SQLite's BEGIN IMMEDIATE already lets one writer in at a time), then
writes, then reads the submissions back and stores what ``summarize`` computed from them. The
database's triggers mark each touched summary stale on the way, so a writer without a
``summarize`` (or one that cannot compute a submission) leaves it stale, never wrong.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from functools import cache
from itertools import chain, groupby, islice

from sqlalchemy import Integer, bindparam, cast, func, select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from grader.store.codec import dump_json
from grader.store.decode import autograde_from_rows, grades_from_rows, states_from_rows
from grader.store.pulls import STATE_COLUMNS, read_states
from grader.store.reading import AUTOGRADE_COLUMNS, GRADE_COLUMNS, STREAM_ROWS, WITH_RESULTS, read_grades
from grader.store.summary_values import (
    STALE,
    Key,
    StudentSums,
    SubmissionSummary,
    Summarize,
    SummaryGroup,
    SummaryInput,
    add_skill,
)
from grader.store.tables import CHOICE, PULL_STATE, SUBMISSION, SUMMARY

CHUNK = 500
"""Student ids per IN (...) list, well under every database's bound-parameter limit."""
KEY = ["assignment_id", "student_id"]


def decimal_text(value: Decimal) -> str:
    """One text per number (``70``, never ``70.0`` or ``7E+1``), so equal scores group together."""
    return format(value.normalize(), "f") if value else "0"


def lock(session: Session, keys: Iterable[Key]) -> None:
    """Lock the summaries of ``keys`` for this transaction, creating missing ones as stale.

    PostgreSQL only, in (assignment, student) order; on SQLite the write transaction holds the
    whole database. Taken before any other lock of the transaction, by every writer alike.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for assignment_id, student_ids in _by_assignment(keys):
        for chunk in _chunks(student_ids):
            session.execute(
                postgresql.insert(SUMMARY).on_conflict_do_nothing(index_elements=KEY),
                [{"assignment_id": assignment_id, "student_id": s, "stamp": STALE} for s in chunk],
            )
            session.execute(
                select(SUMMARY.c.student_id)
                .where(SUMMARY.c.assignment_id == assignment_id, SUMMARY.c.student_id.in_(chunk))
                .order_by(SUMMARY.c.student_id)
                .with_for_update()
            ).all()


def refresh(session: Session, keys: Iterable[Key], summarize: Summarize | None) -> None:
    """Recompute the summaries of ``keys`` from the submissions as this transaction sees them."""
    if summarize is None:
        return  # the triggers left them stale: the next count recomputes them
    inputs = read_inputs(session, keys)
    write(session, summarize(inputs))


_ONE_GRADE = (
    select(*GRADE_COLUMNS)
    .select_from(SUBMISSION.outerjoin(CHOICE, CHOICE.c.submission_id == SUBMISSION.c.id))
    .where(
        SUBMISSION.c.assignment_id == bindparam("assignment"), SUBMISSION.c.student_id == bindparam("student")
    )
    .order_by(CHOICE.c.criterion_id)
)
_ONE_AUTOGRADE = (
    select(*AUTOGRADE_COLUMNS)
    .select_from(WITH_RESULTS)
    .where(
        SUBMISSION.c.assignment_id == bindparam("assignment"), SUBMISSION.c.student_id == bindparam("student")
    )
)
_ONE_STATE = select(*STATE_COLUMNS).where(
    PULL_STATE.c.assignment_id == bindparam("assignment"), PULL_STATE.c.student_id == bindparam("student")
)
"""One submission's grade, autograde layer and pull state: built once, as a grader's every save
reads them."""


def read_inputs(session: Session, keys: Iterable[Key]) -> list[SummaryInput]:
    """Each submission's grade and pull state (None where it has none), in key order."""
    keys = sorted(set(keys))
    if len(keys) == 1:
        ((assignment_id, student_id),) = keys
        params = {"assignment": assignment_id, "student": student_id}
        layers = autograde_from_rows(session.execute(_ONE_AUTOGRADE, params))
        grade = grades_from_rows(session.execute(_ONE_GRADE, params), layers).get(student_id)
        pull = states_from_rows(session.execute(_ONE_STATE, params)).get(student_id)
        return [SummaryInput(assignment_id, student_id, grade, pull)]
    inputs: list[SummaryInput] = []
    for assignment_id, student_ids in _by_assignment(keys):
        for chunk in _chunks(student_ids):
            grades = read_grades(
                session, (SUBMISSION.c.assignment_id == assignment_id) & SUBMISSION.c.student_id.in_(chunk)
            )
            pulls = read_states(session, assignment_id, student_ids=chunk)
            inputs += (SummaryInput(assignment_id, s, grades.get(s), pulls.get(s)) for s in chunk)
    return inputs


def write(session: Session, summaries: Mapping[Key, SubmissionSummary]) -> None:
    """Insert or replace these summaries (one statement)."""
    rows = [_row(key, summary) for key, summary in sorted(summaries.items())]
    if rows:
        session.execute(_upsert(session.get_bind().dialect.name), rows)


@cache
def _upsert(dialect: str) -> postgresql.Insert | sqlite.Insert:
    """The statement replacing a summary, built once per database kind."""
    upsert = postgresql.insert(SUMMARY) if dialect == "postgresql" else sqlite.insert(SUMMARY)
    columns = {column.name: upsert.excluded[column.name] for column in SUMMARY.c if column.name not in KEY}
    return upsert.on_conflict_do_update(index_elements=KEY, set_=columns)


def _row(key: Key, summary: SubmissionSummary) -> dict[str, object]:
    return {
        "assignment_id": key[0],
        "student_id": key[1],
        "stamp": summary.stamp,
        "status": summary.status,
        "score": None if summary.score is None else decimal_text(summary.score),
        "max_score": decimal_text(summary.max_score),
        "final": summary.final,
        "pulled": summary.pulled,
        "excused": summary.excused,
        "flagged": summary.flagged,
        "mastery_graded": summary.mastery_graded,
        "skills": skills_text(summary.skills),
        "unscored": dump_json(list(summary.unscored)),
    }


Skill = tuple[str, Decimal, Decimal]


def skills_text(skills: Iterable[Skill]) -> str:
    """ "SKILL EARNED POSSIBLE;…", sorted by skill: read back a token at a time (``parse_skills``)."""
    tokens = []
    for skill, earned, possible in sorted(skills):
        if " " in skill or ";" in skill:
            raise ValueError(f"a skill id holds neither spaces nor semicolons, got {skill!r}")
        tokens.append(f"{skill} {decimal_text(earned)} {decimal_text(possible)}")
    return ";".join(tokens)


def parse_skills(text: str, tokens: dict[str, Skill] | None = None) -> tuple[Skill, ...]:
    """The skills of ``skills_text``; ``tokens`` caches each distinct token's value (a class
    repeats a few dozen figures per skill, in many combinations)."""
    if not text:
        return ()
    cache = {} if tokens is None else tokens
    found = []
    for token in text.split(";"):
        value = cache.get(token)
        if value is None:
            value = cache[token] = _skill(token)
        found.append(value)
    return tuple(found)


def _skill(token: str) -> Skill:
    skill, earned, possible = token.split(" ")
    return skill, Decimal(earned), Decimal(possible)


def rebuild(
    session: Session, assignment_id: str, student_ids: Sequence[str], stamp: str | None, summarize: Summarize
) -> int:
    """Recompute those of the students' summaries that are not at ``stamp`` (None: all of them);
    how many were."""
    keys = [(assignment_id, s) for s in student_ids]
    lock(session, keys)
    still: list[str] = list(student_ids) if stamp is None else []
    for chunk in _chunks(sorted(student_ids) if stamp is not None else []):
        still += session.execute(
            select(SUMMARY.c.student_id).where(
                SUMMARY.c.assignment_id == assignment_id,
                SUMMARY.c.student_id.in_(chunk),
                SUMMARY.c.stamp != stamp,
            )
        ).scalars()
    if still:
        write(session, summarize(read_inputs(session, [(assignment_id, s) for s in still])))
    return len(still)


def groups(
    session: Session, assignment_id: str, student_ids: Sequence[str] | None = None
) -> list[SummaryGroup]:
    """The assignment's summaries grouped by stamp and counted values (of some students, if given)."""
    columns = (SUMMARY.c.stamp, SUMMARY.c.status, SUMMARY.c.pulled, SUMMARY.c.score, SUMMARY.c.max_score)
    found: list[SummaryGroup] = []
    parts: Iterable[Sequence[str] | None] = [None] if student_ids is None else _chunks(sorted(student_ids))
    for chunk in parts:
        statement = select(*columns, func.count()).where(SUMMARY.c.assignment_id == assignment_id)
        if chunk is not None:
            statement = statement.where(SUMMARY.c.student_id.in_(chunk))
        for stamp, status, pulled, score, max_score, count in session.execute(statement.group_by(*columns)):
            found.append(
                SummaryGroup(
                    stamp,
                    status,
                    bool(pulled),
                    None if score is None else Decimal(score),
                    Decimal(max_score),
                    count,
                )
            )
    return found


def student_ids(session: Session, assignment_id: str, *, not_at: str | None = None) -> list[str]:
    """The students with a summary of the assignment (only those not at stamp ``not_at``, if given)."""
    statement = select(SUMMARY.c.student_id).where(SUMMARY.c.assignment_id == assignment_id)
    if not_at is not None:
        statement = statement.where(SUMMARY.c.stamp != not_at)
    return list(session.execute(statement.execution_options(yield_per=STREAM_ROWS)).scalars())


def with_inputs(session: Session, assignment_id: str) -> list[str]:
    """Every student with a submission row, a pull state or a summary of the assignment, sorted."""
    statement = union(
        select(SUBMISSION.c.student_id).where(SUBMISSION.c.assignment_id == assignment_id),
        select(PULL_STATE.c.student_id).where(PULL_STATE.c.assignment_id == assignment_id),
        select(SUMMARY.c.student_id).where(SUMMARY.c.assignment_id == assignment_id),
    )
    return sorted(session.execute(statement).scalars())


def summaries_of(
    session: Session, assignment_id: str, student_ids: Sequence[str]
) -> dict[str, SubmissionSummary]:
    """The stored summaries of some students of an assignment (those without one are absent)."""
    found: dict[str, SubmissionSummary] = {}
    for chunk in _chunks(sorted(student_ids)):
        statement = select(SUMMARY).where(
            SUMMARY.c.assignment_id == assignment_id, SUMMARY.c.student_id.in_(chunk)
        )
        for row in session.execute(statement):
            found[row.student_id] = SubmissionSummary(
                stamp=row.stamp,
                status=row.status,
                score=None if row.score is None else Decimal(row.score),
                max_score=Decimal(row.max_score),
                final=bool(row.final),
                pulled=bool(row.pulled),
                excused=bool(row.excused),
                flagged=bool(row.flagged),
                mastery_graded=bool(row.mastery_graded),
                skills=parse_skills(row.skills),
                unscored=tuple(json.loads(row.unscored)),
            )
    return found


def mastery_by_student(
    session: Session, stamps: Mapping[str, str], on_roster: Container[str]
) -> Iterator[StudentSums]:
    """Each roster student's mastery evidence summed over their summaries of these assignments
    (assignment id → the stamp expected), in student id order, streamed: one student's sums
    in memory at a time. A summary not at its stamp is left out and named in ``outdated``."""
    statement = (
        select(
            SUMMARY.c.student_id,
            SUMMARY.c.assignment_id,
            SUMMARY.c.stamp,
            cast(SUMMARY.c.mastery_graded, Integer),
            SUMMARY.c.skills,
            SUMMARY.c.unscored,
        )
        .where(SUMMARY.c.assignment_id.in_(list(stamps)))
        .order_by(SUMMARY.c.student_id)
        .execution_options(yield_per=STREAM_ROWS)
    )
    tokens: dict[str, Skill] = {}  # a class repeats a few dozen figures per skill
    current: StudentSums | None = None
    for student_id, assignment_id, stamp, graded, skills, unscored in chain.from_iterable(
        session.execute(statement).partitions()
    ):
        if student_id not in on_roster:
            continue
        if current is None or current.student_id != student_id:
            if current is not None:
                yield current
            current = StudentSums(student_id)
        if stamp != stamps[assignment_id]:
            current.outdated.append(assignment_id)
            continue
        if graded:
            current.graded.add(assignment_id)
        if unscored != NONE_UNSCORED:
            current.unscored[assignment_id] = tuple(json.loads(unscored))
        if skills:
            sums = current.skills
            for token in skills.split(";"):
                parsed = tokens.get(token)
                if parsed is None:
                    parsed = tokens[token] = _skill(token)
                add_skill(sums, *parsed)
    if current is not None:
        yield current


NONE_UNSCORED = "[]"


def _by_assignment(keys: Iterable[Key]) -> Iterator[tuple[str, list[str]]]:
    for assignment_id, group in groupby(sorted(set(keys)), key=lambda key: key[0]):
        yield assignment_id, [student_id for _, student_id in group]


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk

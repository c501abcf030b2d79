"""The store's part of moderation: the queue for second marking (added to, audited, in one
transaction) and the append-only second marks, kept apart from grade events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import AuditEntry
from grader.domain.moderation import Queued, SecondMark
from grader.store import records
from grader.store.base import StoreBase, serialise
from grader.store.codec import choice_from_json, choice_json, parse_timestamp, timestamp
from grader.store.moderation_tables import MODERATION_QUEUE, SECOND_MARK
from grader.store.tables import CHOICE, SUBMISSION

MODERATION_QUEUED = "moderation queued"
"""The audit action of ``grader moderate`` (each run that queued submissions)."""


class ModerationAccess(StoreBase):
    """Moderation's queue and second marks; one unit of work per method."""

    def moderation_queue(self, assignment_id: str) -> dict[str, Queued]:
        """Student id → the queued submission, in the order they were queued."""
        with self._reading() as session:
            return _queue(session, assignment_id)

    def first_markers(self, assignment_id: str) -> dict[str, tuple[str, ...]]:
        """Student id → the graders (by name) who saved the submission's current choices that
        have a level, items or points."""
        scored = CHOICE.c.level.is_not(None) | CHOICE.c["items"].is_not(None) | CHOICE.c.points.is_not(None)
        statement = (
            select(SUBMISSION.c.student_id, CHOICE.c.updated_by)
            .distinct()
            .select_from(CHOICE.join(SUBMISSION, SUBMISSION.c.id == CHOICE.c.submission_id))
            .where(SUBMISSION.c.assignment_id == assignment_id, scored, CHOICE.c.updated_by != "")
        )
        found: dict[str, set[str]] = {}
        with self._reading() as session:
            for student_id, grader in session.execute(statement):
                found.setdefault(student_id, set()).add(grader)
        return {sid: tuple(sorted(graders)) for sid, graders in found.items()}

    def queue_for_moderation(
        self,
        assignment_id: str,
        entries: Sequence[Queued],
        *,
        seed: int,
        details: dict[str, object],
        actor: str,
        now: datetime,
    ) -> tuple[list[Queued], AuditEntry]:
        """Add the entries not queued yet (one queued meanwhile by another run is kept as it
        is), audited with ``details`` and what was added, together."""
        at = timestamp(now)
        with self._writing() as session:
            serialise(session, "moderation", assignment_id)
            queued = _queue(session, assignment_id)
            added = [e for e in entries if e.student_id not in queued]
            rows = [
                {
                    "assignment_id": assignment_id,
                    "student_id": e.student_id,
                    "first_marker": e.first_marker,
                    "moderator": e.moderator,
                    "seed": seed,
                    "queued_at": at,
                    "queued_by": actor,
                }
                for e in added
            ]
            if rows:
                session.execute(insert(MODERATION_QUEUE), rows)
            details = {**details, "queued": {e.student_id: e.moderator for e in added}}
            entry = records.append_audit(session, MODERATION_QUEUED, details, actor=actor, at=at)
        return added, entry

    def record_second_mark(
        self,
        assignment_id: str,
        student_id: str,
        criterion_id: str,
        choice: CriterionChoice,
        *,
        rubric_hash: str,
        actor: str,
        now: datetime,
    ) -> SecondMark:
        """Append a second mark; refused (GraderError) when the submission is not queued or
        ``actor`` first-marked it."""
        at = timestamp(now)
        with self._writing() as session:
            queued = _queue(session, assignment_id).get(student_id)
            if queued is None:
                raise GraderError(
                    f"{student_id}'s {assignment_id} submission is not queued for moderation; "
                    f"nothing was saved: sample it with grader moderate {assignment_id} --sample N"
                )
            if actor in queued.first_marker.split(", "):
                raise GraderError(
                    f"{actor} first-marked {student_id}'s {assignment_id} submission and cannot "
                    f"second-mark it; nothing was saved (queued for {queued.moderator})"
                )
            session.execute(
                insert(SECOND_MARK).values(
                    at=at,
                    actor=actor,
                    assignment_id=assignment_id,
                    student_id=student_id,
                    criterion_id=criterion_id,
                    choice=choice_json(choice),
                    rubric_hash=rubric_hash,
                )
            )
        return SecondMark(student_id, criterion_id, choice, actor, parse_timestamp(at))

    def second_marks(self, assignment_id: str, *, per_actor: bool = False) -> list[SecondMark]:
        """The second mark in force (the latest) of each criterion of each queued submission;
        ``per_actor``: the latest of each second marker's own (what each of them gave)."""
        c = SECOND_MARK.c
        statement = select(c.student_id, c.criterion_id, c.choice, c.actor, c.at).where(
            c.assignment_id == assignment_id
        )
        latest: dict[tuple[str, ...], SecondMark] = {}
        with self._reading() as session:
            for row in session.execute(statement.order_by(c.id)):
                mark = SecondMark(
                    row.student_id,
                    row.criterion_id,
                    choice_from_json(row.choice),
                    row.actor,
                    parse_timestamp(row.at),
                )
                key = (row.student_id, row.criterion_id) + ((row.actor,) if per_actor else ())
                latest[key] = mark
        return list(latest.values())


def _queue(session: Session, assignment_id: str) -> dict[str, Queued]:
    c = MODERATION_QUEUE.c
    statement = (
        select(c.student_id, c.first_marker, c.moderator)
        .where(c.assignment_id == assignment_id)
        .order_by(c.queued_at, c.student_id)
    )
    return {
        row.student_id: Queued(row.student_id, row.first_marker, row.moderator)
        for row in session.execute(statement)
    }

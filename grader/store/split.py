"""The store's part of the work split: the split in force, replaced or cleared with its audit
entry in one transaction, and the few grouped reads that say what work has started."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from grader.domain.errors import GraderError
from grader.domain.events import AuditEntry
from grader.domain.split import SplitMode, StoredSplit
from grader.store import records
from grader.store.base import ID_CHUNK, StoreBase, serialise
from grader.store.codec import parse_timestamp, timestamp
from grader.store.split_tables import GRADER_SPLIT
from grader.store.tables import CHOICE, SUBMISSION, SUMMARY

SPLIT_MADE = "work split"
SPLIT_CLEARED = "work split cleared"
"""The audit actions of ``grader assign`` and ``grader assign --clear``."""

_SCORED = or_(CHOICE.c.level.is_not(None), CHOICE.c["items"].is_not(None), CHOICE.c.points.is_not(None))


class SplitAccess(StoreBase):
    """The work split of each assignment; one unit of work per method."""

    def work_split(self, assignment_id: str) -> StoredSplit | None:
        """The split in force for the assignment, or None."""
        with self._reading() as session:
            return _read_split(session, assignment_id)

    def replace_split(
        self,
        assignment_id: str,
        mode: SplitMode,
        owners: Mapping[str, str],
        *,
        based_on: StoredSplit | None,
        details: dict[str, object],
        actor: str,
        now: datetime,
    ) -> AuditEntry:
        """Put ``owners`` (item id → grader, in order) in force and audit it with ``details``,
        together. ``based_on`` is the split the new one was computed from: when another run
        changed it meanwhile, nothing is saved and GraderError says who did."""
        at = timestamp(now)
        rows = [
            {
                "assignment_id": assignment_id,
                "item_id": item_id,
                "grader": grader,
                "mode": mode.value,
                "position": position,
                "assigned_at": at,
                "assigned_by": actor,
            }
            for position, (item_id, grader) in enumerate(owners.items())
        ]
        with self._writing() as session:
            serialise(session, "split", assignment_id)
            _refuse_if_changed(_read_split(session, assignment_id), based_on)
            session.execute(delete(GRADER_SPLIT).where(GRADER_SPLIT.c.assignment_id == assignment_id))
            if rows:
                session.execute(insert(GRADER_SPLIT), rows)
            return records.append_audit(session, SPLIT_MADE, details, actor=actor, at=at)

    def clear_split(self, assignment_id: str, *, actor: str, now: datetime) -> StoredSplit | None:
        """Remove the assignment's split (audited); the split removed, or None when there was none."""
        at = timestamp(now)
        with self._writing() as session:
            serialise(session, "split", assignment_id)
            found = _read_split(session, assignment_id)
            if found is None:
                return None
            session.execute(delete(GRADER_SPLIT).where(GRADER_SPLIT.c.assignment_id == assignment_id))
            details: dict[str, object] = {
                "assignment": assignment_id,
                "mode": found.mode.value,
                "graders": list(found.graders),
                "removed": len(found.owners),
            }
            records.append_audit(session, SPLIT_CLEARED, details, actor=actor, at=at)
        return found

    # What has started: read to make a split and to show each grader's progress

    def summary_states(self, assignment_id: str) -> dict[str, tuple[str, str]]:
        """Student id → (stamp, status) of each summary of the assignment."""
        c = SUMMARY.c
        statement = select(c.student_id, c.stamp, c.status).where(c.assignment_id == assignment_id)
        with self._reading() as session:
            return {row.student_id: (row.stamp, row.status) for row in session.execute(statement)}

    def last_graders(self, assignment_id: str) -> dict[str, str]:
        """Student id → the grader who last saved a choice of the submission (those who did)."""
        c = SUBMISSION.c
        statement = select(c.student_id, c.updated_by).where(
            c.assignment_id == assignment_id, c.updated_by != ""
        )
        with self._reading() as session:
            return {row.student_id: row.updated_by for row in session.execute(statement)}

    def criterion_graders(self, assignment_id: str) -> dict[str, dict[str, int]]:
        """Criterion id → grader → how many submissions' current choice of that criterion
        (a level, items or points) the grader saved."""
        statement = (
            select(CHOICE.c.criterion_id, CHOICE.c.updated_by, func.count())
            .select_from(CHOICE.join(SUBMISSION, SUBMISSION.c.id == CHOICE.c.submission_id))
            .where(SUBMISSION.c.assignment_id == assignment_id, _SCORED)
            .group_by(CHOICE.c.criterion_id, CHOICE.c.updated_by)
        )
        found: dict[str, dict[str, int]] = {}
        with self._reading() as session:
            for criterion_id, grader, count in session.execute(statement):
                found.setdefault(criterion_id, {})[grader] = count
        return found

    def scored_counts(self, assignment_id: str, student_ids: Sequence[str] | None = None) -> dict[str, int]:
        """Criterion id → how many submissions not excused have a level, items or points for it
        (of some students, if given)."""
        where = and_(SUBMISSION.c.assignment_id == assignment_id, ~SUBMISSION.c.excused, _SCORED)
        statement = (
            select(CHOICE.c.criterion_id, func.count())
            .select_from(CHOICE.join(SUBMISSION, SUBMISSION.c.id == CHOICE.c.submission_id))
            .group_by(CHOICE.c.criterion_id)
        )
        found: dict[str, int] = {}
        with self._reading() as session:
            if student_ids is None:
                return {cid: n for cid, n in session.execute(statement.where(where))}
            for start in range(0, len(student_ids), ID_CHUNK):
                chunk = list(student_ids[start : start + ID_CHUNK])
                for cid, n in session.execute(statement.where(where, SUBMISSION.c.student_id.in_(chunk))):
                    found[cid] = found.get(cid, 0) + n
        return found

    def submission_students(self, assignment_id: str, *, excused: bool | None = None) -> list[str]:
        """The students with a submission row of the assignment (only the excused, or only the
        others, when ``excused`` says so)."""
        c = SUBMISSION.c
        statement = select(c.student_id).where(c.assignment_id == assignment_id).order_by(c.student_id)
        if excused is not None:
            statement = statement.where(c.excused if excused else ~c.excused)
        with self._reading() as session:
            return list(session.execute(statement).scalars())


def _read_split(session: Session, assignment_id: str) -> StoredSplit | None:
    c = GRADER_SPLIT.c
    statement = (
        select(c.item_id, c.grader, c.mode, c.assigned_at, c.assigned_by)
        .where(c.assignment_id == assignment_id)
        .order_by(c.position, c.item_id)
    )
    rows = session.execute(statement).all()
    if not rows:
        return None
    first = rows[0]
    return StoredSplit(
        assignment_id,
        SplitMode(first.mode),
        {row.item_id: row.grader for row in rows},
        parse_timestamp(first.assigned_at),
        first.assigned_by,
    )


def _refuse_if_changed(current: StoredSplit | None, based_on: StoredSplit | None) -> None:
    if current == based_on:
        return
    if current is None:
        raise GraderError(
            "the work split was cleared by another grader while this one was computed; nothing "
            "was saved: run grader assign again"
        )
    when = f"{current.assigned_at:%Y-%m-%d %H:%M:%S} UTC"
    raise GraderError(
        f"the work split was changed by {current.assigned_by} at {when} while this one was "
        "computed; nothing was saved: run grader assign again"
    )

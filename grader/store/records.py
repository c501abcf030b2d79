"""Accepted rubric snapshots and the audit log of non-grade actions."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from grader.domain.events import AuditEntry
from grader.domain.rubric import Rubric
from grader.store.base import serialise
from grader.store.codec import dump_json, load_json_dict, parse_timestamp
from grader.store.tables import AUDIT_EVENT, RUBRIC_SNAPSHOT


def append_audit(
    session: Session, action: str, details: dict[str, object], *, actor: str, at: str
) -> AuditEntry:
    result = session.connection().execute(
        insert(AUDIT_EVENT).values(at=at, actor=actor, action=action, details=dump_json(details))
    )
    (entry_id,) = result.inserted_primary_key or (None,)
    if not isinstance(entry_id, int):
        raise RuntimeError("the database did not return the audit entry's id")
    return AuditEntry(id=entry_id, at=parse_timestamp(at), actor=actor, action=action, details=details)


def read_audit(session: Session, action: str | None = None) -> list[AuditEntry]:
    statement = select(AUDIT_EVENT).order_by(AUDIT_EVENT.c.id)
    if action is not None:
        statement = statement.where(AUDIT_EVENT.c.action == action)
    return [
        AuditEntry(
            id=row.id,
            at=parse_timestamp(row.at),
            actor=row.actor,
            action=row.action,
            details=load_json_dict(row.details),
        )
        for row in session.execute(statement)
    ]


def current_rubric(session: Session, assignment_id: str) -> tuple[str, dict[str, object]] | None:
    row = session.execute(
        select(RUBRIC_SNAPSHOT.c.rubric_hash, RUBRIC_SNAPSHOT.c.content).where(
            RUBRIC_SNAPSHOT.c.assignment_id == assignment_id, RUBRIC_SNAPSHOT.c.is_current
        )
    ).one_or_none()
    return (row.rubric_hash, load_json_dict(row.content)) if row is not None else None


def accept_rubric(
    session: Session,
    assignment_id: str,
    rubric_hash: str,
    content: dict[str, object],
    *,
    actor: str,
    at: str,
) -> None:
    """Make this rubric the one in force for the assignment (callers log why in the audit)."""
    actual = Rubric.from_dict(content).content_hash
    if actual != rubric_hash:
        raise ValueError(f"rubric hash {rubric_hash} does not match its content ({actual})")
    serialise(session, "rubric", assignment_id)
    current = current_rubric(session, assignment_id)
    if current is not None and current[0] == rubric_hash:
        return
    snapshot = RUBRIC_SNAPSHOT.c
    session.execute(
        update(RUBRIC_SNAPSHOT)
        .where(snapshot.assignment_id == assignment_id, snapshot.is_current)
        .values(is_current=False)
    )
    accepted = {"accepted_at": at, "accepted_by": actor, "is_current": True}
    earlier = session.connection().execute(
        update(RUBRIC_SNAPSHOT)
        .where(snapshot.assignment_id == assignment_id, snapshot.rubric_hash == rubric_hash)
        .values(**accepted)
    )
    if earlier.rowcount == 0:
        session.execute(
            insert(RUBRIC_SNAPSHOT).values(
                assignment_id=assignment_id,
                rubric_hash=rubric_hash,
                content=dump_json(content),
                **accepted,
            )
        )

"""Claims in SQL: taken atomically on both backends, renewed, released, listed while active.

A claim is taken with one INSERT … ON CONFLICT DO UPDATE whose WHERE lets it replace only a
claim of the same claimant (a renewal) or one that has expired: two graders racing for a free
submission both run it, and the database lets exactly one write. Timestamps are the store's
fixed-width UTC text, so "expired" is a comparison of text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from grader.domain.claims import Claim, Claimant
from grader.store.claim_tables import CLAIM
from grader.store.codec import parse_timestamp

KEY = ("assignment_id", "student_id")


@dataclass(frozen=True)
class Lease:
    """One attempt at a claim: who asks, when (store text), and until when it would hold."""

    claimant: Claimant
    at: str
    until: str


def claim_from_row(row: Row[Any]) -> Claim:
    return Claim(
        row.assignment_id,
        row.student_id,
        row.actor,
        row.token,
        parse_timestamp(row.claimed_at),
        parse_timestamp(row.expires_at),
    )


def _is_key(assignment_id: str, student_id: str) -> ColumnElement[bool]:
    return and_(CLAIM.c.assignment_id == assignment_id, CLAIM.c.student_id == student_id)


def _is_held_by(claimant: Claimant) -> ColumnElement[bool]:
    return and_(CLAIM.c.actor == claimant.actor, CLAIM.c.token == claimant.token)


def standing(session: Session, assignment_id: str, student_id: str, *, lock: bool = False) -> Claim | None:
    """The claim row of a submission (active or not); ``lock``: held until the transaction ends."""
    statement = select(CLAIM).where(_is_key(assignment_id, student_id))
    if lock:
        statement = statement.with_for_update()
    row = session.execute(statement).first()
    return None if row is None else claim_from_row(row)


def take(session: Session, assignment_id: str, student_id: str, lease: Lease, *, force: bool) -> Claim:
    """Claim (or renew) a submission; ``force`` replaces anyone's. Returns the claim standing
    afterwards: the claimant's own, or the one it could not replace."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(CLAIM) if dialect == "postgresql" else sqlite.insert(CLAIM)
    values = {
        "assignment_id": assignment_id,
        "student_id": student_id,
        "actor": lease.claimant.actor,
        "token": lease.claimant.token,
        "claimed_at": lease.at,
        "expires_at": lease.until,
    }
    statement = insert.values(values)
    renewal = _is_held_by(lease.claimant)
    replaceable = true() if force else or_(renewal, CLAIM.c.expires_at <= lease.at)
    statement = statement.on_conflict_do_update(
        index_elements=KEY,
        set_={
            "actor": statement.excluded.actor,
            "token": statement.excluded.token,
            # A renewal keeps the time the claim began.
            "claimed_at": case((renewal, CLAIM.c.claimed_at), else_=statement.excluded.claimed_at),
            "expires_at": statement.excluded.expires_at,
        },
        where=replaceable,
    )
    session.execute(statement)
    found = standing(session, assignment_id, student_id)
    assert found is not None, "the claim row was just written or kept"
    return found


def release(session: Session, assignment_id: str, student_id: str, claimant: Claimant) -> bool:
    """Drop the claimant's claim on a submission; False when it held none (expired and taken)."""
    statement = delete(CLAIM).where(_is_key(assignment_id, student_id), _is_held_by(claimant))
    return session.connection().execute(statement).rowcount > 0


def release_all(session: Session, claimant: Claimant) -> int:
    """Drop every claim of the claimant (its process is closing); how many there were."""
    return session.connection().execute(delete(CLAIM).where(_is_held_by(claimant))).rowcount


def active(session: Session, at: str, assignment_ids: Iterable[str] | None = None) -> list[Claim]:
    """The claims not expired at ``at`` (of these assignments, or all), oldest first."""
    statement = select(CLAIM).where(CLAIM.c.expires_at > at).order_by(CLAIM.c.claimed_at)
    if assignment_ids is not None:
        statement = statement.where(CLAIM.c.assignment_id.in_(list(assignment_ids)))
    return [claim_from_row(row) for row in session.execute(statement)]

"""Issued credentials, their review flags and revocations."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from grader.domain.issued import IssuedCredential, Revocation
from grader.store.codec import parse_timestamp, timestamp
from grader.store.tables import CREDENTIAL, CREDENTIAL_REVIEW, REVOCATION


def insert_credential(session: Session, credential: IssuedCredential) -> None:
    session.execute(
        insert(CREDENTIAL).values(
            id=credential.credential_id,
            student_id=credential.student_id,
            badge_id=credential.badge_id,
            status_index=credential.status_index,
            issued_at=timestamp(credential.issued_at),
            issued_by=credential.issued_by,
            key_id=credential.key_id,
            document=credential.document,
        )
    )


def read_credentials(
    session: Session, *, credential_id: str | None = None, student_id: str | None = None
) -> list[IssuedCredential]:
    """Issued credentials (all, one, or a student's), with their review state and revocation."""
    latest = (
        select(CREDENTIAL_REVIEW.c.credential_id, func.max(CREDENTIAL_REVIEW.c.id).label("id"))
        .group_by(CREDENTIAL_REVIEW.c.credential_id)
        .subquery()
    )
    review = CREDENTIAL_REVIEW.alias("review")
    statement = (
        select(CREDENTIAL, review.c.reason.label("review"), REVOCATION)
        .outerjoin(latest, latest.c.credential_id == CREDENTIAL.c.id)
        .outerjoin(review, review.c.id == latest.c.id)
        .outerjoin(REVOCATION, REVOCATION.c.credential_id == CREDENTIAL.c.id)
    )
    if credential_id is not None:
        statement = statement.where(CREDENTIAL.c.id == credential_id)
    if student_id is not None:
        statement = statement.where(CREDENTIAL.c.student_id == student_id)
    found = []
    for row in session.execute(statement.order_by(CREDENTIAL.c.issued_at, CREDENTIAL.c.id)):
        revocation = (
            Revocation(parse_timestamp(row.revoked_at), row.reason, row.revoked_by)
            if row.revoked_at is not None
            else None
        )
        found.append(
            IssuedCredential(
                credential_id=row.id,
                student_id=row.student_id,
                badge_id=row.badge_id,
                status_index=row.status_index,
                issued_at=parse_timestamp(row.issued_at),
                issued_by=row.issued_by,
                key_id=row.key_id,
                document=row.document,
                review=row.review or "",
                revocation=revocation,
            )
        )
    return found


def used_status_indexes(session: Session) -> set[int]:
    return set(session.execute(select(CREDENTIAL.c.status_index)).scalars())


def append_review(session: Session, credential_id: str, reason: str, *, by: str, at: str) -> None:
    session.execute(
        insert(CREDENTIAL_REVIEW).values(credential_id=credential_id, reason=reason, at=at, by=by)
    )


def insert_revocation(session: Session, credential_id: str, revocation: Revocation) -> None:
    session.execute(
        insert(REVOCATION).values(
            credential_id=credential_id,
            revoked_at=timestamp(revocation.revoked_at),
            reason=revocation.reason,
            revoked_by=revocation.revoked_by,
        )
    )

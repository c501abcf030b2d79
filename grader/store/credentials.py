"""Issued credentials, their review flags and revocations."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from grader.domain.issued import IssuedCredential, Revocation
from grader.store import records
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


def record_credentials(
    session: Session, candidates: Sequence[IssuedCredential]
) -> list[IssuedCredential | None]:
    """Insert each candidate whose (student, badge) and status index are free, with its audit entry."""
    standing = {
        (c.student_id, c.badge_id): c
        for c in read_credentials(session, student_ids={c.student_id for c in candidates})
    }
    taken = used_status_indexes(session, among={c.status_index for c in candidates})
    settled: list[IssuedCredential | None] = []
    for candidate in candidates:
        key = (candidate.student_id, candidate.badge_id)
        if key in standing:
            settled.append(standing[key])
            continue
        if candidate.status_index in taken:
            settled.append(None)
            continue
        insert_credential(session, candidate)
        records.append_audit(
            session,
            "credential issued",
            {
                "credential_id": candidate.credential_id,
                "student_id": candidate.student_id,
                "badge": candidate.badge_id,
                "status_index": candidate.status_index,
                "key": candidate.key_id,
            },
            actor=candidate.issued_by,
            at=timestamp(candidate.issued_at),
        )
        standing[key] = candidate
        taken.add(candidate.status_index)
        settled.append(candidate)
    return settled


def read_credentials(
    session: Session,
    *,
    credential_id: str | None = None,
    student_id: str | None = None,
    student_ids: Collection[str] | None = None,
) -> list[IssuedCredential]:
    """Issued credentials (all, one, a student's or several students'), with review state and revocation."""
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
    if student_ids is not None:
        statement = statement.where(CREDENTIAL.c.student_id.in_(sorted(set(student_ids))))
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


def used_status_indexes(session: Session, among: Collection[int] | None = None) -> set[int]:
    """The status-list indexes credentials hold (only those in ``among``, when given)."""
    statement = select(CREDENTIAL.c.status_index)
    if among is not None:
        statement = statement.where(CREDENTIAL.c.status_index.in_(sorted(set(among))))
    return set(session.execute(statement).scalars())


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

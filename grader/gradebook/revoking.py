"""Revoking a credential: for good, with a reason, audited; the status list says so once published."""

from __future__ import annotations

from datetime import datetime

from grader.domain.errors import GraderError
from grader.domain.issued import IssuedCredential, Revocation
from grader.domain.text import printable
from grader.gradebook.context import CourseContext, utc_now


def revoke(
    ctx: CourseContext, credential_id: str, reason: str, now: datetime | None = None
) -> IssuedCredential:
    """Revoke one issued credential; a revocation cannot be undone, so a second one is refused."""
    wanted = credential_id.strip().removeprefix("urn:uuid:")
    if not reason.strip():
        raise GraderError("a revocation needs a reason (--reason TEXT): it is kept in the audit log")
    credential = ctx.store.credential(wanted)
    if credential is None:
        raise GraderError(
            f"no credential {printable(wanted)!r} was issued in this course (see grader certify --json)"
        )
    if credential.revocation is not None:
        raise GraderError(
            f"credential {wanted} was already revoked on {credential.revocation.revoked_at:%Y-%m-%d} "
            f"({printable(credential.revocation.reason)}); a revocation cannot be undone"
        )
    ctx.store.revoke_credential(wanted, Revocation(now or utc_now(), reason.strip(), ctx.actor))
    revoked = ctx.store.credential(wanted)
    assert revoked is not None
    return revoked

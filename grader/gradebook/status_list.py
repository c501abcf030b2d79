"""The issuer's revocation status list, as the gradebook knows it, signed for publishing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from grader.credentials import proof
from grader.credentials.status import StatusList, status_list_credential
from grader.gradebook.context import CourseContext
from grader.gradebook.issuer import IssuerIdentity


def current_status_list(ctx: CourseContext) -> StatusList:
    """Every revoked credential's bit set; every other bit clear."""
    bits = StatusList()
    for credential in ctx.store.credentials():
        if credential.revocation is not None:
            bits = bits.revoke(credential.status_index)
    return bits


def signed_status_list(ctx: CourseContext, identity: IssuerIdentity, now: datetime) -> dict[str, Any]:
    """The BitstringStatusListCredential to host at the status list URL, signed by the active key."""
    unsigned = status_list_credential(
        identity.status_list_url, identity.did, current_status_list(ctx), valid_from=now
    )
    return proof.sign(
        unsigned, identity.ring.signing_key(), verification_method=identity.verification_method, created=now
    )

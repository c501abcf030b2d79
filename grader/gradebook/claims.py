"""Claims as graders meet them: opening a submission claims it, others are told who grades it.

A claim is a lease of ``LEASE`` renewed every ``RENEW_SECONDS`` while the grading screen shows the
submission, released when it leaves it; a grader who vanishes (crash, closed laptop) loses it
when the lease runs out. The claimant is the grader's name with this process's token, so two
TUIs of one name are told apart (and shown by that name).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from grader.domain.claims import Claim, Claimant, being_graded
from grader.gradebook.anonymity import identities
from grader.gradebook.context import CourseContext, utc_now

LEASE = timedelta(seconds=90)
"""How long a claim holds without a renewal: a vanished grader's claim is gone by then."""
RENEW_SECONDS = 20.0
"""How often an open grading screen renews its claim (several renewals fit in one lease)."""
PROCESS_TOKEN = f"{os.getpid()}-{secrets.token_hex(4)}"
"""This process among the processes of one grader name."""


def claimant(ctx: CourseContext) -> Claimant:
    """The acting grader in this process."""
    return Claimant(ctx.actor, PROCESS_TOKEN)


def claim(
    ctx: CourseContext,
    assignment_id: str,
    student_id: str,
    *,
    now: datetime | None = None,
    lease: timedelta = LEASE,
) -> Claim:
    """Claim (or renew the claim on) a submission for the acting grader; the claim standing
    afterwards, which is someone else's when they hold it."""
    return ctx.store.claim(assignment_id, student_id, claimant(ctx), now=now or utc_now(), lease=lease)


def take_over(
    ctx: CourseContext,
    assignment_id: str,
    student_id: str,
    *,
    now: datetime | None = None,
    lease: timedelta = LEASE,
) -> tuple[Claim, Claim | None]:
    """Take a submission's claim, whoever holds it (audited with both names): the acting
    grader's claim, and the one it replaced (None when none was active)."""
    return ctx.store.take_over(assignment_id, student_id, claimant(ctx), now=now or utc_now(), lease=lease)


def release(ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    """Leave a submission: the acting grader's claim on it ends now (if still theirs)."""
    ctx.store.release_claim(assignment_id, student_id, claimant(ctx))


def others_claims(
    ctx: CourseContext, assignment_ids: Iterable[str] | None = None, *, now: datetime | None = None
) -> dict[tuple[str, str], Claim]:
    """Active claims held by anyone but this process's grader, by (assignment, student)."""
    me = claimant(ctx)
    found = ctx.store.active_claims(now=now or utc_now(), assignment_ids=assignment_ids)
    return {(c.assignment_id, c.student_id): c for c in found if not c.is_held_by(me)}


def is_someone_elses(ctx: CourseContext, found: Claim) -> bool:
    return not found.is_held_by(claimant(ctx))


def claim_warning(ctx: CourseContext, assignment_id: str, student_id: str) -> str | None:
    """For ``grader grade``, which needs no claim: "warning: 00123 in a1-calculator is being
    graded by ta-ben (claimed at 14:02 UTC); saving anyway" when another grader holds one."""
    held = others_claims(ctx, [assignment_id]).get((assignment_id, student_id))
    if held is None:
        return None
    who = identities(ctx, assignment_id).shown_id(student_id)
    return (
        f"warning: {who} in {assignment_id} is {being_graded(held)} "
        f"(claimed at {held.claimed_at:%H:%M} UTC); saving anyway"
    )

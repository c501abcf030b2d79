"""Issuing credentials: every badge a student has earned gets one signed credential, once.

A regrade that takes a student below a badge flags the credential for review; nothing here
ever revokes one (``grader revoke`` does, and only when a person says so).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from grader.domain.credential_plan import ReviewDue
from grader.domain.issued import REVOKED, IssuedCredential
from grader.domain.mastery import BadgeEvaluation, BadgeStatus
from grader.domain.progress import Progress
from grader.gradebook.certify_results import (
    CLEARED,
    FLAGGED_NOW,
    ISSUED,
    WOULD_FLAG,
    WOULD_ISSUE,
    CertifyResult,
)
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.issuer import credential_folder, issuer_identity
from grader.gradebook.mastery import credential_plan, mastery_report

if TYPE_CHECKING:
    from grader.gradebook.issuing import Repair

BATCH = 50
"""Credentials signed, then recorded in one transaction (one sync to disk), then given their files."""


def certify(
    ctx: CourseContext,
    *,
    student_id: str | None = None,
    dry_run: bool = False,
    issue: bool = True,
    now: datetime | None = None,
) -> Iterator[Progress | CertifyResult]:
    """Issue every credential that is due, flag those whose badge is no longer met, report the rest.

    Idempotent: a (student, badge) credential is issued once; running again issues nothing new.
    With ``issue`` false, only reviews change (a course that issues on `grader certify` only).
    Learner files missing for a recorded credential (a crash, a font installed since) are rewritten.
    """
    moment = now or utc_now()
    report = mastery_report(ctx, student_id)
    issued = {(c.student_id, c.badge_id): c for c in ctx.store.credentials(student_id)}
    plan = credential_plan(report, issued)
    if not issue:
        plan = replace(plan, issue=())
    identity = None if dry_run or not plan.issue else issuer_identity(ctx, create=True)
    key = identity.ring.signing_key() if identity else None
    total = len(plan.issue)
    yield Progress(0, total, "issuing credentials")
    if identity is None or key is None:
        outcomes: Iterator[CertifyResult] = (
            CertifyResult(e.student_id, e.badge_id, WOULD_ISSUE, None, None) for e in plan.issue
        )
    else:
        from grader.gradebook.issuing import Issuer  # the signing and PDF libraries load only now

        issuer = Issuer(ctx, identity, key, report, moment, student_id)
        outcomes = (
            result
            for start in range(0, total, BATCH)
            for result in issuer.issue(plan.issue[start : start + BATCH])
        )
    for done, result in enumerate(outcomes, start=1):
        yield result
        yield Progress(done, total, f"{result.student_id} {result.badge_id}")
    repair = _repairer(ctx) if not dry_run and plan.keep + tuple(plan.review) else None
    reviewing = _Reviewing(ctx, issued, dry_run, moment, repair)
    yield from map(reviewing.kept, plan.keep)
    yield from map(reviewing.due, plan.review)


@dataclass(frozen=True)
class _Reviewing:
    """What becomes of credentials already issued: kept, cleared of a review, or flagged."""

    ctx: CourseContext
    issued: dict[tuple[str, str], IssuedCredential]
    dry_run: bool
    moment: datetime
    repair: Repair | None

    def kept(self, kept: BadgeEvaluation) -> CertifyResult:
        """A badge still met (or undetermined): its credential, cleared of a review once earned again."""
        ctx, credential = self.ctx, self.issued[(kept.student_id, kept.badge_id)]
        earned_again = kept.status is BadgeStatus.EARNED  # undetermined (a pending rubric edit) keeps a flag
        if credential.status == REVOKED or not credential.review or not earned_again or self.dry_run:
            return _existing(ctx, credential, repair=self.repair)
        ctx.store.review_credential(credential.credential_id, "", actor=ctx.actor, now=self.moment)
        return CertifyResult(
            kept.student_id, kept.badge_id, CLEARED, credential.credential_id, _folder(ctx, credential)
        )

    def due(self, due: ReviewDue) -> CertifyResult:
        """A badge no longer met: its credential flagged for review (never revoked here)."""
        ctx, credential = self.ctx, self.issued[(due.student_id, due.badge_id)]
        reason = "; ".join(due.reasons)
        if self.dry_run and credential.status != REVOKED and credential.review != reason:
            status = WOULD_FLAG
        elif credential.status == REVOKED or credential.review == reason or self.dry_run:
            return _existing(ctx, credential, repair=self.repair)
        else:
            ctx.store.review_credential(credential.credential_id, reason, actor=ctx.actor, now=self.moment)
            status = FLAGGED_NOW
        folder = _folder(ctx, credential)
        return CertifyResult(due.student_id, due.badge_id, status, credential.credential_id, folder, reason)


def after_grading(ctx: CourseContext, student_id: str | None = None) -> list[CertifyResult]:
    """What a grade event (or, for every student, a rubric change) changes for badges: reviews are
    flagged or cleared always; credentials are issued when the course issues automatically."""
    if not ctx.files.course.badges:
        return []
    changed = (ISSUED, FLAGGED_NOW, CLEARED)
    issue = ctx.files.course.issuer.auto_issue
    results = certify(ctx, student_id=student_id, issue=issue)
    return [r for r in results if isinstance(r, CertifyResult) and r.status in changed]


def _existing(
    ctx: CourseContext, credential: IssuedCredential, *, repair: Repair | None = None
) -> CertifyResult:
    if credential.revocation is not None:
        detail = f"revoked on {credential.revocation.revoked_at:%Y-%m-%d}: {credential.revocation.reason}"
    else:
        detail = credential.review
    folder, warning = repair.files(credential) if repair is not None else (_folder(ctx, credential), "")
    return CertifyResult(
        credential.student_id,
        credential.badge_id,
        credential.status,
        credential.credential_id,
        folder,
        "; ".join(part for part in (detail, warning) if part),
    )


def _folder(ctx: CourseContext, credential: IssuedCredential) -> Path | None:
    folder = credential_folder(ctx.root, credential.credential_id)
    return folder if folder.is_dir() else None


def _repairer(ctx: CourseContext) -> Repair:
    from grader.gradebook.issuing import Repair  # the PDF libraries load only when files are missing

    return Repair(ctx)


__all__ = ["CertifyResult", "after_grading", "certify"]

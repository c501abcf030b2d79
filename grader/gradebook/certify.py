"""Issuing credentials: every badge a student has earned gets one signed credential, once.

A regrade that takes a student below a badge flags the credential for review; nothing here
ever revokes one (``grader revoke`` does, and only when a person says so).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from grader.credentials import proof
from grader.credentials.keys import IssuerKey
from grader.credentials.model import (
    BadgeDefinition,
    CredentialRequest,
    EvidenceItem,
    Learner,
    LearnerResult,
    SkillRequirement,
    StatusPointer,
    build_credential,
    new_credential_id,
    new_salt,
)
from grader.credentials.status import allocate_index
from grader.domain.course import Badge
from grader.domain.errors import GraderError
from grader.domain.issued import ACTIVE, REVOKED, IssuedCredential, StatusIndexTaken
from grader.domain.mastery import BadgeEvaluation, StudentMastery
from grader.domain.progress import Progress
from grader.git.sources import SourceRefused, fill_source
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.issuer import IssuerIdentity, issuer_identity
from grader.gradebook.learner_files import credential_folder, write_learner_files
from grader.gradebook.mastery import MasteryReport, credential_plan, mastery_report

ISSUED = "issued"
WOULD_ISSUE = "would issue"
FLAGGED_NOW = "flagged for review"
CLEARED = "review cleared"
ATTEMPTS = 5


@dataclass(frozen=True)
class CertifyResult:
    student_id: str
    badge_id: str
    status: str
    """``issued`` (now), ``would issue`` (dry run), ``active``, ``flagged for review``,
    ``review cleared`` or ``revoked``."""
    credential_id: str | None
    path: Path | None
    detail: str = ""
    """Why it was flagged, or what the learner's files need (e.g. a font to install)."""


def certify(
    ctx: CourseContext, *, student_id: str | None = None, dry_run: bool = False, now: datetime | None = None
) -> Iterator[Progress | CertifyResult]:
    """Issue every credential that is due, flag those whose badge is no longer met, report the rest.

    Idempotent: a (student, badge) credential is issued once; running again issues nothing new.
    """
    moment = now or utc_now()
    report = mastery_report(ctx, student_id)
    issued = {(c.student_id, c.badge_id): c for c in ctx.store.credentials(student_id)}
    plan = credential_plan(report, issued)
    identity = None if dry_run or not plan.issue else issuer_identity(ctx, create=True)
    key = identity.ring.signing_key() if identity else None
    taken = ctx.store.used_status_indexes() if identity else set()
    total = len(plan.issue)
    yield Progress(0, total, "issuing credentials")
    for done, evaluation in enumerate(plan.issue, start=1):
        if identity is None or key is None:
            yield CertifyResult(evaluation.student_id, evaluation.badge_id, WOULD_ISSUE, None, None)
        else:
            yield _issue(ctx, identity, key, report, evaluation, taken, moment)
        yield Progress(done, total, f"{evaluation.student_id} {evaluation.badge_id}")
    for kept in plan.keep:
        credential = issued[(kept.student_id, kept.badge_id)]
        if credential.status == REVOKED or not credential.review or dry_run:
            yield _existing(ctx, credential)
            continue
        ctx.store.review_credential(credential.credential_id, "", actor=ctx.actor, now=moment)
        yield CertifyResult(
            kept.student_id, kept.badge_id, CLEARED, credential.credential_id, _folder(ctx, credential)
        )
    for due in plan.review:
        credential = issued[(due.student_id, due.badge_id)]
        reason = "; ".join(due.reasons)
        if credential.status == REVOKED or credential.review == reason or dry_run:
            yield _existing(ctx, credential, reason if credential.status != REVOKED else "")
            continue
        ctx.store.review_credential(credential.credential_id, reason, actor=ctx.actor, now=moment)
        yield CertifyResult(
            due.student_id,
            due.badge_id,
            FLAGGED_NOW,
            credential.credential_id,
            _folder(ctx, credential),
            reason,
        )


def after_grading(ctx: CourseContext, student_id: str) -> list[CertifyResult]:
    """What a grade event changes for the student's badges, when the course issues automatically."""
    if not ctx.files.course.issuer.auto_issue or not ctx.files.course.badges:
        return []
    changed = (ISSUED, FLAGGED_NOW, CLEARED)
    return [
        r for r in certify(ctx, student_id=student_id) if isinstance(r, CertifyResult) and r.status in changed
    ]


def _existing(ctx: CourseContext, credential: IssuedCredential, detail: str = "") -> CertifyResult:
    return CertifyResult(
        credential.student_id,
        credential.badge_id,
        credential.status,
        credential.credential_id,
        _folder(ctx, credential),
        detail or credential.review,
    )


def _folder(ctx: CourseContext, credential: IssuedCredential) -> Path | None:
    folder = credential_folder(ctx.root, credential.credential_id)
    return folder if folder.is_dir() else None


def _issue(
    ctx: CourseContext,
    identity: IssuerIdentity,
    key: IssuerKey,
    report: MasteryReport,
    evaluation: BadgeEvaluation,
    taken: set[int],
    moment: datetime,
) -> CertifyResult:
    """Sign, record (once per student and badge) and write the learner's files."""
    student_id, badge_id = evaluation.student_id, evaluation.badge_id
    badge = next(b for b in ctx.files.course.badges if b.id == badge_id)
    for _ in range(ATTEMPTS):
        index = allocate_index(taken)
        taken.add(index)
        credential_id = str(new_credential_id())
        request = _request(ctx, identity, report, badge, student_id, credential_id, index, moment)
        signed = proof.sign(
            build_credential(request), key, verification_method=identity.verification_method, created=moment
        )
        candidate = IssuedCredential(
            credential_id=credential_id,
            student_id=student_id,
            badge_id=badge_id,
            status_index=index,
            issued_at=moment,
            issued_by=ctx.actor,
            key_id=identity.verification_method,
            document=json.dumps(signed, ensure_ascii=False, indent=2) + "\n",
        )
        try:
            stored = ctx.store.issue_credential(candidate)
        except StatusIndexTaken:
            continue
        written = write_learner_files(
            ctx.root, identity, ctx.files.course, stored, ctx.files.student(student_id)
        )
        status = ISSUED if stored.credential_id == credential_id else stored.status
        return CertifyResult(
            student_id, badge_id, status, stored.credential_id, written.folder, written.detail
        )
    raise GraderError(f"could not find a free status-list index for {student_id} {badge_id}; try again")


def _request(
    ctx: CourseContext,
    identity: IssuerIdentity,
    report: MasteryReport,
    badge: Badge,
    student_id: str,
    credential_id: str,
    index: int,
    moment: datetime,
) -> CredentialRequest:
    student = ctx.files.student(student_id)
    figures = report.mastery[student_id]
    return CredentialRequest(
        credential_id=uuid.UUID(credential_id),
        issuer=identity.profile(),
        badge=BadgeDefinition(
            id=identity.badge_url(ctx.files.course.id, badge.id),
            name=badge.title,
            description=badge.description,
            criteria=badge.criteria,
            skills=tuple(
                SkillRequirement(code=skill, name=report.skills.get(skill) or skill, threshold=threshold)
                for skill, threshold in badge.skill_thresholds.items()
            ),
        ),
        learner=Learner(
            name=student.name, email=student.email or None, salt=new_salt() if student.email else None
        ),
        valid_from=moment,
        awarded=moment,
        results=_results(badge, figures),
        evidence=_evidence(ctx, badge, student_id),
        status=StatusPointer(identity.status_list_url, index),
    )


def _results(badge: Badge, figures: StudentMastery) -> tuple[LearnerResult, ...]:
    found = []
    for skill in badge.skill_thresholds:
        figure = figures.skills.get(skill)
        if figure is not None:
            fraction = figure.fraction
            found.append(LearnerResult(skill, Decimal(fraction.numerator) / Decimal(fraction.denominator)))
    return tuple(found)


def _evidence(ctx: CourseContext, badge: Badge, student_id: str) -> tuple[EvidenceItem, ...]:
    """The graded commit of every assignment the badge rests on (those pulled)."""
    student = ctx.files.student(student_id)
    items = []
    for assignment_id in badge.assignments or tuple(a.id for a in ctx.files.course.assignments):
        assignment = ctx.files.course.assignment(assignment_id)
        state = ctx.store.pull_states(assignment_id, student_id).get(student_id)
        if assignment is None or state is None or not state.graded_commit:
            continue
        grade = ctx.store.grade(assignment_id, student_id)
        items.append(
            EvidenceItem(
                assignment=assignment.title,
                commit_sha=state.graded_commit,
                graded_at=grade.updated_at or state.pulled_at,
                repo_url=_public_url(ctx, assignment.repo, student.github, student_id),
            )
        )
    return tuple(items)


def _public_url(ctx: CourseContext, template: str, github: str, student_id: str) -> str | None:
    """The repository's https address when it has one without credentials; local paths stay private."""
    try:
        url = fill_source(template, github=github, student_id=student_id, course_dir=ctx.root)
    except SourceRefused:
        return None
    host = url.removeprefix("https://").split("/", 1)[0]
    return url if url.startswith("https://") and "@" not in host else None


__all__ = ["ACTIVE", "CertifyResult", "after_grading", "certify"]

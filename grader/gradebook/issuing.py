"""Signing, recording and writing credentials, a batch at a time (loaded only when one is issued:
it brings the JSON-LD, signing and PDF libraries)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
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
from grader.domain.events import SubmissionGrade
from grader.domain.issued import IssuedCredential
from grader.domain.mastery import BadgeEvaluation, StudentMastery
from grader.domain.pulls import PullState
from grader.git.sources import SourceRefused, fill_source
from grader.gradebook.certify_results import ISSUED, CertifyResult
from grader.gradebook.context import CourseContext
from grader.gradebook.issuer import IssuerIdentity, credential_folder, issuer_identity, needs_writing
from grader.gradebook.learner_files import write_learner_files
from grader.gradebook.mastery import MasteryReport

ATTEMPTS = 5


class Repair:
    """Rewrites the learner's files of recorded credentials when they are missing or incomplete."""

    def __init__(self, ctx: CourseContext) -> None:
        self.ctx = ctx
        self._identity: IssuerIdentity | None = None

    def files(self, credential: IssuedCredential) -> tuple[Path | None, str]:
        folder = credential_folder(self.ctx.root, credential.credential_id)
        student = self.ctx.files.students_by_id.get(credential.student_id)
        if not needs_writing(folder) or student is None:
            return (folder if folder.is_dir() else None), ""
        if self._identity is None:
            self._identity = issuer_identity(self.ctx)
        written = write_learner_files(
            self.ctx.root, self._identity, self.ctx.files.course, credential, student
        )
        return written.folder, written.detail


class Issuer:
    """Signs, records and writes the learner's files of credentials, a batch at a time."""

    def __init__(
        self,
        ctx: CourseContext,
        identity: IssuerIdentity,
        key: IssuerKey,
        report: MasteryReport,
        moment: datetime,
        student_id: str | None,
    ) -> None:
        self.ctx, self.identity, self.key, self.report, self.moment = ctx, identity, key, report, moment
        self.taken = ctx.store.used_status_indexes()
        self.evidence = _EvidenceSource(ctx, student_id)

    def issue(self, evaluations: Sequence[BadgeEvaluation]) -> Iterator[CertifyResult]:
        """Each credential once per (student, badge): every one is recorded and has its files before
        the first result is yielded, so a caller that stops early leaves none without files."""
        results: list[CertifyResult] = []
        pending = list(evaluations)
        failure: GraderError | None = None
        for _ in range(ATTEMPTS):
            candidates: list[IssuedCredential] = []
            try:
                for evaluation in pending:
                    candidates.append(self._sign(evaluation))
            except GraderError as error:  # record those signed before it, then report it
                failure, pending = error, pending[: len(candidates)]
            retry = []
            for evaluation, candidate, stands in zip(
                pending, candidates, self.ctx.store.issue_credentials(candidates), strict=True
            ):
                if stands is None:  # its status-list index was taken meanwhile: sign it again
                    retry.append(evaluation)
                else:
                    results.append(self._write(evaluation, candidate, stands))
            pending = retry
            if failure is not None or not pending:
                break
        yield from results
        if failure is not None:
            raise failure
        if pending:
            first = pending[0]
            raise GraderError(
                f"could not find a free status-list index for {first.student_id} {first.badge_id}; try again"
            )

    def _sign(self, evaluation: BadgeEvaluation) -> IssuedCredential:
        if not evaluation.earned:  # never sign a badge on grades that are not final or not met
            missing = "; ".join(evaluation.shortfalls())
            raise GraderError(f"{evaluation.student_id} {evaluation.badge_id}: not earned ({missing})")
        ctx, identity = self.ctx, self.identity
        badge = next(b for b in ctx.files.course.badges if b.id == evaluation.badge_id)
        index = allocate_index(self.taken)
        self.taken.add(index)
        credential_id = str(new_credential_id())
        evidence = self.evidence.items(badge, evaluation.student_id)
        request = _request(
            ctx,
            identity,
            self.report,
            badge,
            evaluation.student_id,
            credential_id,
            index,
            self.moment,
            evidence,
        )
        signed = proof.sign(
            build_credential(request),
            self.key,
            verification_method=identity.verification_method,
            created=self.moment,
        )
        return IssuedCredential(
            credential_id=credential_id,
            student_id=evaluation.student_id,
            badge_id=evaluation.badge_id,
            status_index=index,
            issued_at=self.moment,
            issued_by=ctx.actor,
            key_id=identity.verification_method,
            document=json.dumps(signed, ensure_ascii=False, indent=2) + "\n",
        )

    def _write(
        self, evaluation: BadgeEvaluation, candidate: IssuedCredential, stands: IssuedCredential
    ) -> CertifyResult:
        student_id, badge_id = evaluation.student_id, evaluation.badge_id
        written = write_learner_files(
            self.ctx.root, self.identity, self.ctx.files.course, stands, self.ctx.files.student(student_id)
        )
        status = ISSUED if stands.credential_id == candidate.credential_id else stands.status
        return CertifyResult(
            student_id, badge_id, status, stands.credential_id, written.folder, written.detail
        )


def _request(
    ctx: CourseContext,
    identity: IssuerIdentity,
    report: MasteryReport,
    badge: Badge,
    student_id: str,
    credential_id: str,
    index: int,
    moment: datetime,
    evidence: tuple[EvidenceItem, ...],
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
        evidence=evidence,
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


class _EvidenceSource:
    """Pull states and grades, read once per assignment (one query each) for a whole run."""

    def __init__(self, ctx: CourseContext, student_id: str | None) -> None:
        self.ctx = ctx
        self.student_id = student_id
        self._states: dict[str, dict[str, PullState]] = {}
        self._grades: dict[str, dict[str, SubmissionGrade]] = {}

    def items(self, badge: Badge, student_id: str) -> tuple[EvidenceItem, ...]:
        """The graded commit of every assignment the badge rests on (those pulled)."""
        ctx = self.ctx
        student = ctx.files.student(student_id)
        items = []
        for assignment_id in badge.assignments or tuple(a.id for a in ctx.files.course.assignments):
            assignment = ctx.files.course.assignment(assignment_id)
            state = self._pull_states(assignment_id).get(student_id)
            if assignment is None or state is None or not state.graded_commit:
                continue
            grade = self._saved_grades(assignment_id).get(student_id)
            items.append(
                EvidenceItem(
                    assignment=assignment.title,
                    commit_sha=state.graded_commit,
                    graded_at=(grade.updated_at if grade else None) or state.pulled_at,
                    repo_url=_public_url(ctx, assignment.repo, student.github, student_id),
                )
            )
        return tuple(items)

    def _pull_states(self, assignment_id: str) -> dict[str, PullState]:
        if assignment_id not in self._states:
            self._states[assignment_id] = self.ctx.store.pull_states(assignment_id, self.student_id)
        return self._states[assignment_id]

    def _saved_grades(self, assignment_id: str) -> dict[str, SubmissionGrade]:
        if assignment_id not in self._grades:
            if self.student_id is None:
                self._grades[assignment_id] = self.ctx.store.grades(assignment_id)
            else:
                grade = self.ctx.store.grade(assignment_id, self.student_id)
                self._grades[assignment_id] = {self.student_id: grade}
        return self._grades[assignment_id]


def _public_url(ctx: CourseContext, template: str, github: str, student_id: str) -> str | None:
    """The repository's https address when it has one without credentials; local paths stay private."""
    try:
        url = fill_source(template, github=github, student_id=student_id, course_dir=ctx.root)
    except SourceRefused:
        return None
    host = url.removeprefix("https://").split("/", 1)[0]
    return url if url.startswith("https://") and "@" not in host else None

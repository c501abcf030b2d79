"""What the Student screen shows of one student, read in one go (its worker calls this)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from grader.domain.errors import RubricChangeRefused
from grader.domain.issued import IssuedCredential
from grader.domain.roster import Student
from grader.gradebook.anonymity import identities
from grader.gradebook.context import CourseContext
from grader.gradebook.issuer import credential_folder
from grader.gradebook.mastery import MasteryReport, mastery_report
from grader.gradebook.rubrics import effective_rubric
from grader.gradebook.status import SubmissionStatus, status_row


@dataclass(frozen=True)
class StudentView:
    """Everything the screen shows, read in one worker."""

    student: Student
    statuses: tuple[SubmissionStatus, ...]
    report: MasteryReport
    credentials: tuple[IssuedCredential, ...]
    folders: dict[str, Path | None]
    """Learner files by credential id (None when not written)."""
    badge_titles: dict[str, str]
    hidden: tuple[str, ...] = ()
    """Anonymous assignments whose identities are hidden: this student's grade is not shown."""


def load_student(ctx: CourseContext, student_id: str) -> StudentView:
    """Read one student's grades, mastery and credentials: a few queries per assignment."""
    student = ctx.files.student(student_id)
    statuses: list[SubmissionStatus] = []
    hidden: list[str] = []
    for assignment in ctx.files.course.assignments:
        if identities(ctx, assignment.id).hidden:
            hidden.append(assignment.id)
            continue
        grade = ctx.store.grade(assignment.id, student_id)
        pull = ctx.store.pull_states_of(assignment.id, [student_id]).get(student_id)
        try:
            rubric, refused = effective_rubric(ctx, assignment.id, {student_id: grade}), False
        except RubricChangeRefused:
            rubric, refused = ctx.files.rubric(assignment.id), True
        saved = grade if grade.version else None
        statuses.append(status_row(assignment, rubric, student, saved, pull, refused))
    credentials = tuple(ctx.store.credentials(student_id))
    folders: dict[str, Path | None] = {}
    for credential in credentials:
        folder = credential_folder(ctx.root, credential.credential_id)
        folders[credential.credential_id] = folder if folder.is_dir() else None
    return StudentView(
        student=student,
        statuses=tuple(statuses),
        report=mastery_report(ctx, student_id),
        credentials=credentials,
        folders=folders,
        badge_titles={badge.id: badge.title for badge in ctx.files.course.badges},
        hidden=tuple(hidden),
    )

"""Mastery per skill and badge status, for one student or the whole roster, from the gradebook."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from grader.domain.credential_plan import CredentialPlan, plan_credentials
from grader.domain.mastery import BadgeEvaluation, StudentMastery
from grader.domain.roster import Student
from grader.domain.rubric import Rubric
from grader.gradebook.badges import CHUNK, BadgeJudge, chunk_mastery, chunks, mastery_basis, withheld_of
from grader.gradebook.context import CourseContext


@dataclass(frozen=True)
class MasteryReport:
    students: tuple[Student, ...]
    """The students asked for, in roster order."""
    skills: dict[str, str]
    """Every skill the course's rubrics define (id → description), in first-seen order."""
    mastery: dict[str, StudentMastery]
    """By student id; every student in ``students`` is present."""
    badges: dict[str, tuple[BadgeEvaluation, ...]]
    """By student id, one evaluation per course badge, in course order."""
    refused: dict[str, str]
    """Assignments left out because their rubric edit is refused until mapped, with why."""

    def evaluations(self) -> Iterator[BadgeEvaluation]:
        for student in self.students:
            yield from self.badges[student.student_id]


def course_skills(rubrics: Iterable[Rubric]) -> dict[str, str]:
    skills: dict[str, str] = {}
    for rubric in rubrics:
        for skill, description in rubric.skills.items():
            skills.setdefault(skill, description)
    return skills


def mastery_report(ctx: CourseContext, student_id: str | None = None, *, chunk: int = CHUNK) -> MasteryReport:
    """Mastery and badge status of one student, or of every roster student.

    Grades are read ``chunk`` students at a time (one query per assignment each). Only final
    grades count (``course_mastery``): a badge needing an assignment waits for its grade to be
    final. An excused submission counts nowhere: its choices are left out, and a badge needing
    that assignment does not wait for it. An assignment whose rubric edit is refused (see
    ``mastery_basis``) is left out and named in ``refused``; with one student, only that
    student's choices decide it, as ``grader grade`` does. Badge requirements that depend on a
    left-out assignment are withheld rather than judged.
    """
    files = ctx.files
    students = (files.student(student_id),) if student_id is not None else files.students
    basis = mastery_basis(ctx, student_id)
    judge = BadgeJudge(files.course.badges, withheld_of(files, basis.refused))
    mastery: dict[str, StudentMastery] = {}
    for part in chunks(students, chunk):
        mastery.update(chunk_mastery(ctx, basis, part))
    return MasteryReport(
        students=tuple(students),
        skills=course_skills(files.rubric(a.id) for a in files.course.assignments),
        mastery=mastery,
        badges={sid: judge.evaluations(sid, figures) for sid, figures in mastery.items()},
        refused=basis.refused,
    )


def credential_plan(report: MasteryReport, issued: Iterable[tuple[str, str]]) -> CredentialPlan:
    """Which (student, badge) credentials to issue, keep or flag for review, given those issued.

    Only the report's students are judged, so pass the issued pairs of those students.
    """
    return plan_credentials(issued, report.evaluations())

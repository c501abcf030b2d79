"""Mastery per skill and badge status, for one student or the whole roster, from the gradebook."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace

from grader.domain.credential_plan import CredentialPlan, plan_credentials
from grader.domain.errors import RubricChangeRefused
from grader.domain.events import SubmissionGrade
from grader.domain.mastery import (
    BadgeEvaluation,
    Choices,
    StudentMastery,
    Withheld,
    course_mastery,
    evaluate_badge,
)
from grader.domain.roster import Student
from grader.domain.rubric import Rubric
from grader.domain.scoring import Merged, effective_choices
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import effective_rubric


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


def _grades(ctx: CourseContext, assignment_id: str, student_id: str | None) -> Mapping[str, SubmissionGrade]:
    if student_id is None:
        return ctx.store.grades(assignment_id)
    return {student_id: ctx.store.grade(assignment_id, student_id)}


def mastery_report(ctx: CourseContext, student_id: str | None = None) -> MasteryReport:
    """Mastery and badge status of one student, or of every roster student.

    One query per assignment either way. Only final grades count (``course_mastery``): a badge
    needing an assignment waits for its grade to be final. An excused submission counts nowhere:
    its choices are left out, and a badge needing that assignment does not wait for it. An assignment
    whose rubric edit is refused (see ``effective_rubric``) is left out and named in ``refused``;
    with one student, only that student's choices decide it, as ``grader grade`` does. Badge
    requirements that depend on a left-out assignment are withheld rather than judged.
    """
    files = ctx.files
    students = (files.student(student_id),) if student_id is not None else files.students
    on_roster = {s.student_id for s in students}
    rubrics: dict[str, Rubric] = {}
    grades: dict[str, dict[str, Choices]] = {}
    refused: dict[str, str] = {}
    excused: dict[str, set[str]] = {}
    for assignment in files.course.assignments:
        saved = _grades(ctx, assignment.id, student_id)
        try:
            rubrics[assignment.id] = effective_rubric(ctx, assignment.id, saved)
        except RubricChangeRefused as refusal:
            refused[assignment.id] = str(refusal)
            continue
        memo: Merged = {}
        rubric = rubrics[assignment.id]
        grades[assignment.id] = {  # scored as every scorer does: with the autograde layer merged in
            sid: effective_choices(rubric, g, memo)
            for sid, g in saved.items()
            if sid in on_roster and not g.excused
        }
        for sid, g in saved.items():
            if g.excused and sid in on_roster:
                excused.setdefault(sid, set()).add(assignment.id)
    withheld = Withheld(
        frozenset(refused),
        frozenset(skill for a in refused for c in files.rubric(a).criteria for skill in c.skills),
    )
    computed = course_mastery(rubrics, grades)
    mastery = {s.student_id: computed.get(s.student_id) or StudentMastery() for s in students}
    for sid, assignment_ids in excused.items():  # excused work counts nowhere, and blocks no badge
        figures = mastery[sid]
        mastery[sid] = replace(figures, graded_assignments=figures.graded_assignments | assignment_ids)
    badges = {
        sid: tuple(evaluate_badge(badge, sid, figures, withheld) for badge in files.course.badges)
        for sid, figures in mastery.items()
    }
    return MasteryReport(
        students=tuple(students),
        skills=course_skills(files.rubric(a.id) for a in files.course.assignments),
        mastery=mastery,
        badges=badges,
        refused=refused,
    )


def credential_plan(report: MasteryReport, issued: Iterable[tuple[str, str]]) -> CredentialPlan:
    """Which (student, badge) credentials to issue, keep or flag for review, given those issued.

    Only the report's students are judged, so pass the issued pairs of those students.
    """
    return plan_credentials(issued, report.evaluations())

"""Where every submission stands: status, score, lateness, commit, flags and choices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from grader.domain.choices import CriterionChoice
from grader.domain.errors import RubricChangeRefused
from grader.domain.events import SubmissionGrade
from grader.domain.rubric import CriterionKind
from grader.domain.scoring import score_submission
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import effective_rubric

NOT_PULLED = "not pulled"
IN_PROGRESS = "in progress"
GRADED = "graded"
RUBRIC_REFUSED = "rubric change needs mapping"


@dataclass(frozen=True)
class CriterionStatus:
    criterion_id: str
    choice: CriterionChoice
    points: Decimal | None


@dataclass(frozen=True)
class SubmissionStatus:
    assignment_id: str
    student_id: str
    name: str
    status: str
    score: Decimal | None
    max_score: Decimal
    penalty: Decimal
    late_minutes: int | None
    graded_commit: str | None
    flags: tuple[str, ...]
    criteria: tuple[CriterionStatus, ...]
    graded_by: str = ""
    version: int = 0
    extra: dict[str, object] = field(default_factory=dict)


def choice_summary(choice: CriterionChoice) -> str | list[str] | Decimal | None:
    """What was chosen, in the shape a script expects: a label, a list of items, or points."""
    if choice.level is not None:
        return choice.level
    if choice.items is not None:
        return list(choice.items)
    if choice.points is not None:
        return choice.points
    return None


def _status(grade: SubmissionGrade, complete: bool, any_scored: bool) -> str:
    if complete:
        return GRADED
    if any_scored:
        return IN_PROGRESS
    return NOT_PULLED


def _unscored(
    ctx: CourseContext, assignment_id: str, grades: Mapping[str, SubmissionGrade]
) -> list[SubmissionStatus]:
    """Rows for an assignment whose rubric edit is refused: choices shown, nothing scored."""
    rubric = ctx.files.rubric(assignment_id)
    rows = []
    for student in ctx.files.students:
        grade = grades.get(student.student_id)
        choices = grade.choices if grade else {}
        rows.append(
            SubmissionStatus(
                assignment_id=assignment_id,
                student_id=student.student_id,
                name=student.name,
                status=IN_PROGRESS if any(c.is_scored for c in choices.values()) else NOT_PULLED,
                score=None,
                max_score=rubric.max_points,
                penalty=Decimal(0),
                late_minutes=None,
                graded_commit=None,
                flags=(RUBRIC_REFUSED,),
                criteria=tuple(
                    CriterionStatus(c.id, choices.get(c.id, CriterionChoice()), None) for c in rubric.criteria
                ),
                graded_by=grade.updated_by if grade else "",
                version=grade.version if grade else 0,
            )
        )
    return rows


def submission_statuses(
    ctx: CourseContext, assignment_ids: list[str] | None = None, *, refused: dict[str, str] | None = None
) -> list[SubmissionStatus]:
    """One status per roster student and assignment, scored with the current rubric.

    An assignment whose rubric edit is refused raises, unless ``refused`` is given: then its
    rows carry no score and a flag, and the refusal is stored there by assignment id.
    """
    wanted = assignment_ids or [a.id for a in ctx.files.course.assignments]
    out: list[SubmissionStatus] = []
    for assignment_id in wanted:
        assignment = ctx.files.course.assignment(assignment_id)
        grades = ctx.store.grades(assignment_id)
        assert assignment is not None
        try:
            rubric = effective_rubric(ctx, assignment_id, grades)
        except RubricChangeRefused as refusal:
            if refused is None:
                raise
            refused[assignment_id] = str(refusal)
            out += _unscored(ctx, assignment_id, grades)
            continue
        for student in ctx.files.students:
            grade = grades.get(student.student_id)
            choices = grade.choices if grade else {}
            late_minutes = None
            score = score_submission(rubric, choices, late_minutes, assignment.late)
            flags = []
            pending = [
                c.id
                for c in rubric.criteria
                if c.kind is CriterionKind.AUTOGRADED and score.criteria[c.id] is None
            ]
            if pending and score.any_scored:
                flags.append("autograde pending")
            criteria = tuple(
                CriterionStatus(c.id, choices.get(c.id, CriterionChoice()), score.criteria[c.id])
                for c in rubric.criteria
            )
            out.append(
                SubmissionStatus(
                    assignment_id=assignment_id,
                    student_id=student.student_id,
                    name=student.name,
                    status=_status(grade, score.complete, score.any_scored) if grade else NOT_PULLED,
                    score=score.total if score.any_scored else None,
                    max_score=score.max_score,
                    penalty=score.penalty,
                    late_minutes=late_minutes,
                    graded_commit=None,
                    flags=tuple(flags),
                    criteria=criteria,
                    graded_by=grade.updated_by if grade else "",
                    version=grade.version if grade else 0,
                )
            )
    return out

"""Every roster student's grade on the chosen assignments, scored for export a chunk at a time.

The same rules as ``status.status_row`` (current rubric, late penalty, refused rubric edits,
excused submissions, ``is_final``; a grader's flag is not exported), computed for a chunk of the
class at once: the store hands out one shared object per distinct choice, so each criterion is
scored once per distinct choice rather than once per student. Reading CHUNK students at a time
keeps memory bounded by the chunk, whatever the size of the class.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from types import MappingProxyType

from grader.domain.choices import CriterionChoice
from grader.domain.course import Assignment
from grader.domain.progress import Progress
from grader.domain.pulls import PullState
from grader.domain.roster import Student
from grader.domain.rubric import Rubric
from grader.domain.scoring import Points, Scorer
from grader.exports.grade_rows import (
    AssignmentGrade,
    ExportAssignment,
    ExportCriterion,
    GradeSheet,
    StudentGrades,
)
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import effective_rubric, rubric_in_force
from grader.gradebook.status import AUTOGRADE_PENDING, EXCUSED, PULLED, graded_status, pull_status

ZERO = Decimal(0)
NO_CHOICES: Mapping[str, CriterionChoice] = MappingProxyType({})
CHUNK = 2_000
"""Students read and scored per step: a fraction of a second, a few megabytes."""
NOT_GRADED = {PULLED: "not graded yet"}
"""Why a grade with nothing scored is not final, where its status alone does not say it."""


def export_assignment(assignment: Assignment, rubric: Rubric) -> ExportAssignment:
    return ExportAssignment(
        id=assignment.id,
        title=assignment.title,
        max_points=rubric.max_points,
        criteria=tuple(ExportCriterion(c.id, c.title, c.max_points) for c in rubric.criteria),
        canvas_id=assignment.canvas_id,
        moodle_name=assignment.moodle_name,
    )


def _grade(
    scorer: Scorer, points: Points, choices: Mapping[str, CriterionChoice], pull: PullState | None
) -> AssignmentGrade:
    """One exported grade from its points: a total only once final (``is_final``)."""
    late = pull.late_minutes if pull is not None else None
    before = pull_status(pull)
    decided = scorer.decide(points)
    if not decided.any_scored:
        return AssignmentGrade(
            before, None, late, ZERO, points, choices, pending=NOT_GRADED.get(before, before)
        )
    status = graded_status(decided, before)
    subtotal = sum(filter(None, points), ZERO)  # None and zeros add nothing
    penalty, total = scorer.penalised(subtotal, late)
    if decided.final:
        return AssignmentGrade(status, total, late, penalty, points, choices)
    pending = AUTOGRADE_PENDING if decided.complete else NOT_GRADED.get(status, status)
    return AssignmentGrade(status, None, late, penalty, points, choices, pending=pending)


def grade_sheet(
    ctx: CourseContext,
    assignment_ids: list[str],
    *,
    students: Sequence[Student] | None = None,
    choices: bool = True,
    chunk: int = CHUNK,
) -> Iterator[Progress | GradeSheet]:
    """The grades of ``students`` (default: the roster) on ``assignment_ids``, ``chunk`` at a time.

    Yields a GradeSheet with the assignments and no student, then Progress and a GradeSheet of
    the next chunk of students (in the order given), and so on: only a chunk's grades are held.
    A rubric edit that breaks choices in use is refused first (RubricChangeRefused, as ``grader
    status`` does): no total is exported from a rubric the gradebook has not accepted. Without
    ``choices`` the grades carry none (for shapes that show only points and totals), which
    spares a dict per student and assignment.
    """
    shown = ctx.files.students if students is None else students
    assignments: list[ExportAssignment] = []
    scorers: list[Scorer] = []
    for assignment_id in assignment_ids:
        rubric = rubric_in_force(ctx, assignment_id)
        assignment = ctx.files.course.assignment(assignment_id)
        assert assignment is not None
        assignments.append(export_assignment(assignment, rubric))
        scorers.append(Scorer(rubric, assignment.late))
    heading = tuple(assignments)
    yield GradeSheet(heading, [])  # the assignments, even for no students
    yield Progress(0, len(shown), "reading grades")
    for start in range(0, len(shown), chunk):
        part = shown[start : start + chunk]
        student_ids = [s.student_id for s in part]
        columns = [
            _column(ctx, scorer, assignment.id, student_ids, choices)
            for assignment, scorer in zip(heading, scorers, strict=True)
        ]
        rows = [StudentGrades(s, grades) for s, grades in zip(part, zip(*columns, strict=True), strict=True)]
        yield GradeSheet(heading, rows)
        yield Progress(start + len(part), len(shown), "reading grades")


def _excused(grade: AssignmentGrade) -> AssignmentGrade:
    """An excused grade: final, with no score and no points (the LMS writers put EX or leave it out)."""
    unscored = tuple(None for _ in grade.points)
    return grade._replace(status=EXCUSED, score=None, penalty=ZERO, points=unscored, excused=True, pending="")


def _column(
    ctx: CourseContext, scorer: Scorer, assignment_id: str, student_ids: list[str], keep_choices: bool
) -> list[AssignmentGrade]:
    """The grades of ``student_ids`` on one assignment, in that order."""
    grades = ctx.store.grades_of(assignment_id, student_ids)
    pulls = ctx.store.pull_states_of(assignment_id, student_ids)
    choices = [scorer.effective(g) if g is not None else {} for g in map(grades.get, student_ids)]
    points = scorer.points(choices)
    if scorer.stale:  # a choice saved since the rubric check broke: refused, naming what to map
        effective_rubric(ctx, assignment_id, grades)
    shown = choices if keep_choices else repeat(NO_CHOICES)
    column = list(map(_grade, repeat(scorer), points, shown, map(pulls.get, student_ids)))
    for index, student_id in enumerate(student_ids):
        grade = grades.get(student_id)
        if grade is not None and grade.excused:
            column[index] = _excused(column[index])
    return column

"""Every roster student's grade on the chosen assignments, scored for export.

The same rules as ``status.submission_statuses`` (current rubric, late penalty, refused rubric
edits, excused submissions; a grader's flag is not exported), computed for a whole class at once:
the store hands out one shared object per distinct choice, so each criterion is scored once per
distinct choice rather than once per student.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from itertools import repeat
from types import MappingProxyType

from grader.domain.choices import CriterionChoice
from grader.domain.course import Assignment, LatePolicy
from grader.domain.events import SubmissionGrade
from grader.domain.progress import Progress
from grader.domain.pulls import PullState
from grader.domain.rubric import Criterion, CriterionKind, Rubric
from grader.domain.scoring import IncompatibleChoice, penalty_fraction, score_criterion
from grader.domain.submission import EMPTY_REPOSITORY
from grader.exports.grade_rows import (
    AssignmentGrade,
    ExportAssignment,
    ExportCriterion,
    GradeSheet,
    StudentGrades,
)
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import effective_rubric
from grader.gradebook.status import EXCUSED, GRADED, IN_PROGRESS, MISSING, NOT_PULLED, PULLED

ZERO = Decimal(0)
NO_CHOICES: Mapping[str, CriterionChoice] = MappingProxyType({})


def export_assignment(assignment: Assignment, rubric: Rubric) -> ExportAssignment:
    return ExportAssignment(
        id=assignment.id,
        title=assignment.title,
        max_points=rubric.max_points,
        criteria=tuple(ExportCriterion(c.id, c.title, c.max_points) for c in rubric.criteria),
        canvas_id=assignment.canvas_id,
        moodle_name=assignment.moodle_name,
    )


def pull_status(pull: PullState | None) -> str:
    """The status a submission has before any grading (as ``grader status`` shows it)."""
    if pull is None:
        return NOT_PULLED
    if pull.graded_commit is not None:
        return PULLED
    if pull.result == "missing" or EMPTY_REPOSITORY in pull.flags:
        return MISSING
    return NOT_PULLED


class _Scorer:
    """Scores one assignment's submissions a criterion at a time, each distinct choice once."""

    def __init__(self, rubric: Rubric, policy: LatePolicy) -> None:
        self.criteria = rubric.criteria
        self.manual = frozenset(i for i, c in enumerate(rubric.criteria) if c.is_manual)
        self.autograded = frozenset(
            i for i, c in enumerate(rubric.criteria) if c.kind is CriterionKind.AUTOGRADED
        )
        self.policy = policy
        self.totals: dict[tuple[str, int | None], tuple[Decimal, Decimal]] = {}
        self.stale = False

    def _score(self, criterion: Criterion, choice: CriterionChoice | None) -> Decimal | None:
        if choice is None:
            return None
        try:
            return score_criterion(criterion, choice)
        except IncompatibleChoice:
            self.stale = True
            return None

    def points(self, choices: list[dict[str, CriterionChoice]]) -> list[tuple[Decimal | None, ...]]:
        """Each submission's points per criterion, in rubric order."""
        columns: list[list[Decimal | None]] = []
        for criterion in self.criteria:
            chosen = list(map(dict.get, choices, repeat(criterion.id)))
            # Keyed by identity: equal choices share one object, and all stay alive in ``choices``.
            distinct = dict(zip(map(id, chosen), chosen, strict=True))
            scores = {key: self._score(criterion, choice) for key, choice in distinct.items()}
            columns.append(list(map(scores.__getitem__, map(id, chosen))))
        return list(zip(*columns, strict=True))

    def grade(
        self,
        points: tuple[Decimal | None, ...],
        choices: Mapping[str, CriterionChoice],
        pull: PullState | None,
    ) -> AssignmentGrade:
        late = pull.late_minutes if pull is not None else None
        # Positions by identity: ``None in points`` would ask each Decimal to compare itself with None (slow).
        unscored = [i for i, p in enumerate(points) if p is None]
        complete = self.manual.isdisjoint(unscored)
        scored = len(unscored) < len(points)
        status = GRADED if complete else IN_PROGRESS if scored else pull_status(pull)
        if not scored:
            return AssignmentGrade(status, None, late, ZERO, points, choices)
        subtotal = sum(filter(None, points), ZERO)  # None and zeros add nothing
        penalty, total = self._penalised(subtotal, late)
        final = total if complete and self.autograded.isdisjoint(unscored) else None
        return AssignmentGrade(status, final, late, penalty, points, choices)

    def _penalised(self, subtotal: Decimal, late: int | None) -> tuple[Decimal, Decimal]:
        """The late penalty on ``subtotal`` and what is left, computed once per distinct pair.

        A class has a few hundred distinct subtotals: its grades share these Decimals rather
        than holding two new ones each. Keyed by the text, which tells 5 from 5.0 apart.
        """
        key = (str(subtotal), late)
        found = self.totals.get(key)
        if found is None:
            fraction = penalty_fraction(late, self.policy)
            penalty = subtotal * fraction
            found = self.totals[key] = (penalty, subtotal - penalty)
        return found


def grade_sheet(
    ctx: CourseContext, assignment_ids: list[str], *, choices: bool = True
) -> Iterator[Progress | GradeSheet]:
    """Every roster student's grades on ``assignment_ids``, yielding progress; the sheet comes last.

    A rubric edit that breaks choices in use is refused here too (RubricChangeRefused), as in
    ``grader status``: no total is exported from a rubric the gradebook has not accepted.
    Without ``choices`` the grades carry none (for shapes that show only points and totals),
    which spares a large class a dict per student and assignment.
    """
    students = ctx.files.students
    student_ids = [s.student_id for s in students]
    steps = len(assignment_ids) * 2
    assignments: list[ExportAssignment] = []
    columns: list[list[AssignmentGrade]] = []
    for step, assignment_id in enumerate(assignment_ids):
        rubric = ctx.files.rubric(assignment_id)
        assignment = ctx.files.course.assignment(assignment_id)
        assert assignment is not None
        yield Progress(2 * step, steps, f"reading {assignment_id}")
        grades = ctx.store.grades(assignment_id)
        pulls = ctx.store.pull_states(assignment_id)
        yield Progress(2 * step + 1, steps, f"scoring {assignment_id}")
        scorer = _Scorer(rubric, assignment.late)
        columns.append(_column(ctx, scorer, student_ids, grades, pulls, choices))
        if scorer.stale:
            effective_rubric(ctx, assignment_id, grades)  # raises the refusal, naming what to map
        assignments.append(export_assignment(assignment, rubric))
        del grades, pulls  # before the next assignment's are read: a large class holds a lot
    yield Progress(steps, steps, "scored")
    rows = [StudentGrades(s, grades) for s, grades in zip(students, zip(*columns, strict=True), strict=True)]
    yield GradeSheet(tuple(assignments), rows)


def _excused(grade: AssignmentGrade) -> AssignmentGrade:
    """An excused grade: no score and no points (the LMS writers put EX or leave it blank)."""
    unscored = tuple(None for _ in grade.points)
    return grade._replace(status=EXCUSED, score=None, penalty=ZERO, points=unscored, excused=True)


def _column(
    ctx: CourseContext,
    scorer: _Scorer,
    student_ids: list[str],
    grades: dict[str, SubmissionGrade],
    pulls: dict[str, PullState],
    keep_choices: bool,
) -> list[AssignmentGrade]:
    """The roster's grades on one assignment, in roster order (``scorer.stale``: a choice broke)."""
    choices = [g.choices if g is not None else {} for g in map(grades.get, student_ids)]
    points = scorer.points(choices)
    shown = choices if keep_choices else repeat(NO_CHOICES)
    column = list(map(scorer.grade, points, shown, map(pulls.get, student_ids)))
    excused = {student_id for student_id, grade in grades.items() if grade.excused}
    if excused:
        for index, student_id in enumerate(student_ids):
            if student_id in excused:
                column[index] = _excused(column[index])
    others = grades.keys() - ctx.files.students_by_id.keys()
    scorer.points([grades[student_id].choices for student_id in others])  # off the roster, still in use
    return column

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
from grader.domain.course import Assignment, LatePolicy
from grader.domain.progress import Progress
from grader.domain.pulls import PullState
from grader.domain.roster import Student
from grader.domain.rubric import Criterion, Rubric
from grader.domain.scoring import (
    IncompatibleChoice,
    Merged,
    effective_choices,
    is_final,
    penalty_fraction,
    score_criterion,
)
from grader.domain.submission import EMPTY_REPOSITORY
from grader.exports.grade_rows import (
    AssignmentGrade,
    ExportAssignment,
    ExportCriterion,
    GradeSheet,
    StudentGrades,
)
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import effective_rubric, rubric_in_force
from grader.gradebook.status import (
    AUTOGRADE_PENDING,
    EXCUSED,
    GRADED,
    IN_PROGRESS,
    MISSING,
    NOT_PULLED,
    PULLED,
)

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
        self.rubric = rubric
        self.merged: Merged = {}
        """Effective choices shared between submissions (``effective_choices``)."""
        self.criteria = rubric.criteria
        self.manual = frozenset(i for i, c in enumerate(rubric.criteria) if c.is_manual)
        self.policy = policy
        self.totals: dict[tuple[str, int | None], tuple[Decimal, Decimal]] = {}
        self.decided: dict[tuple[int, ...], tuple[bool, bool, bool]] = {}
        """Per pattern of unscored criteria: (final, every manual criterion scored, any is)."""
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
        scored = len(unscored) < len(points)
        if not scored:
            status = pull_status(pull)
            return AssignmentGrade(
                status, None, late, ZERO, points, choices, pending=NOT_GRADED.get(status, status)
            )
        final, complete, started = self._decide(points, unscored)
        # As status_row: a run's score alone starts nobody's grading.
        status = GRADED if complete else IN_PROGRESS if started else pull_status(pull)
        subtotal = sum(filter(None, points), ZERO)  # None and zeros add nothing
        penalty, total = self._penalised(subtotal, late)
        if final:
            return AssignmentGrade(status, total, late, penalty, points, choices)
        pending = (
            AUTOGRADE_PENDING if complete else IN_PROGRESS if started else NOT_GRADED.get(status, status)
        )
        return AssignmentGrade(status, None, late, penalty, points, choices, pending=pending)

    def _decide(self, points: tuple[Decimal | None, ...], unscored: list[int]) -> tuple[bool, bool, bool]:
        """Whether the grade is final (``is_final``), complete, and has a manual criterion scored,
        decided once per pattern of unscored criteria (a class has a handful), since all three
        depend on that pattern alone."""
        pattern = tuple(unscored)
        found = self.decided.get(pattern)
        if found is None:
            started = not self.manual.issubset(unscored)
            found = self.decided[pattern] = (is_final(points), self.manual.isdisjoint(unscored), started)
        return found

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
    scorers: list[_Scorer] = []
    for assignment_id in assignment_ids:
        rubric = rubric_in_force(ctx, assignment_id)
        assignment = ctx.files.course.assignment(assignment_id)
        assert assignment is not None
        assignments.append(export_assignment(assignment, rubric))
        scorers.append(_Scorer(rubric, assignment.late))
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
    ctx: CourseContext, scorer: _Scorer, assignment_id: str, student_ids: list[str], keep_choices: bool
) -> list[AssignmentGrade]:
    """The grades of ``student_ids`` on one assignment, in that order."""
    grades = ctx.store.grades_of(assignment_id, student_ids)
    pulls = ctx.store.pull_states_of(assignment_id, student_ids)
    rubric, merged = scorer.rubric, scorer.merged
    choices = [
        effective_choices(rubric, g, merged) if g is not None else {} for g in map(grades.get, student_ids)
    ]
    points = scorer.points(choices)
    if scorer.stale:  # a choice saved since the rubric check broke: refused, naming what to map
        effective_rubric(ctx, assignment_id, grades)
    shown = choices if keep_choices else repeat(NO_CHOICES)
    column = list(map(scorer.grade, points, shown, map(pulls.get, student_ids)))
    for index, student_id in enumerate(student_ids):
        grade = grades.get(student_id)
        if grade is not None and grade.excused:
            column[index] = _excused(column[index])
    return column

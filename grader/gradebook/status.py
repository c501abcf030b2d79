"""Where every submission stands: status, score, lateness, graded commit, flags and choices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from grader.domain.choices import CriterionChoice
from grader.domain.course import Assignment
from grader.domain.errors import RubricChangeRefused
from grader.domain.events import SubmissionGrade
from grader.domain.pulls import PullState
from grader.domain.roster import Student
from grader.domain.rubric import CriterionKind, Rubric
from grader.domain.scoring import score_submission
from grader.domain.submission import EMPTY_REPOSITORY
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import effective_rubric

NOT_PULLED = "not pulled"
MISSING = "missing"
PULLED = "pulled"
IN_PROGRESS = "in progress"
GRADED = "graded"
RUBRIC_REFUSED = "rubric change needs mapping"
AUTOGRADE_PENDING = "autograde pending"
EXCUSED = "excused"
"""The student is excused from the assignment: no score, counted nowhere; a final grade (EX)."""
STATUSES = (NOT_PULLED, MISSING, PULLED, IN_PROGRESS, GRADED, EXCUSED)
"""Every status a submission can have, in the order work moves through them."""
FLAGGED = "flagged"
"""Not a status: a grader's flag note is a flag (``SubmissionStatus.flagged``, and ``FLAG_PREFIX``
plus the note among the flags); a status filter asking for "flagged" keeps the flagged rows."""
FLAG_PREFIX = "flagged: "


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
    """Everything that needs attention besides the status: the flag note (``FLAG_PREFIX``),
    autograde pending, rubric change needs mapping, and the pull's flags (dated by commit time,
    history rewritten, last pull failed…)."""
    criteria: tuple[CriterionStatus, ...]
    graded_by: str = ""
    version: int = 0
    pull_result: str | None = None
    flag_note: str = ""
    excused: bool = False
    final: bool = False
    """The grade is final: every criterion scored (autograded ones included), or excused
    (``grader.domain.scoring.is_final``); never while a rubric change needs mapping."""

    @property
    def flagged(self) -> bool:
        """A grader flagged the submission with a note (a flag, whatever the status)."""
        return bool(self.flag_note)

    @property
    def unscored(self) -> tuple[CriterionStatus, ...]:
        """The criteria not scored yet, in rubric order (none once final, unless excused)."""
        return tuple(c for c in self.criteria if c.points is None)


def choice_summary(choice: CriterionChoice) -> str | list[str] | Decimal | None:
    """What was chosen, in the shape a script expects: a label, a list of items, or points."""
    if choice.level is not None:
        return choice.level
    if choice.items is not None:
        return list(choice.items)
    if choice.points is not None:
        return choice.points
    return None


def _pull_status(pull: PullState | None) -> tuple[str, tuple[str, ...]]:
    if pull is None:
        return NOT_PULLED, ()
    flags = pull.flags
    if pull.result in ("failed", "refused") or (pull.result == "missing" and pull.graded_commit is not None):
        flags = (
            *flags,
            f"last pull {pull.result}: {pull.reason}" if pull.reason else f"last pull {pull.result}",
        )
    if pull.graded_commit is not None:
        return PULLED, flags
    if pull.result == "missing" or EMPTY_REPOSITORY in pull.flags:
        return MISSING, flags
    return NOT_PULLED, flags


def status_row(
    assignment: Assignment,
    rubric: Rubric,
    student: Student,
    grade: SubmissionGrade | None,
    pull: PullState | None,
    refused: bool,
) -> SubmissionStatus:
    """One submission's status from its grade and pull state (None: never saved / never pulled).

    The status is one of ``STATUSES``; a flag note, autograde pending, a refused rubric change
    and the pull's warnings are flags beside it, never a status.
    """
    choices = grade.choices if grade else {}
    status, flags = _pull_status(pull)
    late_minutes = pull.late_minutes if pull else None
    if refused:
        scores: dict[str, Decimal | None] = dict.fromkeys((c.id for c in rubric.criteria), None)
        total, penalty, final = None, Decimal(0), False
        if any(c.is_scored for c in choices.values()):
            status = IN_PROGRESS
        flags = (*flags, RUBRIC_REFUSED)
    else:
        score = score_submission(rubric, choices, late_minutes, assignment.late)
        scores, penalty, final = score.criteria, score.penalty, score.final
        total = score.total if score.any_scored else None
        if score.complete and score.any_scored:  # any_scored: a rubric of only autograded criteria
            status = GRADED
        elif score.any_scored:
            status = IN_PROGRESS
        pending = any(c.kind is CriterionKind.AUTOGRADED and scores[c.id] is None for c in rubric.criteria)
        if pending and score.any_scored:
            flags = (*flags, AUTOGRADE_PENDING)
    flag_note = grade.flag_note if grade else ""
    excused = grade.excused if grade else False
    if flag_note:
        flags = (*flags, FLAG_PREFIX + flag_note)
    if excused:
        status, total, penalty = EXCUSED, None, Decimal(0)
    return SubmissionStatus(
        assignment_id=assignment.id,
        student_id=student.student_id,
        name=student.name,
        status=status,
        score=total,
        max_score=rubric.max_points,
        penalty=penalty,
        late_minutes=late_minutes,
        graded_commit=pull.graded_commit if pull else None,
        flags=flags,
        criteria=tuple(
            CriterionStatus(c.id, choices.get(c.id, CriterionChoice()), scores[c.id]) for c in rubric.criteria
        ),
        graded_by=grade.updated_by if grade else "",
        version=grade.version if grade else 0,
        pull_result=pull.result if pull else None,
        flag_note=flag_note,
        excused=excused,
        final=final or excused,
    )


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
        ctx.files.rubric(assignment_id)
        assignment = ctx.files.course.assignment(assignment_id)
        assert assignment is not None
        grades: Mapping[str, SubmissionGrade] = ctx.store.grades(assignment_id)
        pulls = ctx.store.pull_states(assignment_id)
        try:
            rubric, is_refused = effective_rubric(ctx, assignment_id, grades), False
        except RubricChangeRefused as refusal:
            if refused is None:
                raise
            refused[assignment_id] = str(refusal)
            rubric, is_refused = ctx.files.rubric(assignment_id), True
        for student in ctx.files.students:
            sid = student.student_id
            out.append(status_row(assignment, rubric, student, grades.get(sid), pulls.get(sid), is_refused))
    return out

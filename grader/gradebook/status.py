"""Where every submission stands: status, score, lateness, graded commit, flags and choices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from grader.domain.choice_words import describe_choice
from grader.domain.choices import CriterionChoice
from grader.domain.course import Assignment
from grader.domain.errors import RubricChangeRefused
from grader.domain.events import AutogradeScore, SubmissionGrade
from grader.domain.lateness import beyond_max_days, beyond_max_days_text
from grader.domain.pulls import PullState
from grader.domain.roster import Student
from grader.domain.rubric import Criterion, CriterionKind, Rubric
from grader.domain.scoring import Decided, Scorer, SubmissionScore, is_override
from grader.domain.submission import EMPTY_REPOSITORY, attention_flags, dated_by
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
AUTOGRADE_PROBLEM = "last autograde "
"""The flag of an autograded criterion whose latest run could not happen ("last autograde error:
why"), beside the score of an earlier run if there is one; operational, like "last pull failed"."""
UNSCORED_RUNS = ("error", "refused")
NO_CHOICE = CriterionChoice()


@dataclass(frozen=True)
class CriterionStatus:
    criterion_id: str
    choice: CriterionChoice
    """The effective choice: the grader's own, with an autograde run's points merged in."""
    points: Decimal | None
    autograde: AutogradeScore | None = None
    """The autograde layer's current result (autograded criteria that a check has run on)."""
    overridden: bool = False
    """A grader's points stand on this autograded criterion instead of any run's."""
    criterion: Criterion | None = None
    """The rubric's criterion (None: not in the rubric scored with)."""

    @property
    def words(self) -> str:
        """The choice in the one wording of a choice: "Proficient (28)", "12 points", "–"."""
        return describe_choice(self.choice, self.criterion)


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
    autograde pending, rubric change needs mapping, past max_days ("scores 0: more than 3 days
    late"), and the pull's warnings (history rewritten, last pull failed…); not the basis the
    graded commit is dated by (``dated_by``)."""
    criteria: tuple[CriterionStatus, ...]
    graded_by: str = ""
    version: int = 0
    pull_result: str | None = None
    flag_note: str = ""
    excused: bool = False
    final: bool = False
    """The grade is final: every criterion scored (autograded ones included), or excused
    (``grader.domain.scoring.is_final``); never while a rubric change needs mapping."""
    dated_by: str = ""
    """What the graded commit's lateness is measured from: "dated by commit time" or "dated by
    pull time" (``grader.domain.submission.dated_by``); "" without a graded commit."""
    autograde_summary: str = ""
    """What the autograde column of a list shows ("7/10 tests", "passed", "failed", "timeout",
    "error", "not run"); empty for a rubric without autograded criteria (``autograde_text``)."""

    @property
    def flagged(self) -> bool:
        """A grader flagged the submission with a note (a flag, whatever the status)."""
        return bool(self.flag_note)

    @property
    def unscored(self) -> tuple[CriterionStatus, ...]:
        """The criteria not scored yet, in rubric order (none once final, unless excused)."""
        return tuple(c for c in self.criteria if c.points is None)


def choice_summary(choice: CriterionChoice) -> str | list[str] | Decimal | None:
    """What was chosen, in the shape a script expects (``status --json``'s "choice"): a label, a
    list of items, or points; ``CriterionStatus.words`` says it in words."""
    if choice.level is not None:
        return choice.level
    if choice.items is not None:
        return list(choice.items)
    if choice.points is not None:
        return choice.points
    return None


def autograde_text(rubric: Rubric, grade: SubmissionGrade | None) -> str:
    """The autograde column of one submission: the worst latest outcome of its autograded
    criteria (error, then timeout), else the tests passed of all of them ("7/10 tests"), else
    "passed" or "failed"; "not run" until a check ran; "" when the rubric autogrades nothing."""
    autograded = [c.id for c in rubric.criteria if c.kind is CriterionKind.AUTOGRADED]
    if not autograded:
        return ""
    layer = grade.autograde if grade is not None else {}
    scores = [found for cid in autograded if (found := layer.get(cid)) is not None]
    statuses = {score.status for score in scores}
    if not scores:
        return "not run"
    if statuses & set(UNSCORED_RUNS):
        return "error"
    if "timeout" in statuses:
        return "timeout"
    counted = [s for s in scores if s.tests_total]
    if counted:
        passed = sum(s.tests_passed or 0 for s in counted)
        return f"{passed}/{sum(s.tests_total or 0 for s in counted)} tests"
    return "passed" if statuses == {"passed"} else "failed"


def _autograde_flags(rubric: Rubric, grade: SubmissionGrade | None) -> tuple[str, ...]:
    if grade is None or not grade.autograde:
        return ()
    flags = []
    for criterion in rubric.criteria:
        found = grade.autograde.get(criterion.id)
        if criterion.kind is CriterionKind.AUTOGRADED and found is not None and found.status in UNSCORED_RUNS:
            flags.append(f"{AUTOGRADE_PROBLEM}{found.status}: {criterion.id}: {found.reason}")
    return tuple(flags)


def pull_status(pull: PullState | None) -> str:
    """The status a submission has before any grading."""
    if pull is None:
        return NOT_PULLED
    if pull.graded_commit is not None:
        return PULLED
    if pull.result == "missing" or EMPTY_REPOSITORY in pull.flags:
        return MISSING
    return NOT_PULLED


def _pull_status(pull: PullState | None) -> tuple[str, tuple[str, ...]]:
    if pull is None:
        return NOT_PULLED, ()
    flags = attention_flags(pull.flags)
    if pull.result in ("failed", "refused") or (pull.result == "missing" and pull.graded_commit is not None):
        flags = (
            *flags,
            f"last pull {pull.result}: {pull.reason}" if pull.reason else f"last pull {pull.result}",
        )
    return pull_status(pull), flags


def _ordered_flags(
    flags: tuple[str, ...], assignment: Assignment, late_minutes: int | None, grade: SubmissionGrade | None
) -> tuple[str, ...]:
    """Past max_days first (it decides the score, before grading starts), the flag note last."""
    if beyond_max_days(late_minutes, assignment.late) and not (grade and grade.excused):
        flags = (beyond_max_days_text(assignment.late), *flags)
    if grade and grade.flag_note:
        flags = (*flags, FLAG_PREFIX + grade.flag_note)
    return flags


def status_row(
    assignment: Assignment,
    rubric: Rubric,
    student: Student,
    grade: SubmissionGrade | None,
    pull: PullState | None,
    refused: bool,
    scorer: Scorer | None = None,
) -> SubmissionStatus:
    """One submission's status from its grade and pull state (None: never saved / never pulled).

    Scored from the effective choices (an autograde run's points where no grader overrode
    them). The status is one of ``STATUSES``: "in progress" once a grader scored a manual
    criterion (a run alone starts nobody's grading), "graded" once every manual one is; a flag
    note, autograde pending, a run that could not happen, a refused rubric change and the
    pull's warnings are flags beside it, never a status. ``scorer``: one ``Scorer`` of this
    rubric and late policy shared by the rows of one read (each distinct choice scored once).
    """
    scorer = scorer or Scorer(rubric, assignment.late)
    choices = scorer.effective(grade)
    status, flags = _pull_status(pull)
    late_minutes = pull.late_minutes if pull else None
    if refused:
        scores: dict[str, Decimal | None] = dict.fromkeys((c.id for c in rubric.criteria), None)
        total, penalty, final = None, Decimal(0), False
        if any(c.is_scored for c in choices.values()):
            status = IN_PROGRESS
        flags = (*flags, RUBRIC_REFUSED)
    else:
        score = scorer.score(choices, late_minutes)
        scores, penalty, final = score.criteria, score.penalty, score.final
        total = score.total if score.any_scored else None
        status = _graded_status(score, status)
        if score.pending and score.any_scored:
            flags = (*flags, AUTOGRADE_PENDING)
        flags = (*flags, *_autograde_flags(rubric, grade))
    excused = grade.excused if grade else False
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
        flags=_ordered_flags(flags, assignment, late_minutes, grade),
        criteria=_criteria(rubric, choices, scores, grade),
        graded_by=grade.updated_by if grade else "",
        version=grade.version if grade else 0,
        pull_result=pull.result if pull else None,
        flag_note=grade.flag_note if grade else "",
        excused=excused,
        final=final or excused,
        dated_by=dated_by(pull.flags, pull.graded_commit) if pull else "",
        autograde_summary=autograde_text(rubric, grade),
    )


def graded_status(decided: Decided | SubmissionScore, before: str) -> str:
    """ "graded" once every manual criterion is scored, "in progress" once one is, else the
    status before grading (``before``); a run's score alone starts nobody's grading."""
    if decided.complete:
        return GRADED
    return IN_PROGRESS if decided.started else before


def _graded_status(score: SubmissionScore, before: str) -> str:
    # any_scored: a rubric of only autograded criteria is complete before anything is scored
    return graded_status(score, before) if score.any_scored else before


def _criteria(
    rubric: Rubric,
    choices: Mapping[str, CriterionChoice],
    scores: Mapping[str, Decimal | None],
    grade: SubmissionGrade | None,
) -> tuple[CriterionStatus, ...]:
    """Each criterion's effective choice and score, with its autograde result where a check ran."""
    layer = grade.autograde if grade is not None else {}
    return tuple(
        CriterionStatus(
            c.id,
            choices.get(c.id, NO_CHOICE),
            scores[c.id],
            layer.get(c.id) if c.kind is CriterionKind.AUTOGRADED else None,
            is_override(c, grade),
            c,
        )
        for c in rubric.criteria
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
        scorer = Scorer(rubric, assignment.late)
        for student in ctx.files.students:
            sid = student.student_id
            row = status_row(assignment, rubric, student, grades.get(sid), pulls.get(sid), is_refused, scorer)
            out.append(row)
    return out

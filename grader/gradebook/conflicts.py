"""A save refused because another grader changed the same criterion: mine and theirs, side by side.

Only a change to the same criterion since the grader saw it conflicts (grader.store.saving); the
grader then keeps mine (saved over theirs, against the version just read), takes theirs, or
leaves it. Both attempts stay in the log either way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from grader.domain.choices import CriterionChoice
from grader.domain.errors import ConflictError
from grader.domain.events import SubmissionGrade
from grader.domain.rubric import Rubric
from grader.domain.scoring import effective_choices, score_criterion
from grader.gradebook.context import CourseContext


@dataclass(frozen=True)
class ConflictSeen:
    """One refused choice and the one that stands in its place."""

    assignment_id: str
    student_id: str
    criterion_id: str
    mine: CriterionChoice
    mine_by: str
    mine_at: datetime
    theirs: CriterionChoice
    theirs_by: str
    theirs_at: datetime | None
    version: int
    """The submission's version as read after the refusal: keeping mine saves against it."""
    mine_points: Decimal | None = None
    theirs_points: Decimal | None = None
    """Each choice's points on the criterion (with the autograde layer merged in), None: unscored."""


class ChoiceConflict(ConflictError):
    """ConflictError with what the grader needs to decide: mine and theirs (``seen``)."""

    def __init__(self, error: ConflictError, seen: ConflictSeen) -> None:
        super().__init__(
            str(error), changed_by=error.changed_by, changed_at=error.changed_at, version=error.version
        )
        self.seen = seen


def choice_seen(
    ctx: CourseContext, assignment_id: str, student_id: str, criterion_id: str, version: int
) -> CriterionChoice | None:
    """The criterion's choice as a grader who saw ``version`` saw it, when it changed since
    (None: unchanged, the current one is it). A choice is merged onto what its grader saw."""
    changes = ctx.store.criterion_changes(assignment_id, student_id, criterion_id, version)
    return changes[0].old if changes else None


def conflict_found(
    ctx: CourseContext,
    error: ConflictError,
    mine: CriterionChoice,
    *,
    assignment_id: str,
    student_id: str,
    criterion_id: str,
    based_on: int,
    at: datetime,
    rubric: Rubric,
) -> ChoiceConflict:
    """The refusal with mine (as refused) and theirs (as it stands now, who and when)."""
    latest = ctx.store.grade(assignment_id, student_id)
    changes = ctx.store.criterion_changes(assignment_id, student_id, criterion_id, based_on)
    theirs_at: datetime | None
    if changes:
        theirs_by, theirs_at = changes[-1].actor, changes[-1].at
    else:  # the gradebook never had the version the grader saw
        theirs_by = error.changed_by
        theirs_at = datetime.fromisoformat(error.changed_at) if error.changed_at else None
    theirs = latest.choices.get(criterion_id, CriterionChoice())
    seen = ConflictSeen(
        assignment_id=assignment_id,
        student_id=student_id,
        criterion_id=criterion_id,
        mine=mine,
        mine_by=ctx.actor,
        mine_at=at,
        theirs=theirs,
        theirs_by=theirs_by,
        theirs_at=theirs_at,
        version=latest.version,
        mine_points=points_of(rubric, latest, criterion_id, mine),
        theirs_points=points_of(rubric, latest, criterion_id, theirs),
    )
    return ChoiceConflict(error, seen)


def points_of(
    rubric: Rubric, grade: SubmissionGrade, criterion_id: str, choice: CriterionChoice
) -> Decimal | None:
    """The criterion's points were ``choice`` its grader's choice (a run's score merged in)."""
    criterion = rubric.criterion(criterion_id)
    if criterion is None:
        return None
    merged = effective_choices(rubric, replace(grade, choices={criterion_id: choice}))
    return score_criterion(criterion, merged.get(criterion_id, choice))

"""Recording a grader's choice for one criterion, checked against the rubric."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from grader.domain.choices import CriterionChoice
from grader.domain.errors import ConflictError, GraderError
from grader.domain.events import ChoiceChange, EventSource, SubmissionGrade
from grader.domain.remap import stale_parts
from grader.domain.rubric import Criterion, CriterionKind, Rubric
from grader.domain.scoring import effective_choices, score_criterion
from grader.gradebook.conflicts import ChoiceConflict, ConflictSeen, choice_seen, conflict_found
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.rubrics import ensure_accepted, rubric_in_force
from grader.gradebook.summary import summarizer

RETRIES = 3


@dataclass(frozen=True)
class ChoiceRequest:
    """What a grader asked for; None leaves that part of the current choice as it is."""

    level: str | None = None
    items: tuple[str, ...] | None = None
    points: Decimal | None = None
    adjustment: Decimal | None = None
    comment: str | None = None


@dataclass(frozen=True)
class GradeRecorded:
    criterion_points: Decimal | None
    version: int
    choice: CriterionChoice


def _check_request(criterion: Criterion, request: ChoiceRequest) -> None:
    options = ", ".join(lv.label for lv in criterion.levels) or ", ".join(it.label for it in criterion.items)
    if request.level is not None:
        if criterion.kind is not CriterionKind.LEVELS:
            raise GraderError(f"criterion '{criterion.id}' is scored by {criterion.kind.value}, not by level")
        if criterion.level(request.level) is None:
            raise GraderError(
                f"criterion '{criterion.id}' has no level '{request.level}' (expected one of: {options})"
            )
    if request.items is not None:
        if criterion.kind is not CriterionKind.CHECKLIST:
            raise GraderError(f"criterion '{criterion.id}' is scored by {criterion.kind.value}, not by items")
        unknown = [label for label in request.items if criterion.item(label) is None]
        if unknown:
            raise GraderError(
                f"criterion '{criterion.id}' has no item '{unknown[0]}' (expected one of: {options})"
            )
    if request.points is not None:
        if criterion.kind not in (CriterionKind.POINTS, CriterionKind.AUTOGRADED):
            raise GraderError(
                f"criterion '{criterion.id}' is scored by {criterion.kind.value}; "
                "use an adjustment (with a comment) to change its points"
            )
        if not Decimal(0) <= request.points <= criterion.max_points:
            raise GraderError(
                f"criterion '{criterion.id}': points must be between 0 and "
                f"{criterion.max_points}, got {request.points}"
            )


def checked_criterion(
    rubric: Rubric, assignment_id: str, criterion_id: str, request: ChoiceRequest
) -> Criterion:
    """The rubric's criterion, once the request is checked against it (GraderError says why not)."""
    criterion = rubric.criterion(criterion_id)
    if criterion is None:
        known = ", ".join(c.id for c in rubric.criteria)
        raise GraderError(
            f"assignment '{assignment_id}' has no criterion '{criterion_id}' (expected one of: {known})"
        )
    _check_request(criterion, request)
    return criterion


def record_choice(
    ctx: CourseContext,
    assignment_id: str,
    student_id: str,
    criterion_id: str,
    request: ChoiceRequest,
    *,
    expected_version: int | None = None,
    source: EventSource = EventSource.GRADER,
    rubric: Rubric | None = None,
) -> GradeRecorded:
    """Merge the request into the criterion's choice, validate it and save it as a grade event.

    With ``expected_version`` (the version the grader's screen showed the criterion at) the
    request is merged onto the choice as that grader saw it, and a change someone else made to
    this criterion since is refused (ChoiceConflict: mine and theirs), never overwritten; changes
    to other criteria are no conflict. Without it (a one-shot command) the choice just read is
    the base, and the save goes on over a concurrent change only if this criterion's choice is
    still that one. ``rubric``: the one ``rubric_in_force`` returned, to spare checking it again.
    """
    ctx.files.student(student_id)
    if rubric is None:
        rubric = rubric_in_force(ctx, assignment_id)
    current_grade = ctx.store.grade(assignment_id, student_id)
    criterion = checked_criterion(rubric, assignment_id, criterion_id, request)
    old = current_grade.choices.get(criterion_id, CriterionChoice())
    seen = (
        None
        if expected_version is None
        else choice_seen(ctx, assignment_id, student_id, criterion_id, expected_version)
    )
    if seen is not None:  # changed since the grader saw it: the request is merged onto what they saw
        old = seen
    new = _merged(old, request)
    run = current_grade.autograde.get(criterion_id) if criterion.kind is CriterionKind.AUTOGRADED else None
    scored_by_run = run is not None and run.points is not None
    if new.adjustment and not new.is_scored and not scored_by_run:
        raise GraderError(
            f"criterion '{criterion_id}' is not scored yet; choose a level, items or points "
            "before adjusting it"
        )
    ensure_accepted(ctx, assignment_id, rubric)
    based_on = current_grade.version if expected_version is None else expected_version
    change = ChoiceChange(assignment_id, student_id, criterion_id, new)
    version = _save_retrying(
        ctx, change, based_on, rubric, source, old=old, one_shot=expected_version is None
    )
    return _recorded(
        rubric,
        criterion,
        replace(current_grade, choices={**current_grade.choices, criterion_id: new}),
        version,
    )


def keep_mine(ctx: CourseContext, seen: ConflictSeen, rubric: Rubric | None = None) -> GradeRecorded:
    """After a conflict: save the refused choice over theirs, against the version read with it
    (ChoiceConflict again if the criterion changed once more meanwhile)."""
    assignment_id, student_id, criterion_id = seen.assignment_id, seen.student_id, seen.criterion_id
    if rubric is None:
        rubric = rubric_in_force(ctx, assignment_id)
    criterion = checked_criterion(rubric, assignment_id, criterion_id, ChoiceRequest())
    stale = stale_parts(criterion, seen.mine)
    if stale:
        kind, label = stale[0]
        raise GraderError(
            f"cannot keep your choice: criterion '{criterion_id}' no longer has {kind} '{label}'"
        )
    ensure_accepted(ctx, assignment_id, rubric)
    change = ChoiceChange(assignment_id, student_id, criterion_id, seen.mine, seen.version)
    try:
        versions = _save(ctx, change, rubric, EventSource.GRADER)
    except ConflictError as error:
        raise _conflict(ctx, error, change, rubric) from None
    grade = ctx.store.grade(assignment_id, student_id)
    return _recorded(rubric, criterion, grade, versions.get((assignment_id, student_id), seen.version))


def _merged(old: CriterionChoice, request: ChoiceRequest) -> CriterionChoice:
    """The request applied to ``old``: a part not asked for stays as it was."""
    adjustment = request.adjustment if request.adjustment is not None else old.adjustment
    comment = request.comment if request.comment is not None else old.comment
    adjustment_comment = old.adjustment_comment
    if request.adjustment:
        if not (request.comment or "").strip():
            raise GraderError("an adjustment needs a comment that says why (--comment TEXT)")
        adjustment_comment = (request.comment or "").strip()
        comment = old.comment
    elif request.adjustment is not None:
        adjustment_comment = ""
    return CriterionChoice(
        level=request.level if request.level is not None else old.level,
        items=request.items if request.items is not None else old.items,
        points=request.points if request.points is not None else old.points,
        adjustment=adjustment,
        adjustment_comment=adjustment_comment,
        comment=comment,
    )


def _save_retrying(
    ctx: CourseContext,
    change: ChoiceChange,
    based_on: int,
    rubric: Rubric,
    source: EventSource,
    *,
    old: CriterionChoice,
    one_shot: bool,
) -> int:
    """Save ``change`` as a change of version ``based_on``; the version saved. After a conflict only a
    one-shot save (no version given) tries again, and only while the criterion's choice is still
    ``old``, the one the merge started from: someone changed this criterion meanwhile."""
    attempt = 0
    while True:
        based_change = replace(change, expected_version=based_on)
        try:
            versions = _save(ctx, based_change, rubric, source)
        except ConflictError as error:
            latest = ctx.store.grade(change.assignment_id, change.student_id)
            unchanged = latest.choices.get(change.criterion_id, CriterionChoice()) == old
            if not one_shot or not unchanged or attempt == RETRIES:
                raise _conflict(ctx, error, based_change, rubric) from None
            attempt, based_on = attempt + 1, latest.version
        else:
            return versions.get((change.assignment_id, change.student_id), based_on)


def _save(
    ctx: CourseContext, change: ChoiceChange, rubric: Rubric, source: EventSource
) -> dict[tuple[str, str], int]:
    return ctx.store.save(
        [change],
        actor=ctx.actor,
        rubric_hash=rubric.content_hash,
        source=source,
        now=utc_now(),
        summarize=summarizer(ctx, change.assignment_id, rubric),
    )


def _conflict(
    ctx: CourseContext, error: ConflictError, change: ChoiceChange, rubric: Rubric
) -> ChoiceConflict:
    return conflict_found(
        ctx,
        error,
        change.choice,
        assignment_id=change.assignment_id,
        student_id=change.student_id,
        criterion_id=change.criterion_id,
        based_on=change.expected_version or 0,
        at=utc_now(),
        rubric=rubric,
    )


def _recorded(rubric: Rubric, criterion: Criterion, grade: SubmissionGrade, version: int) -> GradeRecorded:
    """What a save reports: the criterion's points (a run's score merged in), the version, the choice."""
    choice = grade.choices.get(criterion.id, CriterionChoice())
    effective = effective_choices(rubric, grade).get(criterion.id, choice)
    return GradeRecorded(score_criterion(criterion, effective), version, choice)

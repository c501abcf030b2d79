"""Batch review: one rubric choice applied to many submissions, each its own grade event."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from grader.domain.errors import GraderError
from grader.domain.events import EventSource
from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest, checked_criterion, record_choice
from grader.gradebook.rubrics import rubric_in_force


@dataclass(frozen=True)
class BatchApplied:
    """One student's outcome: the new version, or why nothing was saved for them."""

    student_id: str
    version: int | None
    error: str | None
    warning: str = ""
    """The grade is saved, but updating the student's badges failed (as ``grader grade`` warns)."""


def batch_apply(
    ctx: CourseContext,
    assignment_id: str,
    criterion_id: str,
    request: ChoiceRequest,
    student_ids: Sequence[str],
) -> Iterator[Progress | BatchApplied]:
    """Apply ``request`` to ``criterion_id`` of each student's submission, yielding progress.

    The request is checked against the rubric once (a GraderError before anything is saved);
    then each student gets one save based on the version read just before it (source BATCH),
    so a grade someone changed meanwhile is refused, not overwritten. One student's failure
    never stops the others. Badges are re-evaluated after each save.
    """
    rubric = rubric_in_force(ctx, assignment_id)
    checked_criterion(rubric, assignment_id, criterion_id, request)
    total = len(student_ids)
    yield Progress(0, total, f"applying to {criterion_id}")
    for done, student_id in enumerate(student_ids, start=1):
        try:
            recorded = record_choice(
                ctx,
                assignment_id,
                student_id,
                criterion_id,
                request,
                source=EventSource.BATCH,
                rubric=rubric,
            )
        except GraderError as error:
            yield BatchApplied(student_id, None, str(error))
        else:
            yield BatchApplied(student_id, recorded.version, None, _badges_after(ctx, student_id))
        yield Progress(done, total, student_id)


def _badges_after(ctx: CourseContext, student_id: str) -> str:
    """Re-evaluate the student's badges; a problem there is a warning, never an unsaved grade."""
    from grader.gradebook.certify import after_grading  # the issuing libraries load only when used

    try:
        after_grading(ctx, student_id)
    except GraderError as error:
        return f"the grade is saved, but its badges could not be updated: {error}"
    return ""

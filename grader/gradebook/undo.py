"""Undo: the acting grader's latest choice is put back as it was, as a new grade event."""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import ChoiceChange, EventOutcome, EventSource, GradeEvent
from grader.domain.remap import stale_parts
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.rubrics import rubric_in_force
from grader.gradebook.summary import summarizer

OWN_SOURCES = frozenset({EventSource.GRADER, EventSource.BATCH, EventSource.UNDO})
"""Sources of the actor's own later changes that leave an earlier one undoable."""


@dataclass(frozen=True)
class Undone:
    """What an undo put back: ``restored`` is now the criterion's choice, at ``version``."""

    assignment_id: str
    student_id: str
    criterion_id: str
    restored: CriterionChoice
    version: int
    replaced: CriterionChoice = field(default_factory=CriterionChoice)
    """The choice the undo took away (what the undone event had set)."""
    event_id: int = 0
    """The grade event undone."""


def undo_last(
    ctx: CourseContext, *, assignment_id: str | None = None, student_id: str | None = None
) -> Undone | None:
    """Undo ``ctx.actor``'s latest choice not undone yet (within an assignment / student if given).

    The choice it replaced is saved again as a new grade event based on the current version;
    repeated calls walk further back. None when there is nothing left to undo. Refused
    (GraderError, naming who) when someone changed that criterion since.
    """
    event = ctx.store.last_undoable(ctx.actor, assignment_id=assignment_id, student_id=student_id)
    if event is None:
        return None
    current = ctx.store.grade(event.assignment_id, event.student_id)
    now_chosen = current.choices.get(event.criterion_id, CriterionChoice())
    others = _changed_by_others(ctx, event)
    if others or now_chosen != event.new:
        raise GraderError(_changed_since(event, others))
    rubric = rubric_in_force(ctx, event.assignment_id)
    criterion = rubric.criterion(event.criterion_id)
    stale = stale_parts(criterion, event.old) if criterion is not None else []
    if stale:
        kind, label = stale[0]
        raise GraderError(
            f"cannot undo: {event.student_id}'s earlier choice for {event.criterion_id} in "
            f"{event.assignment_id} was {kind} '{label}', which the rubric no longer has"
        )
    change = ChoiceChange(
        event.assignment_id, event.student_id, event.criterion_id, event.old, current.version
    )
    version = ctx.store.save_undo(
        change,
        event,
        actor=ctx.actor,
        rubric_hash=rubric.content_hash,
        now=utc_now(),
        summarize=summarizer(ctx, event.assignment_id, rubric),
    )
    return Undone(
        event.assignment_id,
        event.student_id,
        event.criterion_id,
        event.old,
        version,
        replaced=event.new,
        event_id=event.id,
    )


def _changed_by_others(ctx: CourseContext, event: GradeEvent) -> list[GradeEvent]:
    """Applied changes of the event's criterion since, other than the actor's own grading and undos.

    Even one that set the same choice again is someone else's decision, which an undo must not
    silently take back. (The actor's own later grading there is undone already, or it would be
    the one to undo.)
    """
    return [
        e
        for e in ctx.store.events(event.assignment_id, event.student_id)
        if e.id > event.id
        and e.criterion_id == event.criterion_id
        and e.outcome is EventOutcome.APPLIED
        and e.source is not EventSource.AUTOGRADER  # the autograde layer: no grader's choice changed
        and (e.actor != event.actor or e.source not in OWN_SOURCES)
    ]


def _changed_since(event: GradeEvent, others: list[GradeEvent]) -> str:
    who = f"{others[-1].actor} at {others[-1].at:%Y-%m-%d %H:%M} UTC" if others else "someone else"
    return (
        f"cannot undo: {event.student_id}'s {event.criterion_id} in {event.assignment_id} was "
        f"changed by {who} after your change; grade it again instead"
    )

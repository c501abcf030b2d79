"""Flags asking for a second look, and students excused from an assignment."""

from __future__ import annotations

from grader.domain.errors import GraderError
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.summary import summarizer

MAX_TEXT = 2000
"""Characters in a flag note or an excuse's reason."""


def _submission(ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    ctx.files.rubric(assignment_id)  # names the known assignments when it is not one
    ctx.files.student(student_id)


def _text(value: str, what: str) -> str:
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise GraderError(f"{what} is {len(text)} characters long; keep it under {MAX_TEXT}")
    return text


def set_flag(ctx: CourseContext, assignment_id: str, student_id: str, note: str) -> None:
    """Flag a submission with a note saying what needs a second look (audited)."""
    _submission(ctx, assignment_id, student_id)
    text = _text(note, "the flag note")
    if not text:
        raise GraderError("a flag needs a note that says what to look at (or clear the flag)")
    summarize = summarizer(ctx, assignment_id)
    ctx.store.set_flag(assignment_id, student_id, text, actor=ctx.actor, now=utc_now(), summarize=summarize)


def clear_flag(ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    """Clear a submission's flag (audited; clearing an unflagged one changes nothing else)."""
    _submission(ctx, assignment_id, student_id)
    summarize = summarizer(ctx, assignment_id)
    ctx.store.set_flag(assignment_id, student_id, "", actor=ctx.actor, now=utc_now(), summarize=summarize)


def set_excused(ctx: CourseContext, assignment_id: str, student_id: str, excused: bool, reason: str) -> None:
    """Excuse a student from an assignment (no score, counted nowhere), or withdraw it (audited)."""
    _submission(ctx, assignment_id, student_id)
    ctx.store.set_excused(
        assignment_id,
        student_id,
        excused,
        _text(reason, "the reason"),
        actor=ctx.actor,
        now=utc_now(),
        summarize=summarizer(ctx, assignment_id),
    )

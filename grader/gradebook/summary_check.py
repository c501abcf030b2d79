"""Bringing every submission summary up to date, and checking them against a recomputation."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext
from grader.gradebook.summary import CHUNK, refresh_stale, summarize_with, summary_spec
from grader.store.summary_values import SubmissionSummary


@dataclass(frozen=True)
class SummaryDisagreement:
    """A stored summary that is not what the submission's choices and pull state give now."""

    assignment_id: str
    student_id: str
    stored: SubmissionSummary | None
    """None: no summary is stored (counted as nothing saved, never pulled)."""
    expected: SubmissionSummary | None
    """None: the current rubric cannot score the submission's choices."""

    @property
    def wrong(self) -> bool:
        """Stamped as current (or missing), yet different: what the counts would trust but should not.

        Otherwise it is only out of date (stale, or computed from other course files), which the
        next count or ``grader db upgrade`` recomputes before anything counts it."""
        if self.expected is None:
            return False
        return self.stored is None or self.stored.stamp == self.expected.stamp


def rebuild_summaries(ctx: CourseContext, *, chunk: int = CHUNK) -> Iterator[Progress]:
    """Recompute every summary not at its assignment's current stamp, yielding Progress per
    chunk (message: the assignment id)."""
    for assignment in ctx.files.course.assignments:
        yield from refresh_stale(ctx, summary_spec(ctx, assignment.id), chunk=chunk)


def check_summaries(ctx: CourseContext, *, chunk: int = CHUNK) -> Iterator[Progress | SummaryDisagreement]:
    """Recompute every submission's summary and compare it with the stored one, a chunk at a
    time under the writers' locks; yields Progress and each disagreement."""
    for assignment in ctx.files.course.assignments:
        spec = summary_spec(ctx, assignment.id)
        summarize = summarize_with({assignment.id: spec})
        student_ids = ctx.store.summaries.with_inputs(assignment.id)
        yield Progress(0, len(student_ids), assignment.id)
        for start in range(0, len(student_ids), chunk):
            part = student_ids[start : start + chunk]
            for sid, stored, expected in ctx.store.summaries.compare(assignment.id, part, summarize):
                yield SummaryDisagreement(assignment.id, sid, stored, expected)
            yield Progress(start + len(part), len(student_ids), assignment.id)


def repair_summaries(ctx: CourseContext, assignment_id: str, student_ids: Sequence[str]) -> int:
    """Recompute these students' summaries whatever their stamp; how many were written."""
    spec = summary_spec(ctx, assignment_id)
    return ctx.store.summaries.rebuild(
        assignment_id, student_ids, None, summarize_with({assignment_id: spec})
    )

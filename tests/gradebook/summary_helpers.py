"""Checking submission summaries against a recomputation, and the counts against the old
whole-class computation (``submission_statuses`` and ``mastery_report``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import pytest
from postgres import database_url_for

from grader.domain.mastery import BadgeStatus
from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.counts import SCORE_BINS, AssignmentCounts, BadgeCounts, count_assignments, count_badges
from grader.gradebook.mastery import mastery_report
from grader.gradebook.status import GRADED, submission_statuses
from grader.gradebook.summary_check import SummaryDisagreement, check_summaries

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def database(backend: str) -> Iterator[str | None]:
    """None (the course's own SQLite file) or a fresh PostgreSQL schema's URL."""
    yield from database_url_for(backend)


@contextmanager
def opened(root: Path, url: str | None, actor: str = "Ada") -> Iterator[CourseContext]:
    with open_course(root, database_url=url, actor=actor) as ctx:
        yield ctx


def assert_summaries_consistent(ctx: CourseContext, *, fresh: bool = True) -> int:
    """Every stored summary equals a recomputation from the choices and pull states (``fresh``:
    none is even out of date); returns how many submissions were checked."""
    found: list[SummaryDisagreement] = []
    checked: dict[str, int] = {}
    for item in check_summaries(ctx, chunk=3):
        if isinstance(item, Progress):
            checked[item.message] = item.total
        else:
            found.append(item)
    assert [d for d in found if d.wrong] == []
    if fresh:
        assert [(d.student_id, d.stored, d.expected) for d in found] == []
    return sum(checked.values())


def old_assignment_counts(ctx: CourseContext) -> list[AssignmentCounts]:
    """The counts as the whole-class read gives them (what the chunked counting computed)."""
    refused: dict[str, str] = {}
    rows = submission_statuses(ctx, refused=refused)
    out = []
    for assignment in ctx.files.course.assignments:
        mine = [r for r in rows if r.assignment_id == assignment.id]
        bins = [0] * SCORE_BINS
        for row in mine:
            if row.status == GRADED and row.score is not None and assignment.id not in refused:
                fraction = min(max(Fraction(row.score) / Fraction(row.max_score), Fraction(0)), Fraction(1))
                bins[min(int(fraction * SCORE_BINS), SCORE_BINS - 1)] += 1
        out.append(
            AssignmentCounts(
                assignment.id,
                len(mine),
                sum(1 for r in mine if r.graded_commit),
                sum(1 for r in mine if r.status == GRADED),
                dict(Counter(r.status for r in mine)),
                tuple(bins),
                refused.get(assignment.id, ""),
            )
        )
    return out


def old_badge_counts(ctx: CourseContext) -> list[BadgeCounts]:
    statuses = Counter((e.badge_id, e.status) for e in mastery_report(ctx).evaluations())
    return [
        BadgeCounts(
            b.id,
            statuses[(b.id, BadgeStatus.EARNED)],
            statuses[(b.id, BadgeStatus.UNDETERMINED)],
            statuses[(b.id, BadgeStatus.NOT_YET)],
            len(ctx.files.students),
        )
        for b in ctx.files.course.badges
    ]


def new_counts(ctx: CourseContext) -> tuple[list[AssignmentCounts], list[BadgeCounts]]:
    assignments = [f for f in count_assignments(ctx, chunk=3) if isinstance(f, AssignmentCounts)]
    *_, badges = count_badges(ctx, chunk=3)
    assert isinstance(badges, list)
    return assignments, badges


def assert_counts_as_before(ctx: CourseContext) -> None:
    """The counts from summaries equal the old whole-class computation, assignments and badges."""
    assignments, badges = new_counts(ctx)
    assert assignments == old_assignment_counts(ctx)
    assert badges == old_badge_counts(ctx)

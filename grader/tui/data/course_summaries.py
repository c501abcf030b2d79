"""What the course screen shows, from the gradebook's chunked counts (see grader.gradebook.counts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from grader.domain.course import Course

if TYPE_CHECKING:  # the counting module loads when counting first runs, after the first frame
    from grader.gradebook.counts import AssignmentCounts, BadgeCounts


@dataclass(frozen=True)
class AssignmentSummary:
    assignment_id: str
    title: str
    deadline: datetime
    pulled: int
    graded: int
    total: int
    bins: tuple[int, ...]
    """Graded submissions by score / maximum, in tenths (for the histogram)."""
    statuses: dict[str, int]
    """Submissions per status."""
    refused: str = ""
    """Why the rubric edit is refused, when it is (scores are then unknown)."""


@dataclass(frozen=True)
class BadgeSummary:
    badge_id: str
    title: str
    earned: int
    undetermined: int
    eligible: int
    """Every roster student is eligible for every badge."""


def assignment_summary(course: Course, counts: AssignmentCounts) -> AssignmentSummary:
    assignment = course.assignment(counts.assignment_id)
    assert assignment is not None  # counted from the course's own assignments
    return AssignmentSummary(
        assignment.id,
        assignment.title,
        assignment.deadline,
        counts.pulled,
        counts.graded,
        counts.total,
        counts.bins,
        counts.statuses,
        counts.refused,
    )


def badge_summaries(course: Course, counts: list[BadgeCounts]) -> list[BadgeSummary]:
    by_id = {c.badge_id: c for c in counts}
    return [
        BadgeSummary(b.id, b.title, by_id[b.id].earned, by_id[b.id].undetermined, by_id[b.id].eligible)
        for b in course.badges
        if b.id in by_id
    ]

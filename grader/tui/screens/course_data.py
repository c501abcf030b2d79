"""What the course screen shows, computed from the gradebook (in a worker: slow at 100,000 students)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from grader.domain.mastery import BadgeStatus
from grader.gradebook.context import CourseContext
from grader.gradebook.mastery import MasteryReport
from grader.gradebook.status import GRADED, SubmissionStatus, submission_statuses


@dataclass(frozen=True)
class AssignmentSummary:
    assignment_id: str
    title: str
    deadline: datetime
    pulled: int
    graded: int
    total: int
    fractions: tuple[float, ...]
    """Score / maximum of every graded submission (for the histogram)."""
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


def summarise(rows: list[SubmissionStatus]) -> tuple[int, int, tuple[float, ...]]:
    """(pulled, graded, score fractions of the graded) of one assignment's rows."""
    pulled = sum(1 for r in rows if r.graded_commit is not None)
    graded_rows = [r for r in rows if r.status == GRADED]
    fractions = tuple(
        float(r.score / r.max_score) for r in graded_rows if r.score is not None and r.max_score > 0
    )
    return pulled, len(graded_rows), fractions


def assignment_summaries(ctx: CourseContext) -> list[AssignmentSummary]:
    """Counts and scores of every assignment, one assignment's rows in memory at a time."""
    out = []
    for assignment in ctx.files.course.assignments:
        refused: dict[str, str] = {}
        rows = submission_statuses(ctx, [assignment.id], refused=refused)
        pulled, graded, fractions = summarise(rows)
        out.append(
            AssignmentSummary(
                assignment.id,
                assignment.title,
                assignment.deadline,
                pulled,
                graded,
                len(rows),
                fractions,
                refused.get(assignment.id, ""),
            )
        )
    return out


def badge_summaries(ctx: CourseContext, report: MasteryReport) -> list[BadgeSummary]:
    earned: dict[str, int] = defaultdict(int)
    undetermined: dict[str, int] = defaultdict(int)
    for evaluation in report.evaluations():
        if evaluation.status is BadgeStatus.EARNED:
            earned[evaluation.badge_id] += 1
        elif evaluation.status is BadgeStatus.UNDETERMINED:
            undetermined[evaluation.badge_id] += 1
    eligible = len(report.students)
    return [
        BadgeSummary(b.id, b.title, earned[b.id], undetermined[b.id], eligible)
        for b in ctx.files.course.badges
    ]

"""Each grader's progress on their part of a work split: done out of assigned.

Split by submission: a submission is done once graded or excused (its status, from the
summaries). Split by criterion: each grader holds their criteria on every roster submission,
one done per submission that has a level, items or points for it, or is excused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from grader.domain.progress import Progress
from grader.domain.split import SplitMode, StoredSplit
from grader.gradebook.context import CourseContext
from grader.gradebook.split_states import DONE, roster_statuses


@dataclass(frozen=True)
class GraderProgress:
    grader: str
    done: int
    assigned: int


@dataclass(frozen=True)
class SplitProgress:
    assignment_id: str
    mode: SplitMode
    graders: tuple[GraderProgress, ...]
    """In name order."""


def split_progress(ctx: CourseContext, assignment_id: str) -> SplitProgress | None:
    """The progress of each grader the assignment's split names; None without a split."""
    split = ctx.store.work_split(assignment_id)
    if split is None:
        return None
    by_criterion = split.mode is SplitMode.CRITERIA
    figures = _by_criterion(ctx, split) if by_criterion else _by_submission(ctx, split)
    return SplitProgress(assignment_id, split.mode, tuple(figures))


def _by_submission(ctx: CourseContext, split: StoredSplit) -> list[GraderProgress]:
    statuses: dict[str, str] = {}
    for step in roster_statuses(ctx, split.assignment_id, refresh=False):
        if not isinstance(step, Progress):
            statuses = step
    assigned: Counter[str] = Counter()
    done: Counter[str] = Counter()
    for student_id, grader in split.owners.items():
        status = statuses.get(student_id)
        if status is None:  # no longer on the roster
            continue
        assigned[grader] += 1
        done[grader] += status in DONE
    return [GraderProgress(g, done[g], assigned[g]) for g in split.graders if assigned[g]]


def _by_criterion(ctx: CourseContext, split: StoredSplit) -> list[GraderProgress]:
    aid = split.assignment_id
    roster = ctx.files.students_by_id
    scored = Counter(ctx.store.scored_counts(aid))
    elsewhere = [s for s in ctx.store.submission_students(aid) if s not in roster]
    if elsewhere:
        scored.subtract(ctx.store.scored_counts(aid, elsewhere))
    excused = sum(1 for s in ctx.store.submission_students(aid, excused=True) if s in roster)
    size = len(roster)
    figures = []
    for grader in split.graders:
        criteria = [item for item, owner in split.owners.items() if owner == grader]
        done = sum(min(size, scored[c] + excused) for c in criteria)
        figures.append(GraderProgress(grader, done, size * len(criteria)))
    return figures

"""The "mine" filter of a grading team: only the work the split gives to the acting grader.

Split by submission: the submissions split to them. Split by criterion: the submissions that
still lack a level, items or points for one of their criteria (excused ones need none). It
combines with the other filters; the split is read when the filter runs (``resolve_mine``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from grader.domain.errors import GraderError
from grader.domain.roster import Student
from grader.domain.split import SplitMode
from grader.gradebook.context import CourseContext
from grader.gradebook.listing import SubmissionFilter
from grader.gradebook.status import SubmissionStatus


@dataclass(frozen=True)
class TeamFilter(SubmissionFilter):
    """The submissions filter, plus "only mine"."""

    mine: bool = False

    @property
    def is_empty(self) -> bool:
        return super().is_empty and not self.mine


@dataclass(frozen=True)
class AssignedFilter(TeamFilter):
    """A "mine" filter with the split read: the students, or the criteria, that are the grader's."""

    students: frozenset[str] | None = None
    criteria: tuple[str, ...] = ()

    @property
    def needs_store(self) -> bool:
        return super().needs_store or bool(self.criteria)

    def matches_student(self, student: Student, *, anonymous: bool = False) -> bool:
        mine = self.students is None or student.student_id in self.students
        return mine and super().matches_student(student, anonymous=anonymous)

    def matches_row(self, row: SubmissionStatus) -> bool:
        if self.criteria and (row.excused or not _lacks(row, self.criteria)):
            return False
        return super().matches_row(row)


def _lacks(row: SubmissionStatus, criteria: tuple[str, ...]) -> bool:
    return any(c.criterion_id in criteria and not c.choice.is_scored for c in row.criteria)


def mine_toggled(wanted: SubmissionFilter) -> TeamFilter:
    """The same filter with "only mine" switched over."""
    mine = isinstance(wanted, TeamFilter) and wanted.mine
    return TeamFilter(**_base_fields(wanted), mine=not mine)


def is_mine(wanted: SubmissionFilter) -> bool:
    return isinstance(wanted, TeamFilter) and wanted.mine


def resolve_mine(ctx: CourseContext, assignment_id: str, wanted: SubmissionFilter) -> SubmissionFilter:
    """``wanted`` ready to run: with "only mine", the acting grader's part of the split read in.
    GraderError when there is no split, or nothing in it is theirs."""
    if not is_mine(wanted):
        return wanted
    split = ctx.store.work_split(assignment_id)
    if split is None:
        raise GraderError(
            f"{assignment_id} has no work split, so nothing is yours in particular: "
            f"grader assign {assignment_id} --graders NAME,NAME… makes one"
        )
    items = split.items_of(ctx.actor)
    if not items:
        named = ", ".join(split.graders)
        raise GraderError(
            f"nothing of {assignment_id} is split to {ctx.actor} (the split names {named}); "
            "open grader as one of them with --as NAME, or ask for the split to include you"
        )
    base = _base_fields(wanted)
    if split.mode is SplitMode.CRITERIA:
        return AssignedFilter(**base, mine=True, criteria=items)
    return AssignedFilter(**base, mine=True, students=frozenset(items))


def _base_fields(wanted: SubmissionFilter) -> dict[str, Any]:
    """The fields every submissions filter has (text, status, flagged, late, grader…)."""
    return {f.name: getattr(wanted, f.name) for f in fields(SubmissionFilter)}

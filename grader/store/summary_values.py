"""Per-submission summaries as values: what the gradebook computes and the store keeps.

A summary is a derived cache of one submission's status, score and mastery evidence, stamped
with what it was computed from. The store never computes one (it knows no rubric): each save
hands it a ``Summarize`` callback, which gets the submission's grade and pull state as read
inside the save's own transaction. Stdlib only, so the gradebook may import it cheaply.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from grader.domain.events import SubmissionGrade
from grader.domain.pulls import PullState

STALE = ""
"""The stamp of a summary whose inputs changed since it was computed (set by the database's
own triggers on every write to a choice, a flag, an excuse or a pull state)."""

Key = tuple[str, str]
"""(assignment id, student id): one submission."""


@dataclass(frozen=True, slots=True)
class SummaryInput:
    """What one submission's summary is computed from, read inside the writing transaction."""

    assignment_id: str
    student_id: str
    grade: SubmissionGrade | None
    """None: never saved (no choices, no flag, not excused)."""
    pull: PullState | None
    """None: never pulled."""


@dataclass(frozen=True, slots=True)
class SubmissionSummary:
    """One submission's counted figures, and the stamp of what they were computed from."""

    stamp: str
    status: str
    score: Decimal | None
    """After the late penalty; None when nothing is scored (or excused, or the rubric refused)."""
    max_score: Decimal
    final: bool
    pulled: bool
    """The submission has a graded commit."""
    excused: bool
    flagged: bool
    """A grader's flag note asks for a second look."""
    mastery_graded: bool
    """Counts as graded for a badge that requires the assignment (excused work blocks no badge)."""
    skills: tuple[tuple[str, Decimal, Decimal], ...]
    """(skill, earned, possible) of the mastery evidence this submission gives, by skill."""
    unscored: tuple[str, ...] = ()
    """The criteria still unscored of a grade that has scores but is not final."""


Summarize = Callable[[Sequence[SummaryInput]], Mapping[Key, SubmissionSummary]]
"""Computes the summaries of the given submissions; a submission it leaves out stays stale."""


@dataclass(frozen=True, slots=True)
class SummaryGroup:
    """How many summaries of an assignment share these counted values."""

    stamp: str
    status: str
    pulled: bool
    score: Decimal | None
    max_score: Decimal
    count: int


@dataclass
class StudentSums:
    """One student's mastery evidence, summed over their summaries (all exact)."""

    student_id: str
    skills: dict[str, list[Decimal]] = field(default_factory=dict)
    """Skill → [earned, possible]."""
    graded: set[str] = field(default_factory=set)
    """The assignments counted as graded for a badge."""
    unscored: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Assignment → the criteria still unscored of a grade not final yet."""
    outdated: list[str] = field(default_factory=list)
    """Assignments whose summary was not at the stamp asked for: left out of the sums."""

    def add(self, assignment_id: str, summary: SubmissionSummary) -> None:
        """Add one submission's summary."""
        if summary.mastery_graded:
            self.graded.add(assignment_id)
        if summary.unscored:
            self.unscored[assignment_id] = summary.unscored
        for skill, earned, possible in summary.skills:
            add_skill(self.skills, skill, earned, possible)


def add_skill(sums: dict[str, list[Decimal]], skill: str, earned: Decimal, possible: Decimal) -> None:
    total = sums.get(skill)
    if total is None:
        sums[skill] = [earned, possible]
    else:
        total[0] += earned
        total[1] += possible

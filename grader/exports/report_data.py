"""What the class report shows, as plain values, and the statistics drawn from them.

Scores are kept as counts by value (``Tally``), not one entry per student: a class of 10,000
has a few hundred distinct totals at most, and mean, median and bins come straight from them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

Tally = Mapping[Decimal, int]
"""How many submissions reached each value."""

GRADED = "graded"
IN_PROGRESS = "in progress"
NOT_GRADED = "not graded"
MISSING = "missing"
PROGRESS_STATES = (GRADED, IN_PROGRESS, NOT_GRADED, MISSING)
"""The four ways a submission can stand, in the order the report lists them."""


@dataclass(frozen=True)
class Choice:
    """A level or checklist item and how many scored submissions chose it."""

    label: str
    points: Decimal
    count: int


@dataclass(frozen=True)
class CriterionFigures:
    criterion_id: str
    title: str
    kind: str
    skills: tuple[str, ...]
    max_points: Decimal
    scores: Tally
    """Points of this criterion in every final grade."""
    levels: tuple[Choice, ...] = ()
    """Levels criteria: every level in rubric order, with how many submissions reached it."""
    items: tuple[Choice, ...] = ()
    """Checklist criteria: every item, with how many submissions it was ticked in."""


@dataclass(frozen=True)
class AssignmentFigures:
    assignment_id: str
    title: str
    max_score: Decimal
    totals: Tally
    """Scores (late penalty applied) of the final grades: every criterion scored, not excused."""
    states: Mapping[str, int]
    """Submissions by ``PROGRESS_STATES``."""
    late: int
    criteria: tuple[CriterionFigures, ...]
    refused: str = ""
    """Why nothing is scored: a rubric edit waits to be mapped (empty when all is well)."""
    not_final: int = 0
    """Submissions with scores whose grade is not final yet: left out of every score figure."""


@dataclass(frozen=True)
class StudentRow:
    student_id: str
    name: str
    section: str
    percents: tuple[Decimal | None, ...]
    """Mastery per skill, in the report's skill order; None: no final grade for that skill."""


@dataclass(frozen=True)
class BadgeFigures:
    badge_id: str
    title: str
    earned: int
    undetermined: int
    not_yet: int


@dataclass(frozen=True)
class ReportData:
    course_id: str
    title: str
    term: str
    generated_at: datetime
    assignments: tuple[AssignmentFigures, ...]
    skills: tuple[tuple[str, str], ...]
    """(skill id, description) in course order."""
    students: tuple[StudentRow, ...]
    """In roster order."""
    badges: tuple[BadgeFigures, ...] = ()
    notes: tuple[str, ...] = field(default=())
    """Warnings to show at the top (e.g. assignments left out of mastery)."""

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(sorted({s.section for s in self.students if s.section}))


def count(tally: Tally) -> int:
    return sum(tally.values())


def mean(tally: Tally) -> Decimal | None:
    n = count(tally)
    if n == 0:
        return None
    return sum((value * times for value, times in tally.items()), Decimal(0)) / n


def median(tally: Tally) -> Decimal | None:
    """The middle value; with an even count, halfway between the two middle ones."""
    n = count(tally)
    if n == 0:
        return None
    low_rank, high_rank = (n - 1) // 2, n // 2
    low = high = None
    seen = 0
    for value in sorted(tally):
        seen += tally[value]
        if low is None and seen > low_rank:
            low = value
        if seen > high_rank:
            high = value
            break
    assert low is not None and high is not None
    return (low + high) / 2


@dataclass(frozen=True)
class Bin:
    low: Decimal
    high: Decimal
    count: int
    label: str
    """What the bin holds, in words: "10–20", "90–100" (the last bin includes its top), "7"."""


NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5))
MAX_BINS = 12


def bin_width(maximum: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10^k that splits [0, maximum] into at most 12 bins."""
    scale = Decimal(10) ** math.floor(math.log10(float(maximum) / MAX_BINS))
    while True:
        for step in NICE_STEPS:
            width = step * scale
            if math.ceil(maximum / width) <= MAX_BINS:
                return width
        scale *= 10


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def bins(tally: Tally, maximum: Decimal) -> list[Bin]:
    """Histogram bins over [0, maximum]: one per point for small whole-number scales, else nice widths."""
    if maximum <= 0:
        return [Bin(Decimal(0), Decimal(0), count(tally), "0")]
    whole = all(v == v.to_integral_value() for v in tally) and maximum == maximum.to_integral_value()
    if whole and maximum <= MAX_BINS:
        counts = [0] * (int(maximum) + 1)
        for value, times in tally.items():
            counts[min(max(int(value), 0), int(maximum))] += times
        half = Decimal("0.5")
        return [Bin(i - half, i + half, n, str(i)) for i, n in enumerate(counts)]
    width = bin_width(maximum)
    total = math.ceil(maximum / width)
    counts = [0] * total
    for value, times in tally.items():
        counts[min(max(int(value / width), 0), total - 1)] += times
    out = []
    for index, n in enumerate(counts):
        low, high = width * index, min(width * (index + 1), maximum)
        out.append(Bin(low, high, n, f"{_text(low)}–{_text(high)}"))
    return out

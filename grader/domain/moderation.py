"""Moderation (second marking): which graded submissions are sampled, who second-marks each.

Pure and deterministic: a submission's place in the sample is a hash of the assignment, the
seed and its student id, so the same inputs always pick the same sample, and a student added
later never reshuffles the others. Second markers are dealt in sample order to the candidate
holding the fewest submissions so far (ties by name), never to one of the submission's first
markers.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError


@dataclass(frozen=True)
class SampleSize:
    """``--sample``: a percentage of the graded submissions (of each first marker's, with
    ``--per-grader``) or a count."""

    percent: Decimal | None = None
    count: int | None = None

    def of(self, population: int) -> int:
        """How many of ``population`` submissions to sample (a percentage rounds up)."""
        if self.count is not None:
            return min(self.count, population)
        assert self.percent is not None
        return min(population, math.ceil(self.percent * population / 100))

    def __str__(self) -> str:
        return f"{self.percent}%" if self.percent is not None else str(self.count)


def parse_sample(text: str) -> SampleSize:
    """``10%``, ``12.5%`` or ``4``; GraderError says what was expected."""
    given = text.strip()
    expected = f"expected a percentage such as 10% or a count such as 4, got {text!r}"
    try:
        if given.endswith("%"):
            percent = Decimal(given[:-1])
            if not percent.is_finite() or not 0 < percent <= 100:
                raise GraderError(f"{expected} (a percentage is above 0 and at most 100)")
            return SampleSize(percent=percent)
        count = int(given)
    except (InvalidOperation, ValueError):
        raise GraderError(expected) from None
    if count < 1:
        raise GraderError(f"{expected} (a count is at least 1)")
    return SampleSize(count=count)


@dataclass(frozen=True)
class Candidate:
    """A graded submission that may be sampled, and who first-marked it (one or more graders:
    a split by criterion has several)."""

    student_id: str
    first_markers: tuple[str, ...]

    @property
    def first_marker(self) -> str:
        """The first markers as one label (the group of ``--per-grader``, the report's rows)."""
        return ", ".join(self.first_markers)


@dataclass(frozen=True)
class Queued:
    """A submission queued for second marking by ``moderator``."""

    student_id: str
    first_marker: str
    moderator: str


def sample_rank(assignment_id: str, seed: int, student_id: str) -> str:
    """The submission's place in the assignment's random order for ``seed``."""
    return hashlib.sha256(f"{assignment_id}\0{seed}\0{student_id}".encode()).hexdigest()


def pick_sample(
    assignment_id: str,
    candidates: Sequence[Candidate],
    size: SampleSize,
    *,
    seed: int,
    per_grader: bool,
    already: Mapping[str, Queued],
) -> list[Candidate]:
    """The candidates to add to the queue, in sample order: enough that the sample (with the
    ``already`` queued ones, which count towards it and are never picked again) reaches
    ``size`` of all candidates, or of each first marker's with ``per_grader``."""
    groups: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(candidate.first_marker if per_grader else "", []).append(candidate)
    picked: list[Candidate] = []
    for group in groups.values():
        held = sum(1 for c in group if c.student_id in already)
        fresh = [c for c in group if c.student_id not in already]
        fresh.sort(key=lambda c: sample_rank(assignment_id, seed, c.student_id))
        picked.extend(fresh[: max(0, size.of(len(group)) - held)])
    picked.sort(key=lambda c: sample_rank(assignment_id, seed, c.student_id))
    return picked


def deal_moderators(
    picked: Sequence[Candidate], moderators: Sequence[str], already: Mapping[str, Queued]
) -> list[Queued]:
    """Each picked submission with its second marker: of ``moderators``, not one of its first
    markers, the one holding the fewest queued submissions so far (ties by name)."""
    load = {name: 0 for name in moderators}
    for queued in already.values():
        if queued.moderator in load:
            load[queued.moderator] += 1
    dealt = []
    for candidate in picked:
        free = [m for m in sorted(load) if m not in candidate.first_markers]
        if not free:
            raise GraderError(
                f"no grader but its first marker ({candidate.first_marker}) could second-mark "
                f"{candidate.student_id}: name other graders with --moderator"
            )
        chosen = min(free, key=lambda m: (load[m], m))
        load[chosen] += 1
        dealt.append(Queued(candidate.student_id, candidate.first_marker, chosen))
    return dealt


@dataclass(frozen=True)
class SecondMark:
    """The second mark in force for one criterion of one queued submission."""

    student_id: str
    criterion_id: str
    choice: CriterionChoice
    actor: str
    at: datetime

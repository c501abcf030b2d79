"""Similar submissions, the pure part: which pairs share fingerprints (an inverted index, so a
class of hundreds is compared in one pass), each side's similarity, and the matching fragments
with their line ranges in both files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from grader.domain.similarity import Settings, Submission

MAX_FRAGMENTS = 20
"""The longest fragments kept per pair."""


@dataclass(frozen=True)
class Fragment:
    """Code that matches in both submissions: a line range in one file of each."""

    path_a: str
    first_a: int
    last_a: int
    path_b: str
    first_b: int
    last_b: int
    prints: int
    """Fingerprints the fragment is made of."""

    @property
    def lines(self) -> int:
        """Its length: the shorter of its two sides, in lines."""
        return min(self.last_a - self.first_a, self.last_b - self.first_b) + 1


@dataclass(frozen=True)
class PairScore:
    a: str
    b: str
    similarity_a: Decimal
    """Share of a's fingerprints found in b."""
    similarity_b: Decimal
    fragments: tuple[Fragment, ...]

    @property
    def similarity(self) -> Decimal:
        return max(self.similarity_a, self.similarity_b)

    @property
    def longest(self) -> int:
        return max((f.lines for f in self.fragments), default=0)


def shared_counts(submissions: Sequence[Submission], left_out: frozenset[int]) -> dict[tuple[int, int], int]:
    """(i, j) → fingerprints submissions i and j share (i < j, at least one side in the class),
    through an inverted index fingerprint → submissions."""
    holders: dict[int, list[int]] = defaultdict(list)
    for index, submission in enumerate(submissions):
        for value in submission.hashes - left_out:
            holders[value].append(index)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for found in holders.values():
        if len(found) < 2:
            continue
        for x, i in enumerate(found):
            for j in found[x + 1 :]:
                if submissions[i].in_class or submissions[j].in_class:
                    counts[(i, j)] += 1
    return counts


def ratio(part: int, whole: int) -> Decimal:
    """part / whole to four places (0 when there is nothing)."""
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else Decimal(0)


def kept_sizes(submissions: Sequence[Submission], left_out: frozenset[int]) -> list[int]:
    """How many fingerprints of each submission count (the left-out ones not)."""
    return [len(s.hashes) - len(s.hashes & left_out) for s in submissions]


def worth_comparing(size_a: int, size_b: int, shared: int, settings: Settings) -> bool:
    """Whether a pair sharing ``shared`` fingerprints is above the floor on either side (sizes:
    :func:`kept_sizes`)."""
    whole = min(size_a, size_b)
    return whole > 0 and shared >= settings.floor * whole


def score_pair(a: Submission, b: Submission, left_out: frozenset[int], settings: Settings) -> PairScore:
    """Both sides' similarity and the longest matching fragments (shorter than ``min_lines``
    left out)."""
    kept_a, kept_b = a.hashes - left_out, b.hashes - left_out
    common = kept_a & kept_b
    fragments = [f for f in merge_fragments(a, b, common) if f.lines >= settings.min_lines]
    fragments.sort(key=lambda f: (-f.lines, f.path_a, f.first_a))
    return PairScore(
        a.key,
        b.key,
        ratio(len(common), len(kept_a)),
        ratio(len(common), len(kept_b)),
        tuple(fragments[:MAX_FRAGMENTS]),
    )


def merge_fragments(a: Submission, b: Submission, common: frozenset[int]) -> list[Fragment]:
    """Matching fingerprints merged into fragments: consecutive matches of a that fall in one
    file of b, next to each other there too, make one fragment (work in proportion to the
    fingerprints they share, through each side's hash → positions index)."""
    fragments: list[Fragment] = []
    # the fragment being grown: [path_a, first_a, last_a, path_b, first_b, last_b, prints]
    grown: list[Any] | None = None
    for index in sorted(i for value in common for i in a.where.get(value, ())):
        found = a.prints[index]
        places = [b.prints[j] for j in b.where.get(found.hash, ())]
        if not places:
            continue
        if grown is not None and found.path == grown[0] and found.first_line <= grown[2] + 1:
            follows = next(
                (p for p in places if p.path == grown[3] and grown[4] - 1 <= p.first_line <= grown[5] + 1),
                None,
            )
            if follows is not None:
                grown[2] = max(grown[2], found.last_line)
                grown[4] = min(grown[4], follows.first_line)
                grown[5] = max(grown[5], follows.last_line)
                grown[6] += 1
                continue
        if grown is not None:
            fragments.append(Fragment(*grown))
        other = places[0]
        grown = [
            found.path,
            found.first_line,
            found.last_line,
            other.path,
            other.first_line,
            other.last_line,
            1,
        ]
    if grown is not None:
        fragments.append(Fragment(*grown))
    return fragments

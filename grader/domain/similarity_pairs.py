"""Similar submissions, the pure part: which pairs share fingerprints (an inverted index, so a
class of hundreds is compared in one pass), each side's similarity, and the matching fragments
with their line ranges in both files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from grader.domain.similarity import Print, Settings, Submission

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


def worth_comparing(
    a: Submission, b: Submission, shared: int, left_out: frozenset[int], settings: Settings
) -> bool:
    """Whether a pair sharing ``shared`` fingerprints is above the floor on either side."""
    whole = min(len(a.hashes - left_out), len(b.hashes - left_out))
    return whole > 0 and Decimal(shared) / Decimal(whole) >= settings.floor


def score_pair(a: Submission, b: Submission, left_out: frozenset[int], settings: Settings) -> PairScore:
    """Both sides' similarity and the longest matching fragments (shorter than ``min_lines``
    left out)."""
    kept_a, kept_b = a.hashes - left_out, b.hashes - left_out
    common = kept_a & kept_b
    fragments = [f for f in merge_fragments(a.prints, b.prints, common) if f.lines >= settings.min_lines]
    fragments.sort(key=lambda f: (-f.lines, f.path_a, f.first_a))
    return PairScore(
        a.key,
        b.key,
        ratio(len(common), len(kept_a)),
        ratio(len(common), len(kept_b)),
        tuple(fragments[:MAX_FRAGMENTS]),
    )


def merge_fragments(
    prints_a: Sequence[Print], prints_b: Sequence[Print], common: frozenset[int]
) -> list[Fragment]:
    """Matching fingerprints merged into fragments: consecutive matches of a that fall in one
    file of b, next to each other there too, make one fragment."""
    where_b: dict[int, list[Print]] = defaultdict(list)
    for found in prints_b:
        if found.hash in common:
            where_b[found.hash].append(found)
    fragments: list[Fragment] = []
    current: Fragment | None = None
    for found in prints_a:
        if found.hash not in common:
            continue
        places = where_b[found.hash]
        follows = next((p for p in places if current is not None and _continues(current, found, p)), None)
        if current is not None and follows is not None:
            current = Fragment(
                current.path_a,
                current.first_a,
                max(current.last_a, found.last_line),
                current.path_b,
                min(current.first_b, follows.first_line),
                max(current.last_b, follows.last_line),
                current.prints + 1,
            )
            continue
        if current is not None:
            fragments.append(current)
        other = places[0]
        current = Fragment(
            found.path, found.first_line, found.last_line, other.path, other.first_line, other.last_line, 1
        )
    if current is not None:
        fragments.append(current)
    return fragments


def _continues(current: Fragment, a: Print, b: Print) -> bool:
    """Whether fingerprint a (matched at b) extends the fragment on both sides."""
    return (
        a.path == current.path_a
        and b.path == current.path_b
        and a.first_line <= current.last_a + 1
        and current.first_b - 1 <= b.first_line <= current.last_b + 1
    )

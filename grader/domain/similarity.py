"""Similar submissions, the pure part: settings, winnowed fingerprints of token streams, and
each submission's fingerprints with what is left out (its starter code, code most of the class
shares).

Winnowing (Schleimer, Wilkerson and Aiken, 2003; the method of MOSS): hash every run of ``k``
consecutive tokens, then keep the smallest hash of every ``window`` consecutive hashes. Any match
of at least ``k + window - 1`` tokens is guaranteed to share a fingerprint, and nothing shorter
than ``k`` tokens is ever matched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

VERDICTS = ("dismissed", "to discuss", "confirmed")
"""What a grader may decide about a pair; the latest verdict is in force."""
VERDICT_RECORDED = "similarity verdict"
"""The audit action of a verdict on a pair."""
ALGORITHM = "winnow-1"
"""Changes whenever tokenising or fingerprinting changes, so cached pairs are computed again."""
LISTED_PAIRS = 40
"""Pairs ``grader similarity`` lists, and ``grader export similarity`` includes, unless told (--limit)."""


@dataclass(frozen=True)
class Settings:
    """How a run compares submissions; part of every cached pair's key."""

    k: int = 12
    """Tokens per hashed run (shorter matches are noise)."""
    window: int = 8
    """Hashes per winnowing window (a match of k + window - 1 tokens is always found)."""
    min_lines: int = 3
    """Fragments shorter than this (on either side) are not reported."""
    shared_share: Decimal = Decimal("0.5")
    """Code found in more than this share of the class is left out (never code only two share)."""
    floor: Decimal = Decimal("0.05")
    """Pairs below this similarity on both sides are not kept."""

    def as_dict(self) -> dict[str, object]:
        return {
            "algorithm": ALGORITHM,
            "k": self.k,
            "window": self.window,
            "min_lines": self.min_lines,
            "shared_share": str(self.shared_share),
            "floor": str(self.floor),
        }

    def digest(self) -> str:
        """A short stable hash of the settings (and the algorithm's version)."""
        text = json.dumps(self.as_dict(), sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def settings_problem(settings: Settings) -> str | None:
    """Why the settings cannot be used, or None."""
    if settings.min_lines < 1:
        return f"--min-lines must be at least 1 (got {settings.min_lines})"
    if not Decimal(0) < settings.shared_share <= Decimal(1):
        return f"the shared share must be above 0 and at most 1 (got {settings.shared_share})"
    if settings.k < 2 or settings.window < 1:
        return "k must be at least 2 and the window at least 1"
    return None


@dataclass(frozen=True)
class FileTokens:
    """One file's normalised tokens: a symbol id and the line (1-based) of each."""

    path: str
    symbols: tuple[int, ...]
    lines: tuple[int, ...]


@dataclass(frozen=True)
class Print:
    """One fingerprint kept by winnowing: its hash and where its tokens lie."""

    hash: int
    path: str
    first_line: int
    last_line: int


def winnow(tokens: FileTokens, k: int, window: int) -> list[Print]:
    """The file's fingerprints, in file order (a file shorter than ``k`` tokens has none)."""
    symbols, lines = tokens.symbols, tokens.lines
    count = len(symbols) - k + 1
    if count <= 0:
        return []
    hashes = [hash(symbols[i : i + k]) for i in range(count)]
    chosen: list[int] = []
    last = -1
    for start in range(max(1, count - window + 1)):
        span = hashes[start : start + window]
        smallest = min(span)
        # the rightmost smallest, as the paper does, so a run of equal hashes yields few prints
        at = start + len(span) - 1 - span[::-1].index(smallest)
        if at != last:
            chosen.append(at)
            last = at
    return [Print(hashes[i], tokens.path, lines[i], lines[i + k - 1]) for i in chosen]


@dataclass(frozen=True)
class Submission:
    """One side of a comparison: its fingerprints, and what of them counts."""

    key: str
    """The student id (this assignment) or a label for an earlier submission."""
    commit: str
    """The graded commit, or a digest of a folder's contents."""
    prints: tuple[Print, ...]
    starter: frozenset[int] = frozenset()
    """Hashes of the code the student began from (left out)."""
    skipped: tuple[tuple[str, str], ...] = ()
    """(path, reason) of each file not compared."""
    in_class: bool = True
    """False for an earlier term's or another folder's submission (compared with the class only)."""
    hashes: frozenset[int] = field(init=False)
    """Its fingerprints' hashes, the starter's left out."""
    where: dict[int, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    """Hash → positions in ``prints`` (for merging fragments without scanning every print)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "hashes", frozenset(p.hash for p in self.prints) - self.starter)
        where: dict[int, list[int]] = {}
        for index, found in enumerate(self.prints):
            where.setdefault(found.hash, []).append(index)
        object.__setattr__(self, "where", {value: tuple(places) for value, places in where.items()})


def shared_hashes(submissions: Sequence[Submission], share: Decimal) -> frozenset[int]:
    """Hashes found in more than ``share`` of the class's submissions (and in more than two,
    so a copied pair is never mistaken for shared code)."""
    in_class = [s for s in submissions if s.in_class]
    limit = max(2, int(share * len(in_class)))
    counts: dict[int, int] = {}
    for submission in in_class:
        for value in submission.hashes:
            counts[value] = counts.get(value, 0) + 1
    return frozenset(value for value, seen in counts.items() if seen > limit)


def exclusion_digest(hashes: Iterable[int]) -> str:
    """A stable digest of a set of left-out hashes (part of a cached pair's key)."""
    text = ",".join(str(value) for value in sorted(hashes))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]

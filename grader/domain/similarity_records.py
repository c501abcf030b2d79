"""Similar submissions as the gradebook keeps them: cached pair results, runs and verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from grader.domain.similarity_pairs import Fragment, PairScore


@dataclass(frozen=True)
class PairKey:
    """What a cached pair result depends on: the two sides' commits and the run's settings
    (with what was left out of each side)."""

    assignment_id: str
    a: str
    b: str
    commit_a: str
    commit_b: str
    cache_key: str


@dataclass(frozen=True)
class StoredPair:
    id: int
    key: PairKey
    score: PairScore
    source_b: str
    """Where b's files are: "" (this assignment), ``assignment:ID`` or ``folder:PATH``."""


@dataclass(frozen=True)
class SimilarityRun:
    assignment_id: str
    at: datetime
    actor: str
    settings: dict[str, object]
    pair_ids: tuple[int, ...]
    compared: int
    reused: int


@dataclass(frozen=True)
class Verdict:
    assignment_id: str
    a: str
    b: str
    verdict: str
    note: str
    actor: str
    at: datetime


def ordered(a: str, b: str) -> tuple[str, str]:
    """A pair's two student ids in the order it is kept in."""
    return (a, b) if a <= b else (b, a)


def fragments_to_json(fragments: tuple[Fragment, ...]) -> list[list[object]]:
    return [[f.path_a, f.first_a, f.last_a, f.path_b, f.first_b, f.last_b, f.prints] for f in fragments]


def fragments_from_json(rows: object) -> tuple[Fragment, ...]:
    """Fragments as stored (rows of seven values); anything else reads as none."""
    if not isinstance(rows, list):
        return ()
    found = []
    for row in rows:
        if isinstance(row, list) and len(row) == 7:
            path_a, first_a, last_a, path_b, first_b, last_b, prints = row
            found.append(
                Fragment(
                    str(path_a),
                    int(first_a),
                    int(last_a),
                    str(path_b),
                    int(first_b),
                    int(last_b),
                    int(prints),
                )
            )
    return tuple(found)


def swapped(score: PairScore) -> PairScore:
    """The same pair seen from b's side."""
    fragments = tuple(
        Fragment(f.path_b, f.first_b, f.last_b, f.path_a, f.first_a, f.last_a, f.prints)
        for f in score.fragments
    )
    return PairScore(score.b, score.a, score.similarity_b, score.similarity_a, fragments)

"""What each student's code does under its tests: the spread of autograde results the demo shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from grader.demo.cases import Case
from grader.demo.seeding import seeded


class Work(StrEnum):
    SOLID = "solid"
    EDGE_SLIPS = "edge-slips"
    SHAKY = "shaky"
    ENDLESS = "endless"
    UNTESTED = "untested"


DESCRIPTIONS = {
    Work.SOLID: "every test passes",
    Work.EDGE_SLIPS: "one or two edge cases fail (division by zero, negative numbers, decimals…)",
    Work.SHAKY: "many tests fail (at least three)",
    Work.ENDLESS: "an infinite loop under one test: the check times out",
    Work.UNTESTED: "no tests folder at all",
}

COMPLETE = frozenset(Case) - {Case.MISSING, Case.EMPTY, Case.FORCE_PUSHED}
"""Cases whose graded commit holds the whole work (or all of it but the closing README step).

A force-pushed submission is graded at the commit before the rewritten one, so part of its work
may be missing from what the autograder runs: it never carries a required outcome.
"""


@dataclass(frozen=True)
class Spread:
    required: tuple[Work, ...]
    """Outcomes shown at least once (in this order of priority) when enough students submitted."""
    weights: Mapping[Work, int]
    """How the other submissions are spread."""


USUAL = {Work.SOLID: 6, Work.EDGE_SLIPS: 3, Work.SHAKY: 1}
STARTER_CHECKED = {Work.SOLID: 8, Work.EDGE_SLIPS: 2}
"""Students who were given the checks run them before submitting: most pass them all."""
ORDINARY_FIRST = 4
"""The first students on the roster (every list opens on them) never carry a required outcome:
their checks run quickly and ordinarily."""

SPREADS = {
    "a1-calculator": Spread(
        (Work.ENDLESS, Work.UNTESTED, Work.SHAKY, Work.EDGE_SLIPS, Work.SHAKY, Work.EDGE_SLIPS), USUAL
    ),
    "a2-webpage": Spread((Work.SHAKY, Work.EDGE_SLIPS, Work.EDGE_SLIPS), STARTER_CHECKED),
    "a3-dataanalysis": Spread((Work.UNTESTED, Work.SHAKY, Work.EDGE_SLIPS, Work.EDGE_SLIPS), USUAL),
}
"""By assignment id. The webpage's checks are the starter's: nobody loops or drops them."""


def _quota(weights: Mapping[Work, int], count: int) -> list[Work]:
    """``count`` outcomes in the proportions of ``weights`` (largest remainders round up)."""
    total = sum(weights.values())
    exact = {work: count * weight / total for work, weight in weights.items()}
    shares = {work: int(share) for work, share in exact.items()}
    by_remainder = sorted(weights, key=lambda work: shares[work] - exact[work])
    for work in by_remainder[: count - sum(shares.values())]:
        shares[work] += 1
    return [work for work in weights for _ in range(shares[work])]


def assign_work(assignment_id: str, cases: Sequence[Case], seed: int) -> list[Work | None]:
    """The outcome of each student's code (by roster position); None where nothing was submitted.

    The required outcomes go to submissions graded on their whole work (in a seeded order); the
    others are spread in the proportions of the weights.
    """
    spread = SPREADS[assignment_id]
    rng = seeded(seed, "work", assignment_id)
    complete = [index for index, case in enumerate(cases) if case in COMPLETE and index >= ORDINARY_FIRST]
    rng.shuffle(complete)
    required = dict(zip(complete, spread.required, strict=False))
    others = [
        index
        for index, case in enumerate(cases)
        if case not in (Case.MISSING, Case.EMPTY) and index not in required
    ]
    drawn = _quota(spread.weights, len(others))
    rng.shuffle(drawn)
    work: list[Work | None] = [None] * len(cases)
    for index, outcome in [*required.items(), *zip(others, drawn, strict=True)]:
        work[index] = outcome
    return work

"""The submission histories the demo shows, and which student gets which."""

from __future__ import annotations

from enum import StrEnum

from grader.demo.seeding import seeded


class Case(StrEnum):
    ON_TIME = "on-time"
    KEPT_COMMITTING = "kept-committing"
    LATE_IN_GRACE = "late-in-grace"
    LATE_MINUTES = "late-minutes"
    LATE_1_DAY = "late-1-day"
    LATE_2_DAYS = "late-2-days"
    LATE_BEYOND_MAX = "late-beyond-max"
    MISSING = "missing"
    EMPTY = "empty"
    FORCE_PUSHED = "force-pushed"
    ODD_NAMES = "odd-names"


DESCRIPTIONS = {
    Case.ON_TIME: "several commits over days, the last one before the deadline",
    Case.KEPT_COMMITTING: "on time, then more commits after the deadline (not graded)",
    Case.LATE_IN_GRACE: "every commit after the deadline, the last one within the grace minutes",
    Case.LATE_MINUTES: "every commit past the grace period, the last one minutes past it",
    Case.LATE_1_DAY: "every commit after the deadline, the last one less than a day late",
    Case.LATE_2_DAYS: "every commit after the deadline, the last one between one and two days late",
    Case.LATE_BEYOND_MAX: "every commit after the deadline, the last one past the late policy's max_days",
    Case.MISSING: "no repository at all",
    Case.EMPTY: "a repository without any commit",
    Case.FORCE_PUSHED: (
        "on time, then the last commit amended and force-pushed after the deadline: "
        "the head seen before is no longer in the history"
    ),
    Case.ODD_NAMES: "on time, with files named with spaces, other scripts, a leading dash, over 200 bytes",
}

LATE_CASES = frozenset(
    {Case.LATE_IN_GRACE, Case.LATE_MINUTES, Case.LATE_1_DAY, Case.LATE_2_DAYS, Case.LATE_BEYOND_MAX}
)

SPECIAL = tuple(case for case in Case if case is not Case.ON_TIME)
"""Every assignment with enough students shows each of these at least once."""

WEIGHTS = {case: 2 for case in SPECIAL} | {Case.ON_TIME: 110}
"""How the remaining students are spread over the cases."""


def assign_cases(assignment_id: str, student_count: int, seed: int) -> list[Case]:
    """The case of each student (by roster position) for one assignment."""
    rng = seeded(seed, "cases", assignment_id)
    order = list(range(student_count))
    rng.shuffle(order)
    cases = [Case.ON_TIME] * student_count
    population = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in population]
    for rank, index in enumerate(order):
        if rank < len(SPECIAL):
            cases[index] = SPECIAL[rank]
        else:
            cases[index] = rng.choices(population, weights)[0]
    return cases

"""A class's counts from the per-submission summaries: statuses, score histogram, badges earned.

Counting reads summaries (grader.gradebook.summary), not grades: a grouped query per assignment
for the statuses and scores, one streamed read of the mastery evidence for the badges. Summaries
that miss the current stamp (a rubric or late policy edited, a write that left them stale) are
recomputed first, a chunk at a time, yielding Progress so a caller can show it (and stop by no
longer iterating). Students not on the roster are left out; a roster student without a summary
has nothing saved and was never pulled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from grader.domain.course import Assignment
from grader.domain.mastery import BadgeEvaluation, BadgeStatus, StudentMastery, Withheld
from grader.domain.progress import Progress
from grader.gradebook.badges import BadgeJudge, chunks, sums_mastery, withheld_of
from grader.gradebook.context import CourseContext
from grader.gradebook.status import GRADED, SubmissionStatus
from grader.gradebook.summary import (
    CHUNK,
    SummarySpec,
    nothing_saved,
    recompute,
    refresh_stale,
    summary_spec,
)
from grader.store.summary_values import StudentSums, SummaryGroup

SCORE_BINS = 10
"""The histogram's bins: tenths of the maximum score, a perfect score in the top one."""
REFRESHES = 3
"""Passes over summaries gone stale meanwhile (another grader saving under other course files)
before the rest are computed in memory for this count."""


@dataclass(frozen=True)
class AssignmentCounts:
    """One assignment over the whole roster."""

    assignment_id: str
    total: int
    pulled: int
    """Submissions with a graded commit."""
    graded: int
    statuses: dict[str, int]
    """How many submissions have each status (only statuses that occur)."""
    bins: tuple[int, ...]
    """Graded submissions by score / maximum, in SCORE_BINS equal bins from 0 to 100 %."""
    refused: str = ""
    """Why the rubric edit is refused, when it is (no scores, so no histogram, then)."""


@dataclass(frozen=True)
class BadgeCounts:
    badge_id: str
    earned: int
    undetermined: int
    not_yet: int
    eligible: int
    """Every roster student is eligible for every badge."""


def bin_of(score: Decimal | None, max_score: Decimal, bins: int = SCORE_BINS) -> int | None:
    """The histogram bin of a score (exact: 70 of 100 is in the 70 % bin), else None."""
    if score is None or max_score <= 0:
        return None
    fraction = min(max(Fraction(score) / Fraction(max_score), Fraction(0)), Fraction(1))
    return min(int(fraction * bins), bins - 1)


def score_bin(row: SubmissionStatus, bins: int = SCORE_BINS) -> int | None:
    """The histogram bin of a scored row, else None."""
    return bin_of(row.score, row.max_score, bins)


def _census(
    ctx: CourseContext, spec: SummarySpec, *, chunk: int
) -> Iterator[Progress | tuple[list[SummaryGroup], int]]:
    """Progress while stale summaries are recomputed, then the roster's summary groups, all at
    the current stamp (those gone stale again meanwhile are computed in memory), and how many
    roster students have a summary."""
    aid = spec.assignment.id
    on_roster = ctx.files.students_by_id
    found, present = ctx.store.summaries.census(aid, on_roster)
    for _ in range(REFRESHES):
        if all(g.stamp == spec.stamp for g in found):
            yield found, present
            return
        yield from refresh_stale(ctx, spec, chunk=chunk, message=aid)
        found, present = ctx.store.summaries.census(aid, on_roster)
    still = [s for s in ctx.store.summaries.student_ids(aid, not_at=spec.stamp) if s in on_roster]
    computed = Counter(
        (s.status, s.pulled, s.score, s.max_score) for s in recompute(ctx, spec, still).values()
    )
    kept = [g for g in found if g.stamp == spec.stamp]
    yield kept + [SummaryGroup(spec.stamp, *values, count) for values, count in computed.items()], present


def count_assignment(
    ctx: CourseContext, assignment: Assignment, *, chunk: int = CHUNK
) -> Iterator[Progress | AssignmentCounts]:
    """Progress (message: the assignment id), then the assignment's counts over the roster.

    The same figures as ``status_row`` gives every roster student (``submission_statuses``).
    """
    spec = summary_spec(ctx, assignment.id)
    students = ctx.files.students
    yield Progress(0, len(students), assignment.id)
    groups: list[SummaryGroup] = []
    present = 0
    for found in _census(ctx, spec, chunk=chunk):
        if isinstance(found, Progress):
            yield found
        else:
            groups, present = found
    counted = Counter({(g.status, g.pulled, g.score, g.max_score): g.count for g in groups})
    nothing = nothing_saved(spec)
    counted[(nothing.status, nothing.pulled, nothing.score, nothing.max_score)] += len(students) - present
    statuses: Counter[str] = Counter()
    bins = [0] * SCORE_BINS
    pulled = 0
    for (status, is_pulled, score, max_score), count in counted.items():
        if count <= 0:
            continue
        statuses[status] += count
        pulled += count if is_pulled else 0
        if status == GRADED and not spec.refused and (found_bin := bin_of(score, max_score)) is not None:
            bins[found_bin] += count
    yield Progress(len(students), len(students), assignment.id)
    yield AssignmentCounts(
        assignment.id, len(students), pulled, statuses[GRADED], dict(statuses), tuple(bins), spec.refused
    )


def count_assignments(ctx: CourseContext, *, chunk: int = CHUNK) -> Iterator[Progress | AssignmentCounts]:
    """``count_assignment`` for every assignment of the course, in course order."""
    for assignment in ctx.files.course.assignments:
        yield from count_assignment(ctx, assignment, chunk=chunk)


@dataclass(frozen=True)
class _Course:
    """What the badge counts read: the assignments counted, by id, and what is withheld."""

    counted: dict[str, SummarySpec]
    withheld: Withheld


def _course(ctx: CourseContext, chunk: int) -> Generator[Progress, None, _Course]:
    """Progress while the summaries are brought up to date; returns what to read them with."""
    files = ctx.files
    yield Progress(0, len(files.students), "badges")
    specs = [summary_spec(ctx, a.id) for a in files.course.assignments]
    counted = {s.assignment.id: s for s in specs if not s.refused}
    withheld = withheld_of(files, (s.assignment.id for s in specs if s.refused))
    for spec in counted.values():
        yield from refresh_stale(ctx, spec, chunk=chunk, message="badges")
    return _Course(counted, withheld)


def _student_sums(ctx: CourseContext, course: _Course) -> Iterator[StudentSums]:
    """Each roster student with a summary: their evidence summed, streamed by student id (a
    summary gone stale since the refresh is computed here)."""
    stamps = {assignment_id: spec.stamp for assignment_id, spec in course.counted.items()}
    for sums in ctx.store.summaries.mastery_by_student(stamps, ctx.files.students_by_id):
        for assignment_id in sums.outdated:
            found = recompute(ctx, course.counted[assignment_id], [sums.student_id])
            if sums.student_id in found:
                sums.add(assignment_id, found[sums.student_id])
        yield sums


def badge_evaluations(
    ctx: CourseContext, *, chunk: int = CHUNK
) -> Iterator[Progress | tuple[BadgeEvaluation, ...]]:
    """Every roster student's badge evaluations, a chunk of students at a time.

    Yields Progress (students done / roster size), then that chunk's evaluations (one per
    student and badge, in roster then course order), and so on. Judged by the one evaluator
    (``BadgeJudge``, as ``mastery_report``): an assignment whose rubric edit is refused is
    withheld, excused work counts nowhere and blocks no badge. Skill figures carry their sums,
    not the criteria behind them.
    """
    course = yield from _course(ctx, chunk)
    figures = {sums.student_id: sums_mastery(sums) for sums in _student_sums(ctx, course)}
    students = ctx.files.students
    judge = BadgeJudge(ctx.files.course.badges, course.withheld)
    empty = StudentMastery()
    done = 0
    for part in chunks(students, chunk):
        evaluations = [
            evaluation
            for student in part
            for evaluation in judge.evaluations(student.student_id, figures.get(student.student_id, empty))
        ]
        done += len(part)
        yield Progress(done, len(students), "badges")
        yield tuple(evaluations)


def count_badges(ctx: CourseContext, *, chunk: int = CHUNK) -> Iterator[Progress | list[BadgeCounts]]:
    """Progress while summaries are brought up to date, then how many students earned each badge.

    A badge's status depends only on whether each of its skills has a figure that meets its
    threshold and on which of its assignments are graded: students alike in that are judged
    once (by ``evaluate_badge``), and each figure is compared with each threshold once. The
    students' sums are streamed, one student in memory at a time.
    """
    course = yield from _course(ctx, chunk)
    students = ctx.files.students
    badges = ctx.files.course.badges
    judge = BadgeJudge(badges, course.withheld)
    statuses: Counter[tuple[str, BadgeStatus]] = Counter()
    seen = 0
    for sums in _student_sums(ctx, course):
        seen += 1
        for badge in badges:
            statuses[(badge.id, judge.status(badge, sums))] += 1
    nothing = StudentSums("")  # roster students without any summary
    for badge in badges:
        statuses[(badge.id, judge.status(badge, nothing))] += len(students) - seen
    yield Progress(len(students), len(students), "badges")
    yield [
        BadgeCounts(
            b.id,
            statuses[(b.id, BadgeStatus.EARNED)],
            statuses[(b.id, BadgeStatus.UNDETERMINED)],
            statuses[(b.id, BadgeStatus.NOT_YET)],
            len(students),
        )
        for b in badges
    ]

"""A class's counts a chunk of students at a time: statuses, score histogram, badges earned.

At 100,000 students reading a whole assignment's grades at once takes a minute and a gigabyte;
these generators read ``chunk`` students at a time (memory bounded by the chunk), yield
``Progress`` between chunks (so a caller can show it, and stop by no longer iterating), and
finally yield the counts. They never read a whole class (``store.grades`` / ``pull_states``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from grader.domain.course import Assignment
from grader.domain.errors import RubricChangeRefused
from grader.domain.mastery import (
    BadgeEvaluation,
    BadgeStatus,
    Choices,
    StudentMastery,
    Withheld,
    course_mastery,
    evaluate_badge,
)
from grader.domain.progress import Progress
from grader.domain.roster import Student
from grader.domain.rubric import Rubric
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import rubric_in_force
from grader.gradebook.status import GRADED, SubmissionStatus, status_row

CHUNK = 2_000
"""Students read per step: two queries' worth of rows in memory, a fraction of a second each."""
SCORE_BINS = 10
"""The histogram's bins: tenths of the maximum score, a perfect score in the top one."""


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


@dataclass
class _Tally:
    total: int = 0
    pulled: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    bins: list[int] = field(default_factory=lambda: [0] * SCORE_BINS)

    def add(self, row: SubmissionStatus) -> None:
        self.total += 1
        self.pulled += row.graded_commit is not None
        self.statuses[row.status] += 1
        if row.status == GRADED and (found := score_bin(row)) is not None:
            self.bins[found] += 1


def score_bin(row: SubmissionStatus, bins: int = SCORE_BINS) -> int | None:
    """The histogram bin of a scored row (exact: 70 of 100 is in the 70 % bin), else None."""
    if row.score is None or row.max_score <= 0:
        return None
    fraction = min(max(Fraction(row.score) / Fraction(row.max_score), Fraction(0)), Fraction(1))
    return min(int(fraction * bins), bins - 1)


def chunks(students: Sequence[Student], size: int) -> Iterator[Sequence[Student]]:
    for start in range(0, len(students), size):
        yield students[start : start + size]


def _rubric(ctx: CourseContext, assignment_id: str) -> tuple[Rubric, str]:
    """The rubric to score with, and why an edit is refused ("" when it is not)."""
    try:
        return rubric_in_force(ctx, assignment_id), ""
    except RubricChangeRefused as refusal:
        return ctx.files.rubric(assignment_id), str(refusal)


def count_assignment(
    ctx: CourseContext, assignment: Assignment, *, chunk: int = CHUNK
) -> Iterator[Progress | AssignmentCounts]:
    """Progress (message: the assignment id) after each chunk, then the assignment's counts.

    The same statuses as ``submission_statuses`` (``status_row`` on the same rubric), read by
    ``grades_of`` / ``pull_states_of`` a chunk of the roster at a time.
    """
    rubric, refused = _rubric(ctx, assignment.id)
    students = ctx.files.students
    tally = _Tally()
    yield Progress(0, len(students), assignment.id)
    for part in chunks(students, chunk):
        ids = [s.student_id for s in part]
        grades = ctx.store.grades_of(assignment.id, ids)
        pulls = ctx.store.pull_states_of(assignment.id, ids)
        for student in part:
            sid = student.student_id
            tally.add(status_row(assignment, rubric, student, grades.get(sid), pulls.get(sid), bool(refused)))
        yield Progress(tally.total, len(students), assignment.id)
    yield AssignmentCounts(
        assignment.id,
        tally.total,
        tally.pulled,
        tally.statuses[GRADED],
        dict(tally.statuses),
        tuple(tally.bins) if not refused else (0,) * SCORE_BINS,
        refused,
    )


def count_assignments(ctx: CourseContext, *, chunk: int = CHUNK) -> Iterator[Progress | AssignmentCounts]:
    """``count_assignment`` for every assignment of the course, in course order."""
    for assignment in ctx.files.course.assignments:
        yield from count_assignment(ctx, assignment, chunk=chunk)


def badge_evaluations(
    ctx: CourseContext, *, chunk: int = CHUNK
) -> Iterator[Progress | tuple[BadgeEvaluation, ...]]:
    """Every roster student's badge evaluations, a chunk of students at a time.

    Yields Progress (students done / roster size), then that chunk's evaluations (one per
    student and badge, in roster then course order), and so on. Decided as ``mastery_report``
    decides them: an assignment whose rubric edit is refused is withheld, excused work counts
    nowhere and blocks no badge.
    """
    files = ctx.files
    rubrics: dict[str, Rubric] = {}
    refused: list[str] = []
    for assignment in files.course.assignments:
        rubric, why = _rubric(ctx, assignment.id)
        if why:
            refused.append(assignment.id)
        else:
            rubrics[assignment.id] = rubric
    withheld = Withheld(
        frozenset(refused),
        frozenset(skill for a in refused for c in files.rubric(a).criteria for skill in c.skills),
    )
    students = files.students
    done = 0
    yield Progress(0, len(students), "badges")
    for part in chunks(students, chunk):
        ids = [s.student_id for s in part]
        grades: dict[str, dict[str, Choices]] = {}
        excused: dict[str, set[str]] = {}
        for assignment_id in rubrics:
            saved = ctx.store.grades_of(assignment_id, ids)
            grades[assignment_id] = {sid: g.choices for sid, g in saved.items() if not g.excused}
            for sid, g in saved.items():
                if g.excused:
                    excused.setdefault(sid, set()).add(assignment_id)
        computed = course_mastery(rubrics, grades)
        evaluations: list[BadgeEvaluation] = []
        for sid in ids:
            figures = computed.get(sid) or StudentMastery()
            if sid in excused:  # excused work counts nowhere, and blocks no badge
                figures = replace(figures, graded_assignments=figures.graded_assignments | excused[sid])
            evaluations.extend(evaluate_badge(badge, sid, figures, withheld) for badge in files.course.badges)
        done += len(part)
        yield Progress(done, len(students), "badges")
        yield tuple(evaluations)


def count_badges(ctx: CourseContext, *, chunk: int = CHUNK) -> Iterator[Progress | list[BadgeCounts]]:
    """Progress between chunks, then how many students earned each badge (course order)."""
    statuses: Counter[tuple[str, BadgeStatus]] = Counter()
    for found in badge_evaluations(ctx, chunk=chunk):
        if isinstance(found, Progress):
            yield found
        else:
            statuses.update((e.badge_id, e.status) for e in found)
    eligible = len(ctx.files.students)
    yield [
        BadgeCounts(
            b.id,
            statuses[(b.id, BadgeStatus.EARNED)],
            statuses[(b.id, BadgeStatus.UNDETERMINED)],
            statuses[(b.id, BadgeStatus.NOT_YET)],
            eligible,
        )
        for b in ctx.files.course.badges
    ]

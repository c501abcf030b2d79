"""Chunked counts of a 20,000-student course equal the whole-class reads, without making them."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from grader.domain.choices import CriterionChoice
from grader.domain.events import ChoiceChange, EventSource
from grader.domain.mastery import BadgeStatus
from grader.domain.progress import Progress
from grader.domain.pulls import PullState
from grader.domain.rubric import CriterionKind
from grader.domain.submission import Observation
from grader.gradebook.context import CourseContext, open_course, utc_now
from grader.gradebook.counts import (
    SCORE_BINS,
    AssignmentCounts,
    BadgeCounts,
    count_assignments,
    count_badges,
    score_bin,
)
from grader.gradebook.flagging import set_excused, set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.mastery import mastery_report
from grader.gradebook.status import GRADED, SubmissionStatus, submission_statuses

PROJECT = Path(__file__).resolve().parents[2]
STUDENTS = 20_000
CHUNK = 3_000
"""Not a divisor of STUDENTS: the last chunk is a short one."""


def best(ctx: CourseContext, assignment_id: str, student_id: str, *, worst: bool = False) -> None:
    """Grade every manual criterion, at the top (or the bottom) of its scale."""
    for criterion in ctx.files.rubric(assignment_id).manual_criteria:
        if criterion.kind is CriterionKind.LEVELS:
            levels = sorted(criterion.levels, key=lambda level: level.points)
            request = ChoiceRequest(level=(levels[0] if worst else levels[-1]).label)
        elif criterion.kind is CriterionKind.CHECKLIST:
            # A checklist of deductions is best with nothing ticked; one of additions, all.
            ticked = worst if criterion.deducts else not worst
            request = ChoiceRequest(items=tuple(i.label for i in criterion.items) if ticked else ())
        else:
            request = ChoiceRequest(points=Decimal(0) if worst else criterion.max_points)
        record_choice(ctx, assignment_id, student_id, criterion.id, request)
    rubric = ctx.files.rubric(assignment_id)
    ran = [
        ChoiceChange(
            assignment_id, student_id, c.id, CriterionChoice(points=Decimal(0) if worst else c.max_points)
        )
        for c in rubric.criteria
        if c.kind is CriterionKind.AUTOGRADED
    ]
    ctx.store.save(
        ran, actor="autograder", rubric_hash=rubric.content_hash, source=EventSource.AUTOGRADER, now=utc_now()
    )


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("counts") / "course"
    script = PROJECT / "benchmarks" / "make_course.py"
    subprocess.run([sys.executable, str(script), str(root), "--students", str(STUDENTS)], check=True)
    with open_course(root, actor="ta-test") as ctx:
        ids = [s.student_id for s in ctx.files.students]
        a1, a2, a3 = (a.id for a in ctx.files.course.assignments)
        # Students on both sides of chunk borders, and in the last, short chunk.
        for sid in (ids[0], ids[CHUNK - 1], ids[CHUNK], ids[-1]):
            best(ctx, a1, sid)
            best(ctx, a3, sid)
        best(ctx, a1, ids[7], worst=True)
        record_choice(
            ctx,
            a2,
            ids[CHUNK + 1],
            ctx.files.rubric(a2).manual_criteria[0].id,
            ChoiceRequest(level=ctx.files.rubric(a2).manual_criteria[0].levels[0].label),
        )
        set_flag(ctx, a1, ids[9], "looks copied")
        set_excused(ctx, a1, ids[-1], True, "medical")
        seen = datetime(2030, 1, 1, tzinfo=UTC)
        ctx.store.record_pulls(
            [
                (
                    Observation(seen, "cloned", sha="a" * 40),
                    PullState(a1, sid, "cloned", "", "a" * 40, 0, (), seen, "a" * 40),
                )
                for sid in ids[: CHUNK + 5]
            ]
        )
    return root


class CountingStore:
    """The real store, refusing whole-class reads and recording how many ids each read asks for."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.asked: list[int] = []

    def grades(self, *args: object) -> object:
        raise AssertionError("grades(): a whole class read")

    def pull_states(self, *args: object) -> object:
        raise AssertionError("pull_states(): a whole class read")

    def grades_of(self, assignment_id: str, student_ids: Sequence[str]) -> object:
        self.asked.append(len(student_ids))
        return self.store.grades_of(assignment_id, student_ids)

    def pull_states_of(self, assignment_id: str, student_ids: Sequence[str]) -> object:
        self.asked.append(len(student_ids))
        return self.store.pull_states_of(assignment_id, student_ids)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


@pytest.fixture
def ctx(course: Path) -> Iterator[CourseContext]:
    with open_course(course, actor="ta-test") as opened:
        yield opened


def chunked(ctx: CourseContext) -> tuple[CourseContext, CountingStore]:
    wrapper = CountingStore(ctx.store)
    return CourseContext(ctx.files, wrapper, ctx.actor), wrapper  # type: ignore[arg-type]


def expected(rows: list[SubmissionStatus]) -> tuple[int, int, dict[str, int], tuple[int, ...]]:
    bins = [0] * SCORE_BINS
    for row in rows:
        if row.status == GRADED and row.score is not None:
            fraction = min(max(row.score / row.max_score, Decimal(0)), Decimal(1))
            bins[min(int(fraction * SCORE_BINS), SCORE_BINS - 1)] += 1
    statuses = dict(Counter(r.status for r in rows))
    return (
        sum(1 for r in rows if r.graded_commit),
        sum(1 for r in rows if r.status == GRADED),
        statuses,
        tuple(bins),
    )


def test_assignment_counts_equal_the_statuses_without_a_whole_class_read(ctx: CourseContext) -> None:
    counting, wrapper = chunked(ctx)
    found = list(count_assignments(counting, chunk=CHUNK))
    counts = [f for f in found if isinstance(f, AssignmentCounts)]
    assert [c.assignment_id for c in counts] == [a.id for a in ctx.files.course.assignments]
    for summary in counts:
        rows = submission_statuses(ctx, [summary.assignment_id])
        pulled, graded, statuses, bins = expected(rows)
        assert (summary.total, summary.pulled, summary.graded) == (STUDENTS, pulled, graded)
        assert summary.statuses == statuses
        assert summary.bins == bins
        assert summary.refused == ""
    a1 = counts[0]
    assert (a1.pulled, a1.graded) == (CHUNK + 5, 4)  # ids[-1] is excused, ids[7] graded at the bottom
    assert a1.statuses["flagged"] == 1 and a1.statuses["excused"] == 1
    assert a1.bins == (1, 0, 0, 0, 0, 0, 0, 0, 0, 3)
    assert counts[1].statuses == {"not pulled": STUDENTS - 1, "in progress": 1}
    # Memory is bounded by the chunk: every read asks for at most CHUNK students.
    assert wrapper.asked and max(wrapper.asked) <= CHUNK
    assert sum(wrapper.asked) == 2 * 3 * STUDENTS
    # Progress between chunks, per assignment, up to the whole roster.
    a1_progress = [f.done for f in found if isinstance(f, Progress) and f.message == a1.assignment_id]
    assert a1_progress == [0, 3000, 6000, 9000, 12000, 15000, 18000, 20000]


def test_badge_counts_equal_the_mastery_report_without_a_whole_class_read(ctx: CourseContext) -> None:
    counting, wrapper = chunked(ctx)
    found = list(count_badges(counting, chunk=CHUNK))
    *progress, result = found
    assert [p.done for p in progress if isinstance(p, Progress)] == [
        0,
        *range(CHUNK, STUDENTS, CHUNK),
        STUDENTS,
    ]
    assert isinstance(result, list) and all(isinstance(b, BadgeCounts) for b in result)
    report = mastery_report(ctx)
    statuses = Counter((e.badge_id, e.status) for e in report.evaluations())
    for badge in result:
        assert badge.eligible == STUDENTS
        assert badge.earned == statuses[(badge.badge_id, BadgeStatus.EARNED)]
        assert badge.not_yet == statuses[(badge.badge_id, BadgeStatus.NOT_YET)]
        assert badge.undetermined == statuses[(badge.badge_id, BadgeStatus.UNDETERMINED)]
    assert result[0].earned >= 1, "the top-graded students earn the first badge"
    assert max(wrapper.asked) <= CHUNK


def test_counting_stops_when_the_caller_stops(ctx: CourseContext) -> None:
    counting, wrapper = chunked(ctx)
    for found in count_assignments(counting, chunk=CHUNK):
        if isinstance(found, Progress) and found.done >= 2 * CHUNK:
            break
    assert sum(wrapper.asked) == 2 * 2 * CHUNK, "nothing is read past the chunk the caller stopped at"


def test_score_bins_are_exact_tenths() -> None:
    def row(score: str, maximum: str = "100") -> SubmissionStatus:
        return SubmissionStatus(
            "a", "s", "n", GRADED, Decimal(score), Decimal(maximum), Decimal(0), None, None, (), ()
        )

    assert [score_bin(row(s)) for s in ("0", "9.99", "10", "70", "99.9", "100", "120", "-5")] == [
        0,
        0,
        1,
        7,
        9,
        9,
        9,
        0,
    ]
    assert score_bin(row("2", "3")) == 6 and score_bin(row("1", "0")) is None

"""SubmissionList: rows read a page at a time, filters over the class, next ungraded / flagged."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from grader.demo import build_demo_course
from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.flagging import set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.listing import PAGE_SIZE, SubmissionFilter, SubmissionList, is_ungraded
from grader.gradebook.status import submission_statuses

A = "a1-calculator"


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[CourseContext]:
    root = tmp_path / "course"
    for _ in build_demo_course(root, students=250, repos=False):
        pass
    with open_course(root, actor="ta-test") as opened:
        yield opened


def grade_fully(ctx: CourseContext, student_id: str) -> None:
    for criterion in ctx.files.rubric(A).criteria:
        if criterion.levels:
            record_choice(ctx, A, student_id, criterion.id, ChoiceRequest(level=criterion.levels[0].label))
        elif criterion.items:
            record_choice(ctx, A, student_id, criterion.id, ChoiceRequest(items=()))
        elif criterion.is_manual:
            record_choice(ctx, A, student_id, criterion.id, ChoiceRequest(points=criterion.max_points))


def asked(ctx: CourseContext) -> list[Sequence[str]]:
    calls: list[Sequence[str]] = []
    store: Any = ctx.store
    original = store.grades_of

    def counted(assignment_id: str, student_ids: Sequence[str]) -> Any:
        calls.append(list(student_ids))
        return original(assignment_id, student_ids)

    store.grades_of = counted
    return calls


def test_rows_match_the_full_status_and_read_one_page(ctx: CourseContext) -> None:
    record_choice(ctx, A, ctx.files.students[5].student_id, "correctness", ChoiceRequest(level="Proficient"))
    full = submission_statuses(ctx, [A])
    calls = asked(ctx)
    listing = SubmissionList(ctx, A)
    assert len(listing) == 250
    assert listing.rows(3, 8) == full[3:8]
    assert [len(c) for c in calls] == [PAGE_SIZE]
    assert listing.rows(10, 20) == full[10:20]
    assert len(calls) == 1  # cached
    assert listing.rows_at([240, 7]) == [full[240], full[7]]
    assert [len(c) for c in calls] == [PAGE_SIZE, 1]


def test_invalidate_rereads_a_changed_student(ctx: CourseContext) -> None:
    listing = SubmissionList(ctx, A)
    student_id = ctx.files.students[0].student_id
    assert listing.rows(0, 1)[0].version == 0
    record_choice(ctx, A, student_id, "correctness", ChoiceRequest(level="Proficient"))
    assert listing.rows(0, 1)[0].version == 0  # still cached
    listing.invalidate([student_id])
    assert listing.rows(0, 1)[0].version == 1


def test_next_ungraded_skips_graded_and_wraps(ctx: CourseContext) -> None:
    ids = [s.student_id for s in ctx.files.students]
    for student_id in (*ids[1:3], *ids[200:]):
        grade_fully(ctx, student_id)
    listing = SubmissionList(ctx, A)
    assert listing.next_ungraded(ids[0]) == ids[3]
    assert listing.next_ungraded(ids[199]) == ids[0]  # past the end, wrapping
    assert listing.next_ungraded(None) == ids[0]
    full = submission_statuses(ctx, [A])
    expected = [s.student_id for s in full if is_ungraded(s)]
    assert listing.next_ungraded(ids[150]) == expected[expected.index(ids[150]) + 1]


def test_next_to_grade_by_submission_or_criterion_never_returns_the_same_student(ctx: CourseContext) -> None:
    ids = [s.student_id for s in ctx.files.students]
    record_choice(ctx, A, ids[1], "correctness", ChoiceRequest(level="Proficient"))
    grade_fully(ctx, ids[2])
    listing = SubmissionList(ctx, A)
    assert listing.next_to_grade(ids[0]) == ids[1]  # partly graded still needs grading
    assert listing.next_to_grade(ids[0], "correctness") == ids[3]  # 1 and 2 have that criterion
    assert listing.next_to_grade(ids[-1]) == ids[0]  # wrapping
    for student_id in ids[1:]:
        grade_fully(ctx, student_id)
    assert SubmissionList(ctx, A).next_to_grade(ids[0]) is None, "only itself is left: never itself"


def test_filters_over_the_whole_class(ctx: CourseContext) -> None:
    ids = [s.student_id for s in ctx.files.students]
    grade_fully(ctx, ids[4])
    set_flag(ctx, A, ids[230], "check the tests")
    listing = SubmissionList(ctx, A)
    name = ctx.files.students[12].name

    def run(wanted: SubmissionFilter) -> list[int]:
        steps = list(listing.matching(wanted))
        assert all(isinstance(s, Progress) for s in steps[:-1])
        result = steps[-1]
        assert isinstance(result, list)
        return result

    text = run(SubmissionFilter(text=name.upper()))
    assert 12 in text and all(name.casefold() in ctx.files.students[i].name.casefold() for i in text)
    assert run(SubmissionFilter(status="graded")) == [4]
    assert run(SubmissionFilter(flagged=True)) == [230]
    by_ta = [i for i, row in enumerate(submission_statuses(ctx, [A])) if row.graded_by == "ta-test"]
    assert by_ta[:1] == [4]
    assert run(SubmissionFilter(grader="TA-TEST")) == by_ta  # case-insensitive
    assert run(SubmissionFilter(grader="someone else")) == []
    assert run(SubmissionFilter(late=True)) == []  # nothing pulled in this course
    assert listing.next_matching(5, lambda row: bool(row.flag_note)) == 230


def test_a_flag_is_filtered_as_a_flag_and_a_flagged_graded_row_stays_graded(ctx: CourseContext) -> None:
    ids = [s.student_id for s in ctx.files.students]
    grade_fully(ctx, ids[3])
    grade_fully(ctx, ids[4])
    set_flag(ctx, A, ids[4], "same code as another student")
    set_flag(ctx, A, ids[9], "no commits?")
    listing = SubmissionList(ctx, A)
    flagged_graded = listing.rows_at([4])[0]
    assert (flagged_graded.status, flagged_graded.flagged) == ("graded", True)
    assert not is_ungraded(flagged_graded), "a flag does not send a graded submission back to grading"

    def run(wanted: SubmissionFilter) -> list[int]:
        *steps, result = listing.matching(wanted)
        assert all(isinstance(step, Progress) for step in steps)
        assert isinstance(result, list)
        return result

    assert run(SubmissionFilter(status="graded")) == [3, 4]
    assert run(SubmissionFilter(flagged=True)) == [4, 9]
    assert run(SubmissionFilter(status="graded", flagged=True)) == [4]
    assert run(SubmissionFilter(status="flagged")) == [4, 9], "'flagged' asked as a status means the flag"
    assert listing.next_ungraded(ids[2]) == ids[5]


def test_unknown_assignment_is_a_clear_error(ctx: CourseContext) -> None:
    with pytest.raises(GraderError, match="unknown assignment 'nope'"):
        SubmissionList(ctx, "nope")

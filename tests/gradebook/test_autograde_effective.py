"""The effective score everywhere: a run's points count in status, exports, mastery, feedback and
badges; a grader's points on an autograded criterion override every run, now and later (DB-7)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from autograde_course import (
    DEADLINE,
    HANGS,
    pull_all,
    push_files,
    run_autograde,
)
from required_tools import needs_tool

from grader.domain.progress import Progress
from grader.exports.grade_rows import GradeSheet
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.counts import AssignmentCounts, count_assignments
from grader.gradebook.feedback import FeedbackWritten, export_feedback
from grader.gradebook.grade_sheet import grade_sheet
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.mastery import mastery_report
from grader.gradebook.status import AUTOGRADE_PENDING, GRADED, PULLED, SubmissionStatus, submission_statuses
from grader.gradebook.summary import summary_spec
from grader.gradebook.summary_check import SummaryDisagreement, check_summaries
from grader.gradebook.undo import undo_last

pytestmark = needs_tool("bubblewrap")
A1 = "a1-calculator"


def rows(ctx: CourseContext) -> dict[str, SubmissionStatus]:
    return {row.student_id: row for row in submission_statuses(ctx, [A1])}


def level(ctx: CourseContext, student_id: str, label: str) -> None:
    record_choice(ctx, A1, student_id, "correctness", ChoiceRequest(level=label))


def test_a_run_scores_its_criterion_and_leaves_the_status_to_the_graders(pulled_course: Path) -> None:
    with open_course(pulled_course, actor="Ada") as ctx:
        level(ctx, "00124", "Proficient")
        before = rows(ctx)["00124"]
        run_autograde(ctx)
        after = rows(ctx)
        level(ctx, "00123", "Exemplary")
        graded = rows(ctx)["00123"]

    assert AUTOGRADE_PENDING in before.flags and not before.final
    assert AUTOGRADE_PENDING not in after["00124"].flags and after["00124"].final
    assert after["00124"].score == Decimal(30 + 0 + 20) and after["00124"].status == GRADED
    assert after["00123"].status == PULLED and not after["00123"].final  # a run starts nobody's grading
    assert after["00123"].autograde_summary == "3/3 tests" and after["00124"].autograde_summary == "2/3 tests"
    points = {c.criterion_id: c.points for c in graded.criteria}
    assert points == {"correctness": Decimal(40), "tests": Decimal(20), "unit": Decimal(30)}
    assert graded.final and graded.score == Decimal(90)
    unit = next(c for c in graded.criteria if c.criterion_id == "unit")
    assert unit.autograde is not None and unit.autograde.tests_total == 3 and not unit.overridden


def test_a_graders_points_override_every_run_now_and_later(autograded_course: Path) -> None:
    with open_course(autograded_course, actor="Ada") as ctx:
        recorded = record_choice(ctx, A1, "00124", "unit", ChoiceRequest(points=Decimal(25)))
        run_autograde(ctx, rerun=True)
        row = rows(ctx)["00124"]
        grade = ctx.store.grade(A1, "00124")

    assert recorded.criterion_points == Decimal(25)
    unit = next(c for c in row.criteria if c.criterion_id == "unit")
    assert (unit.points, unit.overridden) == (Decimal(25), True)
    assert unit.autograde is not None and unit.autograde.points == Decimal(20)  # the run, kept apart
    assert grade.choices["unit"].points == Decimal(25)


def test_an_adjustment_applies_on_top_of_a_runs_score(autograded_course: Path) -> None:
    with open_course(autograded_course, actor="Ada") as ctx:
        recorded = record_choice(
            ctx,
            A1,
            "00123",
            "unit",
            ChoiceRequest(adjustment=Decimal(-5), comment="tests copied from a friend"),
        )
        unit = next(c for c in rows(ctx)["00123"].criteria if c.criterion_id == "unit")
    assert recorded.criterion_points == Decimal(25)
    assert (unit.points, unit.overridden, unit.choice.adjustment) == (Decimal(25), False, Decimal(-5))


def test_a_timeout_after_a_pass_scores_the_timeout_and_says_why(autograded_course: Path) -> None:
    write_course_timeout(autograded_course, 3)
    push_files(autograded_course, "00123", HANGS, DEADLINE.replace(year=2098))
    pull_all(autograded_course)
    with open_course(autograded_course, actor="Ada") as ctx:
        run_autograde(ctx)
        tests = next(c for c in rows(ctx)["00123"].criteria if c.criterion_id == "tests")
    assert tests.autograde is not None and tests.autograde.status == "timeout"
    assert tests.points == Decimal(0) and "timed out after 3 s" in tests.autograde.reason


def write_course_timeout(course: Path, seconds: int) -> None:
    rubric = course / "rubrics" / "calculator.yaml"
    rubric.write_text(rubric.read_text().replace("timeout: 20", f"timeout: {seconds}"))


def test_exports_and_mastery_count_the_runs_once_the_grade_is_final(autograded_course: Path) -> None:
    with open_course(autograded_course, actor="Ada") as ctx:
        level(ctx, "00124", "Proficient")  # after the run: the last choice makes the grade final
        sheets = [s for s in grade_sheet(ctx, [A1]) if isinstance(s, GradeSheet) and s.students]
        report = mastery_report(ctx, "00124")

    grades = {r.student.student_id: r.grades[0] for sheet in sheets for r in sheet.students}
    assert grades["00124"].score == Decimal(50) and grades["00124"].points == (
        Decimal(30),
        Decimal(0),
        Decimal(20),
    )
    assert grades["00123"].score is None and grades["00123"].status == PULLED  # not final: not exported
    testing = report.mastery["00124"].skills["testing"]
    assert (testing.earned, testing.possible) == (Decimal(20), Decimal(50))


def test_feedback_lists_the_failing_tests_and_the_output(autograded_course: Path, tmp_path: Path) -> None:
    with open_course(autograded_course, actor="Ada") as ctx:
        level(ctx, "00124", "Proficient")  # after the run: the last choice makes the grade final
        written = [
            w for w in export_feedback(ctx, [A1], tmp_path / "pages") if isinstance(w, FeedbackWritten)
        ]
    (page,) = [w.path.read_text() for w in written if w.student_id == "00124"]
    assert "Latest run: partial: 1 of 3 tests failed: test\\_div" in page
    assert "Failing tests:" in page and "- `test_calc.test_div`" in page
    assert "assert 3 == 3.5" in page  # pytest's own report of the failure, from the output
    assert "```text" in page and "recorded by the autograder" in page


def test_a_run_that_completes_a_badge_issues_it(pulled_course: Path) -> None:
    with open_course(pulled_course, actor="Ada") as ctx:
        level(ctx, "00123", "Exemplary")
        assert ctx.store.credentials("00123") == []  # not final: the tests have not run
        list(step for step in run_autograde(ctx) if not isinstance(step, Progress))
        issued = ctx.store.credentials("00123")
    assert [(c.student_id, c.badge_id) for c in issued] == [("00123", "python-foundations")]


def test_the_summaries_written_with_the_results_agree_with_a_recomputation(pulled_course: Path) -> None:
    with open_course(pulled_course, actor="Ada") as ctx:
        level(ctx, "00124", "Proficient")
        run_autograde(ctx)
        disagreements = [d for d in check_summaries(ctx) if isinstance(d, SummaryDisagreement)]
        stale = ctx.store.summaries.student_ids(A1, not_at=summary_spec(ctx, A1).stamp)
        (counts,) = [
            c for c in count_assignments(ctx) if isinstance(c, AssignmentCounts) and c.assignment_id == A1
        ]
    assert disagreements == [] and stale == []
    assert counts.statuses[GRADED] == 1 and counts.statuses[PULLED] == 1


def test_undoing_an_override_restores_the_runs_score(autograded_course: Path) -> None:
    with open_course(autograded_course, actor="Ada") as ctx:
        record_choice(ctx, A1, "00124", "unit", ChoiceRequest(points=Decimal(29)))
        run_autograde(ctx, rerun=True)  # more autograder events after the override
        undo_last(ctx, assignment_id=A1, student_id="00124")
        unit = next(c for c in rows(ctx)["00124"].criteria if c.criterion_id == "unit")
    assert (unit.points, unit.overridden) == (Decimal(20), False)

"""One meaning of "final", seen by every consumer: status, feedback pages, the report, mastery and
badges (grade exports and counts have their own tests).

The demo's a1-calculator has an autograded criterion ("tests") that nothing can run here, so a
submission whose every manual criterion is scored is "graded" but not final until a grader gives
that criterion points.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from postgres import postgres_test_url, scratch_postgres_url
from required_tools import require_tool

from grader.demo import build_demo_course
from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.events import SubmissionGrade
from grader.exports.report_data import ReportData
from grader.gradebook.certify import CertifyResult, certify
from grader.gradebook.context import CourseContext, open_course, utc_now
from grader.gradebook.feedback import FeedbackSkipped, FeedbackWritten, export_feedback, feedback_path
from grader.gradebook.flagging import set_excused, set_flag
from grader.gradebook.grading import ChoiceRequest, record_choice
from grader.gradebook.issuer import issuer_identity
from grader.gradebook.mastery import mastery_report
from grader.gradebook.report import gather_report
from grader.gradebook.status import (
    AUTOGRADE_PENDING,
    GRADED,
    SubmissionStatus,
    status_row,
    submission_statuses,
)

A1, A3 = "a1-calculator", "a3-dataanalysis"
A1_MANUAL = {
    "correctness": ChoiceRequest(level="Exemplary"),  # 35, python-basics
    "cli": ChoiceRequest(level="Proficient"),  # 11, python-basics + documentation
    "code-quality": ChoiceRequest(items=("Unclear names",)),  # 12, python-basics
    "readme": ChoiceRequest(level="Complete"),  # 10, documentation
    "git-practice": ChoiceRequest(items=()),  # 0, version-control
}
"""Every manual criterion of a1: 68 of its 80 manual points; "tests" (20 points) is left."""
A3_FULL = {
    "cleaning": ChoiceRequest(level="Exemplary"),
    "analysis": ChoiceRequest(level="Exemplary"),
    "charts": ChoiceRequest(items=()),
    "pipeline-tests": ChoiceRequest(points=Decimal(15)),
    "report": ChoiceRequest(level="Exemplary"),
}
"""Every criterion of a3 at the top: testing 15/15 and python-basics 40/40 from a3 alone."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'grades.db'}"
        return
    require_tool("postgresql")
    base = postgres_test_url()
    assert base is not None
    with scratch_postgres_url(base) as url:
        yield url


@pytest.fixture
def ctx(tmp_path: Path, database_url: str) -> Iterator[CourseContext]:
    root = tmp_path / "demo"
    for _ in build_demo_course(root, students=4, seed=7, repos=False):
        pass
    with open_course(root, database_url=database_url, actor="Ada") as opened:
        yield opened


def students(ctx: CourseContext) -> list[str]:
    return [s.student_id for s in ctx.files.students]


def grade(ctx: CourseContext, assignment_id: str, student_id: str, marks: dict[str, ChoiceRequest]) -> None:
    for criterion_id, request in marks.items():
        record_choice(ctx, assignment_id, student_id, criterion_id, request)


def give_tests_points(ctx: CourseContext, student_id: str, points: int) -> None:
    """What `grader grade a1-calculator --student S --criterion tests --points N` does."""
    record_choice(ctx, A1, student_id, "tests", ChoiceRequest(points=Decimal(points)))


def row_of(ctx: CourseContext, student_id: str, assignment_id: str = A1) -> SubmissionStatus:
    return next(r for r in submission_statuses(ctx, [assignment_id]) if r.student_id == student_id)


def test_status_is_graded_but_not_final_until_the_autograded_criterion_is_scored(ctx: CourseContext) -> None:
    first, second, third, _ = students(ctx)
    grade(ctx, A1, first, A1_MANUAL)
    pending = row_of(ctx, first)
    assert (pending.status, pending.final, str(pending.score)) == (GRADED, False, "68")
    assert AUTOGRADE_PENDING in pending.flags
    assert [c.criterion_id for c in pending.unscored] == ["tests"]
    give_tests_points(ctx, first, 0)  # a grader's points count like a run: zero is a score
    scored = row_of(ctx, first)
    assert (scored.status, scored.final, str(scored.score), scored.unscored) == (GRADED, True, "68", ())
    assert AUTOGRADE_PENDING not in scored.flags
    set_flag(ctx, A1, first, "ask about the README")
    flagged = row_of(ctx, first)
    assert (flagged.status, flagged.final, flagged.flagged) == (GRADED, True, True)
    assert "flagged: ask about the README" in flagged.flags
    set_excused(ctx, A1, second, True, "medical note")
    excused = row_of(ctx, second)
    assert (excused.status, excused.score, excused.final) == ("excused", None, True)
    untouched = row_of(ctx, third)
    assert (untouched.final, untouched.flagged) == (False, False)


def test_a_rubric_of_autograded_criteria_only_is_graded_once_one_is_scored(ctx: CourseContext) -> None:
    assignment = ctx.files.course.assignment(A1)
    assert assignment is not None
    tests = next(c for c in ctx.files.rubric(A1).criteria if c.id == "tests")
    only_tests = replace(ctx.files.rubric(A1), criteria=(tests,))
    student = ctx.files.students[0]
    nothing = status_row(assignment, only_tests, student, None, None, refused=False)
    assert (nothing.status, nothing.final) == ("not pulled", False), "nothing scored is not graded"
    grade = SubmissionGrade(
        A1, student.student_id, 1, {"tests": CriterionChoice(points=Decimal(5))}, "Ada", None
    )
    scored = status_row(assignment, only_tests, student, grade, None, refused=False)
    assert (scored.status, scored.final, scored.score) == (GRADED, True, 5)


def test_a_feedback_page_of_a_grade_that_is_not_final_says_so_and_gives_no_total(
    ctx: CourseContext, tmp_path: Path
) -> None:
    first, second, third, _ = students(ctx)
    grade(ctx, A1, first, A1_MANUAL)
    grade(ctx, A1, second, A1_MANUAL)
    give_tests_points(ctx, second, 16)
    record_choice(ctx, A1, third, "correctness", A1_MANUAL["correctness"])
    out = tmp_path / "feedback"
    results = [r for r in export_feedback(ctx, [A1], out) if isinstance(r, FeedbackWritten | FeedbackSkipped)]
    written = {r.student_id: r for r in results if isinstance(r, FeedbackWritten)}
    assert set(written) == {first, second}
    assert written[first].not_final == "Test suite passes (20 points) not scored yet"
    assert (written[first].final, written[second].final) == (False, True)
    skipped = [(r.student_id, r.status) for r in results if isinstance(r, FeedbackSkipped)]
    assert skipped[0] == (third, "in progress")
    page = feedback_path(out, A1, first).read_text(encoding="utf-8")
    assert "**Not final:** Test suite passes (20 points) not scored yet" in page
    assert "- **Total:** not final yet" in page
    assert "| **Total** | | not final: Test suite passes (20 points) not scored yet |" in page
    assert "68 / 100" not in page and "**68" not in page, "a partial sum is never shown as the total"
    final_page = feedback_path(out, A1, second).read_text(encoding="utf-8")
    assert "- **Total:** 84 / 100" in final_page and "Not final" not in final_page
    give_tests_points(ctx, first, 20)
    again = [r for r in export_feedback(ctx, [A1], out) if isinstance(r, FeedbackWritten)]
    assert [(r.student_id, r.changed, r.final) for r in again if r.student_id == first] == [
        (first, True, True)
    ]
    assert "- **Total:** 88 / 100" in feedback_path(out, A1, first).read_text(encoding="utf-8")


def _report(ctx: CourseContext) -> ReportData:
    found = [item for item in gather_report(ctx) if isinstance(item, ReportData)]
    assert len(found) == 1
    return found[0]


def test_the_report_counts_final_grades_only_and_says_how_many_it_left_out(ctx: CourseContext) -> None:
    first, second, third, _ = students(ctx)
    grade(ctx, A1, first, A1_MANUAL)
    give_tests_points(ctx, first, 16)  # final: 84
    grade(ctx, A1, second, A1_MANUAL)  # graded, not final: 68 of the 80 points scored so far
    record_choice(ctx, A1, third, "correctness", ChoiceRequest(level="Developing"))  # in progress
    a1 = _report(ctx).assignments[0]
    assert a1.assignment_id == A1
    assert (dict(a1.totals), a1.not_final) == ({Decimal(84): 1}, 2)
    assert a1.states["graded"] == 2, "the status still says both are graded"
    correctness = next(c for c in a1.criteria if c.criterion_id == "correctness")
    assert dict(correctness.scores) == {Decimal(35): 1}
    assert [(lv.label, lv.count) for lv in correctness.levels if lv.count] == [("Exemplary", 1)]
    assert any(
        "2 submissions with scores are not final yet (a1-calculator: 2)" in n for n in _report(ctx).notes
    )
    give_tests_points(ctx, second, 20)
    a1 = _report(ctx).assignments[0]
    assert (dict(a1.totals), a1.not_final) == ({Decimal(84): 1, Decimal(88): 1}, 1)


def test_mastery_counts_final_submissions_only(ctx: CourseContext) -> None:
    first, *_ = students(ctx)
    grade(ctx, A1, first, A1_MANUAL)
    grade(ctx, A3, first, A3_FULL)
    figures = mastery_report(ctx, first).mastery[first]
    assert (figures.skills["python-basics"].earned, figures.skills["python-basics"].possible) == (40, 40)
    assert {e.assignment_id for f in figures.skills.values() for e in f.criteria} == {A3}
    assert figures.unscored == {A1: ("tests",)} and A1 not in figures.graded_assignments
    give_tests_points(ctx, first, 10)
    figures = mastery_report(ctx, first).mastery[first]
    basics = figures.skills["python-basics"]
    assert (basics.earned, basics.possible) == (40 + 35 + 11 + 12, 40 + 35 + 15 + 15)
    assert (figures.skills["testing"].earned, figures.skills["testing"].possible) == (25, 35)
    assert A1 in figures.graded_assignments and figures.unscored == {}


def test_no_badge_is_issued_on_a_grade_that_is_not_final(ctx: CourseContext) -> None:
    first, *_ = students(ctx)
    grade(ctx, A1, first, A1_MANUAL)
    grade(ctx, A3, first, A3_FULL)  # python-basics 100%, testing 100%: met, on a3 alone
    report = mastery_report(ctx, first)
    (badge,) = [e for e in report.badges[first] if e.badge_id == "python-foundations"]
    assert badge.shortfalls() == ("a1-calculator: not final yet (tests not scored)",)
    dry = [r for r in certify(ctx, student_id=first, dry_run=True) if isinstance(r, CertifyResult)]
    assert dry == [], "nothing would be issued while a1's grade is not final"
    give_tests_points(ctx, first, 16)  # testing (15 + 16) / 35 = 88.5%
    dry = [r for r in certify(ctx, student_id=first, dry_run=True) if isinstance(r, CertifyResult)]
    assert [(r.badge_id, r.status) for r in dry] == [("python-foundations", "would issue")]


def test_the_issuer_refuses_to_sign_a_badge_that_is_not_earned(ctx: CourseContext) -> None:
    from grader.gradebook.issuing import Issuer  # the signing libraries

    first, *_ = students(ctx)
    grade(ctx, A1, first, A1_MANUAL)
    grade(ctx, A3, first, A3_FULL)
    report = mastery_report(ctx, first)
    (waiting,) = [e for e in report.badges[first] if e.badge_id == "python-foundations"]
    identity = issuer_identity(ctx, create=True)
    issuer = Issuer(ctx, identity, identity.ring.signing_key(), report, utc_now(), first)
    with pytest.raises(GraderError, match=r"python-foundations: not earned \(a1-calculator: not final yet"):
        list(issuer.issue([waiting]))
    assert ctx.store.credentials() == []

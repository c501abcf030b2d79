"""Moderation (second marking): sample graded submissions into the queue, record blind second
marks (never grade events), and report how far they agree with the first marks.

A submission is *graded* for moderation when every manual criterion of the rubric in force has
a level, items or points and it is not excused; its first markers are the graders who saved
those choices. Autograded criteria need no second marker and are not moderated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grader.domain.agreement import AgreementReport, MarkPair, agreement_report
from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError
from grader.domain.moderation import (
    Candidate,
    Queued,
    SampleSize,
    SecondMark,
    deal_moderators,
    pick_sample,
)
from grader.domain.remap import stale_parts
from grader.domain.rubric import CriterionKind
from grader.domain.scoring import effective_choices
from grader.gradebook.context import CourseContext, utc_now
from grader.gradebook.grading import ChoiceRequest, checked_criterion
from grader.gradebook.rubrics import rubric_in_force


@dataclass(frozen=True)
class SampleRun:
    """What one ``grader moderate`` run did."""

    assignment_id: str
    graded: int
    """How many submissions were graded (the population sampled from)."""
    already: tuple[Queued, ...]
    """Queued before this run (kept, never sampled again)."""
    added: tuple[Queued, ...]
    audit_id: int


def graded_candidates(ctx: CourseContext, assignment_id: str) -> list[Candidate]:
    """The graded submissions, in roster order, with their first markers."""
    rubric = rubric_in_force(ctx, assignment_id)
    manual = [c.id for c in rubric.manual_criteria]
    grades = ctx.store.grades(assignment_id)
    markers = ctx.store.first_markers(assignment_id)
    found = []
    for student in ctx.files.students:
        grade = grades.get(student.student_id)
        if grade is None or grade.excused or not manual:
            continue
        if all(grade.choices.get(cid, CriterionChoice()).is_scored for cid in manual):
            found.append(Candidate(student.student_id, markers.get(student.student_id, ())))
    return found


def sample_for_moderation(
    ctx: CourseContext,
    assignment_id: str,
    size: SampleSize,
    *,
    seed: int,
    per_grader: bool,
    moderators: Sequence[str],
) -> SampleRun:
    """Sample graded submissions (those queued already count towards the size and stay as they
    are) and queue each for a second marker other than its first; audited."""
    candidates = graded_candidates(ctx, assignment_id)
    if not candidates:
        raise GraderError(
            f"no submission of {assignment_id} is graded yet (every manual criterion scored); "
            "nothing was queued: grade some first"
        )
    already = ctx.store.moderation_queue(assignment_id)
    team = sorted(set(moderators)) or sorted({m for c in candidates for m in c.first_markers})
    picked = pick_sample(assignment_id, candidates, size, seed=seed, per_grader=per_grader, already=already)
    dealt = deal_moderators(picked, team, already)
    details: dict[str, object] = {
        "assignment": assignment_id,
        "sample": str(size),
        "per_grader": per_grader,
        "seed": seed,
        "moderators": team,
        "graded": len(candidates),
    }
    added, entry = ctx.store.queue_for_moderation(
        assignment_id, dealt, seed=seed, details=details, actor=ctx.actor, now=utc_now()
    )
    assert entry.id is not None
    return SampleRun(assignment_id, len(candidates), tuple(already.values()), tuple(added), entry.id)


def first_marker_refusal(actor: str, assignment_id: str, student_id: str) -> str:
    """Why ``actor`` may not second-mark a submission they first-marked (one wording everywhere)."""
    return f"{actor} first-marked {student_id}'s {assignment_id} submission and cannot second-mark it"


def record_second_mark(
    ctx: CourseContext, assignment_id: str, student_id: str, criterion_id: str, request: ChoiceRequest
) -> SecondMark:
    """Save a blind second mark for one manual criterion (never a grade event); refused for a
    submission not queued and for its first marker."""
    ctx.files.student(student_id)
    rubric = rubric_in_force(ctx, assignment_id)
    criterion = checked_criterion(rubric, assignment_id, criterion_id, request)
    if criterion.kind is CriterionKind.AUTOGRADED:
        raise GraderError(
            f"criterion '{criterion_id}' is autograded; moderation second-marks manual criteria"
        )
    if request.level is None and request.items is None and request.points is None:
        raise GraderError("a second mark needs a level, items or points")
    if ctx.actor in ctx.store.first_markers(assignment_id).get(student_id, ()):
        raise GraderError(first_marker_refusal(ctx.actor, assignment_id, student_id) + "; nothing was saved")
    choice = CriterionChoice(level=request.level, items=request.items, points=request.points)
    return ctx.store.record_second_mark(
        assignment_id,
        student_id,
        criterion_id,
        choice,
        rubric_hash=rubric.content_hash,
        actor=ctx.actor,
        now=utc_now(),
    )


def moderation_report(ctx: CourseContext, assignment_id: str) -> tuple[AgreementReport, dict[str, Queued]]:
    """Agreement of the second marks in force with the current first marks, and the queue."""
    rubric = rubric_in_force(ctx, assignment_id)
    queue = ctx.store.moderation_queue(assignment_id)
    grades = ctx.store.grades_of(assignment_id, list(queue))
    pairs = []
    for mark in ctx.store.second_marks(assignment_id):
        criterion = rubric.criterion(mark.criterion_id)
        queued = queue.get(mark.student_id)
        if criterion is None or queued is None:
            continue  # a criterion since removed from the rubric: nothing to compare with
        first = effective_choices(rubric, grades.get(mark.student_id)).get(criterion.id, CriterionChoice())
        if stale_parts(criterion, mark.choice) or stale_parts(criterion, first):
            continue  # a level or item since renamed or removed: the marks no longer compare
        pairs.append(
            MarkPair(mark.student_id, criterion, first, queued.first_marker, mark.choice, mark.actor)
        )
    return agreement_report(pairs, [c.id for c in rubric.criteria]), queue


def moderation_summary(ctx: CourseContext, assignment_id: str) -> tuple[AgreementReport, int] | None:
    """The report and how many submissions are queued, or None while nothing is (the Course
    screen shows no moderation panel then)."""
    if not ctx.store.moderation_queue(assignment_id):
        return None
    report, queue = moderation_report(ctx, assignment_id)
    return report, len(queue)

"""What an edit of a rubric file does to the grades: the edits, and each student whose final
total (after the late penalty) differs from the one under the accepted rubric, and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from grader.domain.choice_words import points_text, scored_words
from grader.domain.choices import CriterionChoice
from grader.domain.course import LatePolicy
from grader.domain.rubric import Rubric
from grader.domain.rubric_edits import rubric_edits
from grader.domain.scoring import (
    IncompatibleChoice,
    SubmissionScore,
    base_points,
    effective_choices,
    score_submission,
)
from grader.gradebook.anonymity import identities
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import UnmappedChoice, unmapped_choices
from grader.gradebook.student_lookup import student_label


@dataclass(frozen=True)
class TotalChange:
    student_id: str
    """The id as graders see it (the pseudonym while an anonymous assignment's names are hidden)."""
    label: str
    """Id and name, or the pseudonym."""
    before: Decimal
    after: Decimal
    """Final totals, after the late penalty."""
    penalty_before: Decimal
    penalty_after: Decimal
    causes: tuple[str, ...]
    """Each criterion whose score moved: "correctness: level 'Proficient' 30 → 32"."""


@dataclass(frozen=True)
class RubricDiff:
    assignment_id: str
    accepted_hash: str | None
    current_hash: str
    edits: list[str]
    """What the file changed since it was accepted, one line each."""
    changes: list[TotalChange]
    unmapped: list[UnmappedChoice]
    removed_criteria: dict[str, int]
    """Criteria no longer in the rubric, with how many submissions had a choice for them."""

    @property
    def edited(self) -> bool:
        """The file differs from the accepted rubric (totals already follow the file)."""
        return self.accepted_hash not in (None, self.current_hash)


def diff_rubric(ctx: CourseContext, assignment_id: str) -> RubricDiff:
    """Who changes, by how much and why, between the accepted rubric and the current file."""
    current = ctx.files.rubric(assignment_id)
    accepted = ctx.store.accepted_rubric(assignment_id)
    grades = ctx.store.grades(assignment_id)
    before_rubric = Rubric.from_dict(accepted[1]) if accepted else current
    assignment = ctx.files.course.assignment(assignment_id)
    policy = assignment.late if assignment else LatePolicy()
    lateness = {sid: state.late_minutes for sid, state in ctx.store.pull_states(assignment_id).items()}
    shown = identities(ctx, assignment_id)
    changes = []
    for student_id, grade in sorted(grades.items()):
        if grade.excused:
            continue
        late = lateness.get(student_id)
        before = _final(before_rubric, effective_choices(before_rubric, grade), late, policy)
        after = _final(current, effective_choices(current, grade), late, policy)
        if before.total != after.total:
            causes = _causes(before_rubric, current, before, after, grade.choices)
            student = ctx.files.students_by_id.get(student_id)
            label = student_label(shown, student) if student else shown.shown_id(student_id)
            changes.append(
                TotalChange(
                    shown.shown_id(student_id), label, before.total, after.total,
                    before.penalty, after.penalty, causes,
                )
            )  # fmt: skip
    removed: Counter[str] = Counter()
    for grade in grades.values():
        for criterion_id, choice in grade.choices.items():
            if current.criterion(criterion_id) is None and choice.is_scored:
                removed[criterion_id] += 1
    return RubricDiff(
        assignment_id,
        accepted[0] if accepted else None,
        current.content_hash,
        rubric_edits(before_rubric, current),
        changes,
        unmapped_choices(current, grades),
        dict(removed),
    )


def _causes(
    before_rubric: Rubric,
    after_rubric: Rubric,
    before: SubmissionScore,
    after: SubmissionScore,
    choices: Mapping[str, CriterionChoice],
) -> tuple[str, ...]:
    causes = []
    for criterion_id in dict.fromkeys([*before.criteria, *after.criteria]):
        was, now = before.criteria.get(criterion_id), after.criteria.get(criterion_id)
        if was == now:
            continue
        words = scored_words(choices.get(criterion_id, CriterionChoice()))
        if before_rubric.criterion(criterion_id) is not None and after_rubric.criterion(criterion_id):
            kind = _kind(choices.get(criterion_id, CriterionChoice()))
            what = f"{kind} '{words}'" if kind else (words or "its score")
        else:
            what = "criterion removed" if now is None else "criterion added"
        causes.append(f"{criterion_id}: {what} {_points(was)} → {_points(now)}")
    return tuple(causes)


def _kind(choice: CriterionChoice) -> str:
    if choice.level is not None:
        return "level"
    if choice.items:
        return "items" if len(choice.items) > 1 else "item"
    return ""


def _points(value: Decimal | None) -> str:
    return "–" if value is None else points_text(value)


def _final(
    rubric: Rubric, choices: Mapping[str, CriterionChoice], late: int | None, policy: LatePolicy
) -> SubmissionScore:
    """The score after the late penalty; choices the rubric cannot hold (unmapped) count nothing."""
    try:
        return score_submission(rubric, choices, late, policy)
    except IncompatibleChoice:
        known = {cid: ch for cid, ch in choices.items() if _compatible(rubric, cid, ch)}
        return score_submission(rubric, known, late, policy)


def _compatible(rubric: Rubric, criterion_id: str, choice: CriterionChoice) -> bool:
    criterion = rubric.criterion(criterion_id)
    if criterion is None:
        return True
    try:
        base_points(criterion, choice)
    except IncompatibleChoice:
        return False
    return True

"""Retroactive rubrics: totals from the current file, with refused edits until mapped."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from grader.domain.choices import CriterionChoice
from grader.domain.errors import GraderError, RubricChangeRefused
from grader.domain.events import ChoiceChange, EventSource, SubmissionGrade
from grader.domain.rubric import Rubric
from grader.domain.scoring import IncompatibleChoice, base_points, score_submission
from grader.gradebook.context import CourseContext, utc_now


@dataclass(frozen=True)
class UnmappedChoice:
    criterion_id: str
    kind: str
    """"level" or "item"."""
    label: str
    submissions: int


@dataclass(frozen=True)
class TotalChange:
    student_id: str
    before: Decimal
    after: Decimal


@dataclass(frozen=True)
class RubricDiff:
    assignment_id: str
    accepted_hash: str | None
    current_hash: str
    changes: list[TotalChange]
    unmapped: list[UnmappedChoice]
    removed_criteria: dict[str, int]
    """Criteria no longer in the rubric, with how many submissions had a choice for them."""


def unmapped_choices(rubric: Rubric, grades: Mapping[str, SubmissionGrade]) -> list[UnmappedChoice]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for grade in grades.values():
        for criterion_id, choice in grade.choices.items():
            criterion = rubric.criterion(criterion_id)
            if criterion is None:
                continue
            if choice.level is not None and criterion.levels and criterion.level(choice.level) is None:
                counts[(criterion_id, "level", choice.level)] += 1
            for label in choice.items or ():
                if criterion.item(label) is None:
                    counts[(criterion_id, "item", label)] += 1
    return [UnmappedChoice(c, k, lb, n) for (c, k, lb), n in sorted(counts.items())]


def refusal_message(assignment_id: str, unmapped: list[UnmappedChoice]) -> str:
    lines = [f"the rubric of '{assignment_id}' no longer has choices that grades use:"]
    for u in unmapped:
        lines.append(f"  {u.criterion_id}: {u.kind} '{u.label}' (used by {u.submissions} submission(s))")
    example = unmapped[0]
    lines.append(
        f"map each one, e.g. grader rubric apply {assignment_id} "
        f"--map '{example.criterion_id}:{example.label}=NEW LABEL' (or '=' to clear it)"
    )
    return "\n".join(lines)


def effective_rubric(ctx: CourseContext, assignment_id: str, grades: Mapping[str, SubmissionGrade]) -> Rubric:
    """The current rubric file, unless it breaks choices in use (then refused until mapped)."""
    current = ctx.files.rubric(assignment_id)
    accepted = ctx.store.accepted_rubric(assignment_id)
    if accepted is not None and accepted[0] == current.content_hash:
        return current
    unmapped = unmapped_choices(current, grades)
    if unmapped:
        raise RubricChangeRefused(refusal_message(assignment_id, unmapped))
    return current


def ensure_accepted(ctx: CourseContext, assignment_id: str, rubric: Rubric) -> None:
    """The first rubric used for grading becomes the accepted baseline for later diffs."""
    if ctx.store.accepted_rubric(assignment_id) is None:
        ctx.store.accept_rubric(
            assignment_id, rubric.content_hash, rubric.to_dict(), actor=ctx.actor, now=utc_now()
        )


def _total(rubric: Rubric, choices: Mapping[str, CriterionChoice]) -> Decimal:
    try:
        return score_submission(rubric, choices).total
    except IncompatibleChoice:
        known = {cid: ch for cid, ch in choices.items() if _compatible(rubric, cid, ch)}
        return score_submission(rubric, known).total


def _compatible(rubric: Rubric, criterion_id: str, choice: CriterionChoice) -> bool:
    criterion = rubric.criterion(criterion_id)
    if criterion is None:
        return True
    try:
        base_points(criterion, choice)
    except IncompatibleChoice:
        return False
    return True


def diff_rubric(ctx: CourseContext, assignment_id: str) -> RubricDiff:
    """Who changes, and by how much, between the accepted rubric and the current file."""
    current = ctx.files.rubric(assignment_id)
    accepted = ctx.store.accepted_rubric(assignment_id)
    grades = ctx.store.grades(assignment_id)
    before_rubric = Rubric.from_dict(accepted[1]) if accepted else current
    changes = []
    for student_id, grade in sorted(grades.items()):
        before, after = _total(before_rubric, grade.choices), _total(current, grade.choices)
        if before != after:
            changes.append(TotalChange(student_id, before, after))
    removed: Counter[str] = Counter()
    for grade in grades.values():
        for criterion_id, choice in grade.choices.items():
            if current.criterion(criterion_id) is None and choice.is_scored:
                removed[criterion_id] += 1
    return RubricDiff(
        assignment_id,
        accepted[0] if accepted else None,
        current.content_hash,
        changes,
        unmapped_choices(current, grades),
        dict(removed),
    )


def parse_mapping(text: str) -> tuple[str, str, str | None]:
    """'criterion:Old label=New label' (an empty new label clears the choice)."""
    head, sep, new = text.partition("=")
    criterion_id, colon, old = head.partition(":")
    if not sep or not colon or not criterion_id.strip() or not old.strip():
        raise GraderError(f"--map expects 'CRITERION:OLD=NEW' (or 'CRITERION:OLD=' to clear), got '{text}'")
    return criterion_id.strip(), old.strip(), new.strip() or None


def _remap(choice: CriterionChoice, kind: str, old: str, new: str | None) -> CriterionChoice:
    if kind == "level":
        return CriterionChoice(
            level=new,
            items=choice.items,
            points=choice.points,
            adjustment=choice.adjustment if new else Decimal(0),
            adjustment_comment=choice.adjustment_comment if new else "",
            comment=choice.comment,
        )
    kept = [label for label in choice.items or () if label != old]
    items = tuple([*kept, new] if new and new not in kept else kept)
    return CriterionChoice(
        level=choice.level,
        items=items,
        points=choice.points,
        adjustment=choice.adjustment,
        adjustment_comment=choice.adjustment_comment,
        comment=choice.comment,
    )


def apply_rubric(ctx: CourseContext, assignment_id: str, mappings: list[str]) -> tuple[RubricDiff, int]:
    """Accept the current rubric, rewriting mapped choices as grade events; refuse if any stay unmapped."""
    diff = diff_rubric(ctx, assignment_id)
    current = ctx.files.rubric(assignment_id)
    table = {}
    for text in mappings:
        criterion_id, old, new = parse_mapping(text)
        criterion = current.criterion(criterion_id)
        if criterion is None:
            raise GraderError(
                f"--map names criterion '{criterion_id}', which the current rubric does not have"
            )
        valid = [lv.label for lv in criterion.levels] or [it.label for it in criterion.items]
        if new is not None and new not in valid:
            raise GraderError(
                f"--map {text}: '{new}' is not a choice of '{criterion_id}' "
                f"(expected one of: {', '.join(valid)})"
            )
        table[(criterion_id, old)] = new
    missing = [u for u in diff.unmapped if (u.criterion_id, u.label) not in table]
    if missing:
        raise RubricChangeRefused(refusal_message(assignment_id, missing))
    changes = []
    for student_id, grade in ctx.store.grades(assignment_id).items():
        for criterion_id, choice in grade.choices.items():
            updated = choice
            for (c_id, old), new in table.items():
                if c_id != criterion_id:
                    continue
                kind = "level" if updated.level == old else "item" if old in (updated.items or ()) else None
                if kind:
                    updated = _remap(updated, kind, old, new)
            if updated != choice:
                changes.append(ChoiceChange(assignment_id, student_id, criterion_id, updated))
    now = utc_now()
    if changes:
        ctx.store.save(
            changes,
            actor=ctx.actor,
            rubric_hash=current.content_hash,
            source=EventSource.RUBRIC_APPLY,
            now=now,
        )
    ctx.store.accept_rubric(assignment_id, current.content_hash, current.to_dict(), actor=ctx.actor, now=now)
    ctx.store.audit(
        "rubric accepted",
        {
            "assignment": assignment_id,
            "rubric_hash": current.content_hash,
            "previous_hash": diff.accepted_hash,
            "mappings": mappings,
            "choices_rewritten": len(changes),
        },
        actor=ctx.actor,
        now=now,
    )
    return diff, len(changes)

"""What an edit of a rubric file changed, in words: criteria, levels and items added, removed or
given other points (what ``grader rubric diff`` lists before the totals)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from grader.domain.choice_words import points_text
from grader.domain.rubric import Criterion, Rubric


def rubric_edits(before: Rubric, after: Rubric) -> list[str]:
    """One line per change that can move a score, criteria in the edited file's order."""
    lines: list[str] = []
    old = {c.id: c for c in before.criteria}
    for criterion in after.criteria:
        previous = old.pop(criterion.id, None)
        if previous is None:
            lines.append(f"{criterion.id}: criterion added ({points_text(criterion.max_points)} points)")
        else:
            lines += _criterion_edits(previous, criterion)
    lines += [f"{c.id}: criterion removed" for c in old.values()]
    return lines


def _criterion_edits(before: Criterion, after: Criterion) -> list[str]:
    cid = after.id
    if before.kind is not after.kind:
        return [f"{cid}: scored by {after.kind.value} now (was {before.kind.value})"]
    lines = []
    if before.max_points != after.max_points:
        worth = f"{points_text(after.max_points)} points (was {points_text(before.max_points)})"
        lines.append(f"{cid}: out of {worth}")
    kind = "level" if after.levels or before.levels else "item"
    was = [(lv.label, lv.points) for lv in before.levels] or [(it.label, it.points) for it in before.items]
    now = [(lv.label, lv.points) for lv in after.levels] or [(it.label, it.points) for it in after.items]
    lines += _labelled_edits(cid, kind, was, now)
    if before.check != after.check:
        lines.append(f"{cid}: its check changed (grader autograde --rerun runs it again)")
    return lines


def _labelled_edits(
    cid: str, kind: str, was: Sequence[tuple[str, Decimal]], now: Sequence[tuple[str, Decimal]]
) -> list[str]:
    old = dict(was)
    lines = []
    for label, points in now:
        if label not in old:
            lines.append(f"{cid}: {kind} '{label}' ({points_text(points)}) added")
        elif old[label] != points:
            lines.append(f"{cid}: {kind} '{label}' {points_text(old[label])} → {points_text(points)}")
    current = {label for label, _ in now}
    lines += [f"{cid}: {kind} '{label}' removed" for label, _ in was if label not in current]
    return lines

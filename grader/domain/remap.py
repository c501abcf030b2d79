"""Choices against an edited rubric: which parts it can no longer hold, and mapping them over."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from grader.domain.choices import CriterionChoice
from grader.domain.rubric import Criterion, CriterionKind

LEVEL, ITEM, POINTS = "level", "item", "points"


def stale_parts(criterion: Criterion, choice: CriterionChoice) -> list[tuple[str, str]]:
    """(kind, label) of each part of ``choice`` that ``criterion`` no longer has or no longer takes."""
    stale: list[tuple[str, str]] = []
    if choice.level is not None and (
        criterion.kind is not CriterionKind.LEVELS or criterion.level(choice.level) is None
    ):
        stale.append((LEVEL, choice.level))
    for label in choice.items or ():
        if criterion.kind is not CriterionKind.CHECKLIST or criterion.item(label) is None:
            stale.append((ITEM, label))
    if choice.points is not None and criterion.kind in (CriterionKind.LEVELS, CriterionKind.CHECKLIST):
        stale.append((POINTS, format(choice.points, "f")))
    return stale


def mapping_target_problem(criterion: Criterion, target: str | None) -> str | None:
    """Why ``target`` cannot receive mapped choices of ``criterion``, or None when it can."""
    if target is None:
        return None
    if criterion.kind is CriterionKind.LEVELS:
        ok = criterion.level(target) is not None
        expected = ", ".join(lv.label for lv in criterion.levels)
    elif criterion.kind is CriterionKind.CHECKLIST:
        ok = criterion.item(target) is not None
        expected = ", ".join(it.label for it in criterion.items)
    else:
        points = _points(target)
        ok = points is not None and Decimal(0) <= points <= criterion.max_points
        expected = f"points from 0 to {criterion.max_points}"
    return None if ok else f"'{target}' is not a choice of '{criterion.id}' (expected one of: {expected})"


def _points(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def remap_choice(
    criterion: Criterion, choice: CriterionChoice, table: Mapping[str, str | None]
) -> CriterionChoice:
    """Replace each mapped label of the original choice once (old → new; None clears it).

    The new label goes where the criterion's kind keeps it: the level, the items or the points.
    """
    level, points = choice.level, choice.points
    items = list(choice.items) if choice.items is not None else None
    targets: list[str | None] = []
    if level is not None and level in table:
        targets.append(table[level])
        level = None
    if items is not None:
        targets += [table[label] for label in items if label in table]
        items = [label for label in items if label not in table]
    if points is not None and format(points, "f") in table:
        targets.append(table[format(points, "f")])
        points = None
    for target in targets:
        if target is None:
            continue
        if criterion.kind is CriterionKind.LEVELS:
            level = target
        elif criterion.kind is CriterionKind.CHECKLIST:
            items = [*(items or []), target] if target not in (items or []) else items
        else:
            points = _points(target)
    if items is not None and not items and criterion.kind is not CriterionKind.CHECKLIST:
        items = None
    scored = level is not None or items is not None or points is not None
    return CriterionChoice(
        level=level,
        items=tuple(items) if items is not None else None,
        points=points,
        adjustment=choice.adjustment if scored else Decimal(0),
        adjustment_comment=choice.adjustment_comment if scored else "",
        comment=choice.comment,
    )

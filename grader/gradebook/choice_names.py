"""The rubric's own names for what a grader typed: criterion ids, level and item labels match
whatever their case when only one does; a miss names the nearest ("did you mean …")."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from grader.domain.errors import GraderError
from grader.domain.rubric import Criterion, CriterionKind, Rubric


@dataclass(frozen=True)
class ChoiceNames:
    """A criterion id and a level or items as the rubric spells them."""

    criterion_id: str
    level: str | None
    items: tuple[str, ...] | None


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def rubric_name(typed: str, names: Sequence[str], what: str) -> str:
    """The one of ``names`` that ``typed`` is, exactly or whatever its case; GraderError otherwise,
    naming the nearest (``what``: "criterion 'x' of 'a1' has no level", for the message)."""
    if typed in names:
        return typed
    same = [name for name in names if _folded(name) == _folded(typed)]
    if len(same) == 1:
        return same[0]
    if same:
        could_be = " or ".join(repr(name) for name in same)
        raise GraderError(f"{what} '{typed}': it could be {could_be}; type it exactly")
    by_fold = {_folded(name): name for name in names}
    near = difflib.get_close_matches(_folded(typed), list(by_fold), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(by_fold[n]) for n in near)}? " if near else ""
    raise GraderError(f"{what} '{typed}' ({hint}expected one of: {', '.join(names)})")


def choice_names(
    rubric: Rubric,
    assignment_id: str,
    criterion_id: str,
    level: str | None = None,
    items: tuple[str, ...] | None = None,
) -> ChoiceNames:
    """The criterion, level and items the grader typed, as the rubric spells them."""
    criterion_id = rubric_name(
        criterion_id, [c.id for c in rubric.criteria], f"assignment '{assignment_id}' has no criterion"
    )
    criterion = rubric.criterion(criterion_id)
    assert criterion is not None
    if level is not None and criterion.kind is CriterionKind.LEVELS:
        level = rubric_name(level, _labels(criterion), f"criterion '{criterion_id}' has no level")
    if items and criterion.kind is CriterionKind.CHECKLIST:
        what = f"criterion '{criterion_id}' has no item"
        items = tuple(rubric_name(item, _labels(criterion), what) for item in items)
    return ChoiceNames(criterion_id, level, items)


def _labels(criterion: Criterion) -> list[str]:
    return [lv.label for lv in criterion.levels] or [it.label for it in criterion.items]

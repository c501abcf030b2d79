"""Conversions between column values and domain values: timestamps, choices, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

from grader.domain.choices import CriterionChoice

_V = TypeVar("_V")


def timestamp(moment: datetime) -> str:
    """A timezone-aware moment as fixed-width UTC ISO-8601 text, which sorts chronologically."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the gradebook needs a timezone-aware time, got {moment!r}")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_timestamp(value: str) -> datetime:
    return datetime.fromisoformat(value)


def cached(cache: dict[str, _V], text: str, parse: Callable[[str], _V]) -> _V:
    """``parse(text)``, made once per distinct text: a class's rows repeat the same few values.

    Only for immutable values, which the callers then share.
    """
    value = cache.get(text)
    if value is None:
        value = cache[text] = parse(text)
    return value


def dump_json(value: object) -> str:
    """Canonical JSON: sorted keys, no spaces, Unicode kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def load_json_dict(value: str) -> dict[str, object]:
    loaded: Any = json.loads(value)
    if not isinstance(loaded, dict):
        raise ValueError(f"expected a JSON object, got {value[:40]!r}")
    return loaded


def normalized(choice: CriterionChoice) -> CriterionChoice:
    """The choice exactly as a grade event records it, so replaying events rebuilds the state."""
    for number in (choice.points, choice.adjustment):
        if number is not None and not number.is_finite():
            raise ValueError(f"a choice needs finite numbers, got {number}")
    return CriterionChoice.from_dict(choice.to_dict())


def choice_columns(choice: CriterionChoice) -> dict[str, str | None]:
    """The ``criterion_choice`` columns that hold a choice."""
    return {
        "level": choice.level,
        "items": dump_json(list(choice.items)) if choice.items is not None else None,
        "points": str(choice.points) if choice.points is not None else None,
        "adjustment": str(choice.adjustment),
        "adjustment_comment": choice.adjustment_comment,
        "comment": choice.comment,
    }


def choice_from_columns(
    level: str | None,
    items: str | None,
    points: str | None,
    adjustment: str,
    adjustment_comment: str,
    comment: str,
) -> CriterionChoice:
    loaded_items: Any = json.loads(items) if items is not None else None
    return CriterionChoice(
        level=level,
        items=tuple(str(item) for item in loaded_items) if loaded_items is not None else None,
        points=Decimal(points) if points is not None else None,
        adjustment=Decimal(adjustment),
        adjustment_comment=adjustment_comment,
        comment=comment,
    )


def choice_json(choice: CriterionChoice) -> str:
    return dump_json(choice.to_dict())


def choice_from_json(value: str) -> CriterionChoice:
    return CriterionChoice.from_dict(load_json_dict(value))

"""What a grader chose for a criterion: the gradebook stores choices, never totals."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CriterionChoice:
    """A choice for one criterion of one submission.

    ``level`` (levels), ``items`` (checklist; an empty tuple means "no item applies") or
    ``points`` (points and autograded criteria) says what was chosen; ``None`` means not yet.
    """

    level: str | None = None
    items: tuple[str, ...] | None = None
    points: Decimal | None = None
    adjustment: Decimal = Decimal(0)
    adjustment_comment: str = ""
    comment: str = ""

    @property
    def is_scored(self) -> bool:
        return self.level is not None or self.items is not None or self.points is not None

    @property
    def is_empty(self) -> bool:
        return not self.is_scored and not self.adjustment and not self.comment

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form, as grade events and ``status --json`` record it."""
        out: dict[str, object] = {}
        if self.level is not None:
            out["level"] = self.level
        if self.items is not None:
            out["items"] = list(self.items)
        if self.points is not None:
            out["points"] = str(self.points)
        if self.adjustment:
            out["adjustment"] = str(self.adjustment)
            out["adjustment_comment"] = self.adjustment_comment
        if self.comment:
            out["comment"] = self.comment
        return out

    @classmethod
    def from_dict(cls, data: dict[str, object] | None) -> CriterionChoice:
        if not data:
            return cls()
        items = data.get("items")
        points = data.get("points")
        level = data.get("level")
        return cls(
            level=str(level) if level is not None else None,
            items=tuple(str(i) for i in items) if isinstance(items, list) else None,
            points=Decimal(str(points)) if points is not None else None,
            adjustment=Decimal(str(data.get("adjustment", "0"))),
            adjustment_comment=str(data.get("adjustment_comment", "")),
            comment=str(data.get("comment", "")),
        )

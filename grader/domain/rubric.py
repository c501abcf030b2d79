"""Rubrics: criteria scored by level, by checklist, by points, or by an autograder."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cached_property

from grader.domain.checks import Check as Check
from grader.domain.checks import CheckKind as CheckKind
from grader.domain.checks import IoCase as IoCase


class CriterionKind(StrEnum):
    LEVELS = "levels"
    CHECKLIST = "checklist"
    POINTS = "points"
    AUTOGRADED = "autograded"


@dataclass(frozen=True)
class Level:
    label: str
    points: Decimal
    description: str = ""


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    points: Decimal
    description: str = ""


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    kind: CriterionKind
    skills: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    items: tuple[ChecklistItem, ...] = ()
    points: Decimal = Decimal(0)
    check: Check | None = None
    files: tuple[str, ...] = ()
    description: str = ""

    @cached_property
    def max_points(self) -> Decimal:
        if self.kind is CriterionKind.LEVELS:
            return max((lv.points for lv in self.levels), default=Decimal(0))
        return self.points

    @property
    def is_manual(self) -> bool:
        return self.kind is not CriterionKind.AUTOGRADED

    @property
    def deducts(self) -> bool:
        """A checklist of deductions starts at the maximum; one of additions starts at zero."""
        return any(item.points < 0 for item in self.items)

    @cached_property
    def _levels_by_label(self) -> dict[str, Level]:
        return {lv.label: lv for lv in self.levels}

    @cached_property
    def _items_by_label(self) -> dict[str, ChecklistItem]:
        return {it.label: it for it in self.items}

    def level(self, label: str) -> Level | None:
        return self._levels_by_label.get(label)

    def item(self, label: str) -> ChecklistItem | None:
        return self._items_by_label.get(label)


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    skills: dict[str, str]
    criteria: tuple[Criterion, ...]

    @cached_property
    def max_points(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    @cached_property
    def manual_criteria(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.is_manual)

    def to_dict(self) -> dict[str, object]:
        """A canonical, JSON-ready form: what the hash covers and what the store snapshots."""
        return {
            "id": self.id,
            "title": self.title,
            "skills": dict(sorted(self.skills.items())),
            "criteria": [
                {
                    "id": c.id,
                    "title": c.title,
                    "kind": c.kind.value,
                    "skills": list(c.skills),
                    "levels": [[lv.label, str(lv.points), lv.description] for lv in c.levels],
                    "items": [[it.label, str(it.points), it.description] for it in c.items],
                    "points": str(c.points),
                    "check": c.check.encode() if c.check else None,
                    "files": list(c.files),
                    "description": c.description,
                }
                for c in self.criteria
            ],
        }

    @cached_property
    def content_hash(self) -> str:
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Rubric:
        """Rebuild a rubric from to_dict() output (a stored snapshot)."""
        criteria: list[Criterion] = []
        raw_criteria = data["criteria"]
        assert isinstance(raw_criteria, list)
        for c in raw_criteria:
            check = c["check"]
            criteria.append(
                Criterion(
                    id=c["id"],
                    title=c["title"],
                    kind=CriterionKind(c["kind"]),
                    skills=tuple(c["skills"]),
                    levels=tuple(Level(lb, Decimal(p), d) for lb, p, d in c["levels"]),
                    items=tuple(ChecklistItem(lb, Decimal(p), d) for lb, p, d in c["items"]),
                    points=Decimal(c["points"]),
                    check=Check.decode(check) if check else None,
                    files=tuple(c["files"]),
                    description=c["description"],
                )
            )
        skills = data["skills"]
        assert isinstance(skills, dict)
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            skills=dict(skills),
            criteria=tuple(criteria),
        )

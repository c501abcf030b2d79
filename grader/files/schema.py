"""The shapes of course.yaml and rubric files, as pydantic models with precise messages."""

from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, field_validator
from pydantic_core import PydanticCustomError

from grader.files.check_spec import CheckSpec, ChecksSpec
from grader.files.schema_types import (
    STRICT,
    Flag,
    Ident,
    Moment,
    Name,
    NonNegative,
    Number,
    Percent,
    Positive,
    Text,
    Whole,
    as_text,
)
from grader.files.strict_yaml import show

_DNS_NAME = r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"


def _did_web(value: Any) -> str:
    """Empty, or ``did:web:`` and a lower-case domain (with ``:path`` parts, as did:web allows)."""
    text = as_text(value)
    if text and not re.fullmatch(rf"did:web:{_DNS_NAME}(:[A-Za-z0-9._~-]+)*", text):
        raise PydanticCustomError(
            "did",
            "expected did:web: and a domain, e.g. did:web:badges.example.edu, got {got}",
            {"got": show(value)},
        )
    return text


def _https_url(value: Any) -> str:
    """Empty, or an https:// URL of a lower-case domain (where `grader publish` output is hosted)."""
    text = as_text(value).rstrip("/")
    if text and not re.fullmatch(rf"https://{_DNS_NAME}(/[A-Za-z0-9._~%/-]*)?", text):
        raise PydanticCustomError(
            "url",
            "expected an https:// address, e.g. https://badges.example.edu, got {got}",
            {"got": show(value)},
        )
    return text


def _canvas_id(value: Any) -> str:
    """A Canvas assignment id: the number at the end of the assignment's URL."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    if isinstance(value, str) and re.fullmatch(r"[1-9][0-9]*", value.strip()):
        return value.strip()
    raise PydanticCustomError(
        "canvas_id",
        "expected the Canvas assignment id, the number ending its URL (.../assignments/123456), got {got}",
        {"got": show(value)},
    )


class Strict(BaseModel):
    model_config = STRICT


def _distinct_labels(kind: str, labels: list[str]) -> None:
    """A non-empty list of choices whose labels differ."""
    if not labels:
        raise PydanticCustomError(f"{kind}s", f"expected at least one {kind}, got an empty list")
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise PydanticCustomError(
            f"{kind}s", f"{kind} labels must differ; repeated: {{names}}", {"names": ", ".join(repeated)}
        )


class LevelSpec(Strict):
    label: Name
    points: NonNegative
    description: Text = ""


class ItemSpec(Strict):
    label: Name
    points: Number
    description: Text = ""


class CriterionSpec(Strict):
    id: Ident
    title: Name
    description: Text = ""
    skills: list[Ident] = []
    levels: list[LevelSpec] | None = None
    points: NonNegative | None = None
    items: list[ItemSpec] | None = None
    check: CheckSpec | None = None
    files: list[Name] = []

    @field_validator("levels")
    @classmethod
    def _levels_ordered(cls, levels: list[LevelSpec] | None) -> list[LevelSpec] | None:
        if levels is None:
            return None
        _distinct_labels("level", [lv.label for lv in levels])
        for higher, lower in pairwise(levels):
            if lower.points >= higher.points:
                raise PydanticCustomError(
                    "levels",
                    "levels must be in descending order of points; '{low}' ({lp}) comes after "
                    "'{high}' ({hp})",
                    {
                        "low": lower.label,
                        "lp": str(lower.points),
                        "high": higher.label,
                        "hp": str(higher.points),
                    },
                )
        return levels

    @field_validator("items")
    @classmethod
    def _items_one_direction(cls, items: list[ItemSpec] | None) -> list[ItemSpec] | None:
        if items is None:
            return None
        _distinct_labels("item", [it.label for it in items])
        minus = [it.label for it in items if it.points < 0]
        plus = [it.label for it in items if it.points > 0]
        if minus and plus:
            raise PydanticCustomError(
                "items",
                "a checklist either deducts (all items negative) or adds (all positive), not both; "
                "deducting: {minus}; adding: {plus}",
                {"minus": ", ".join(minus), "plus": ", ".join(plus)},
            )
        return items


class RubricSpec(Strict):
    id: Ident
    title: Name
    skills: dict[Ident, Text] = {}
    criteria: list[CriterionSpec] = Field(min_length=1)


class CourseInfo(Strict):
    id: Ident
    title: Name
    term: Text = ""


class IssuerSpec(Strict):
    name: Name
    url: Name
    email: Text = ""
    did: Annotated[str, BeforeValidator(_did_web)] = ""
    site: Annotated[str, BeforeValidator(_https_url)] = ""
    auto_issue: Flag = True


class SourcesSpec(Strict):
    allow_local: Flag = False
    max_size_mb: Positive = 200
    max_files: Positive = 20_000
    timeout_seconds: Positive = 300


class LateSpec(Strict):
    grace_minutes: Whole = 0
    penalty_per_day: Percent = Decimal(0)
    max_days: Whole | None = None


class AssignmentSpec(Strict):
    id: Ident
    title: Name
    rubric: Name
    repo: Name
    deadline: Moment
    late: LateSpec = LateSpec()
    canvas_id: Annotated[str, BeforeValidator(_canvas_id)] = ""
    moodle_name: Text = ""
    anonymous: Flag = False
    starter: Text = ""


class RequiresSpec(Strict):
    skills: dict[Ident, Percent] = Field(min_length=1)
    assignments: list[Ident] = []


class BadgeSpec(Strict):
    id: Ident
    title: Name
    description: Name
    criteria: Name
    requires: RequiresSpec


class CourseSpec(Strict):
    course: CourseInfo
    issuer: IssuerSpec
    roster: Name = "roster.csv"
    sources: SourcesSpec = SourcesSpec()
    assignments: list[AssignmentSpec] = Field(min_length=1)
    badges: list[BadgeSpec] = []
    checks: ChecksSpec = ChecksSpec()

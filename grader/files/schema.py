"""The shapes of course.yaml and rubric files, as pydantic models with precise messages."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from grader.domain.numbers import number_problem
from grader.files.strict_yaml import show

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        hint = ""
        if isinstance(value, str) and re.fullmatch(r"[-+]?0[0-9]+", value.strip()):
            hint = " (a leading zero is ambiguous in YAML; write it without)"
        raise PydanticCustomError(
            "number", "expected a number, got {got}{hint}", {"got": show(value), "hint": hint}
        )
    number = Decimal(value)
    problem = number_problem(number)
    if problem:
        raise PydanticCustomError("number", "{problem}, got {got}", {"problem": problem, "got": show(value)})
    return number


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("integer", "expected a whole number, got {got}", {"got": show(value)})
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("text", "expected text, got {got}", {"got": show(value)})
    return value


def _nonempty(value: Any) -> str:
    text = _text(value)
    if not text.strip():
        raise PydanticCustomError("nonempty", "expected non-empty text, got {got}", {"got": show(value)})
    return text


def _identifier(value: Any) -> str:
    text = _text(value)
    if not ID_PATTERN.fullmatch(text):
        raise PydanticCustomError(
            "identifier",
            "expected an id of lowercase letters, digits, '.', '_' or '-' (at most 64), got {got}",
            {"got": show(value)},
        )
    return text


def _percent(value: Any) -> Decimal:
    """``80%`` (or a bare number of percent) as a fraction in [0, 1]."""
    text = value.strip() if isinstance(value, str) else None
    number: Decimal | None = None
    if text is not None and re.fullmatch(r"(0|[1-9][0-9]*)(\.[0-9]+)?%", text):
        number = Decimal(text[:-1])
    elif isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = Decimal(value)
    if number is None or not 0 <= number <= 100:
        raise PydanticCustomError(
            "percent", "expected a percentage from 0% to 100%, e.g. 80%, got {got}", {"got": show(value)}
        )
    return number / 100


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise PydanticCustomError("flag", "expected true or false, got {got}", {"got": show(value)})
    return value


def _datetime(value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is not None and not 2000 <= parsed.year <= 2200:
        raise PydanticCustomError(
            "datetime", "expected a date between the years 2000 and 2200, got {got}", {"got": show(value)}
        )
    if parsed is None or parsed.tzinfo is None:
        raise PydanticCustomError(
            "datetime",
            "expected a date and time with a UTC offset, e.g. 2026-10-01T23:59:00-04:00, got {got}",
            {"got": show(value)},
        )
    return parsed


_DNS_NAME = r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"


def _did_web(value: Any) -> str:
    """Empty, or ``did:web:`` and a lower-case domain (with ``:path`` parts, as did:web allows)."""
    text = _text(value)
    if text and not re.fullmatch(rf"did:web:{_DNS_NAME}(:[A-Za-z0-9._~-]+)*", text):
        raise PydanticCustomError(
            "did",
            "expected did:web: and a domain, e.g. did:web:badges.example.edu, got {got}",
            {"got": show(value)},
        )
    return text


def _https_url(value: Any) -> str:
    """Empty, or an https:// URL of a lower-case domain (where `grader publish` output is hosted)."""
    text = _text(value).rstrip("/")
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


Number = Annotated[Decimal, BeforeValidator(_number)]
NonNegative = Annotated[Decimal, BeforeValidator(_number), Field(ge=0)]
Whole = Annotated[int, BeforeValidator(_integer), Field(ge=0)]
Positive = Annotated[int, BeforeValidator(_integer), Field(ge=1)]
Text = Annotated[str, BeforeValidator(_text)]
Name = Annotated[str, BeforeValidator(_nonempty)]
Ident = Annotated[str, BeforeValidator(_identifier)]
Percent = Annotated[Decimal, BeforeValidator(_percent)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Moment = Annotated[datetime, BeforeValidator(_datetime)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class CheckSpec(Strict):
    run: Name
    timeout: Positive = 60


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

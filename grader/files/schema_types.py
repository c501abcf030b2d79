"""Field types shared by the course, rubric and check schemas, with precise messages."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, ConfigDict, Field
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


def as_integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("integer", "expected a whole number, got {got}", {"got": show(value)})
    return value


def as_text(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("text", "expected text, got {got}", {"got": show(value)})
    return value


def _nonempty(value: Any) -> str:
    text = as_text(value)
    if not text.strip():
        raise PydanticCustomError("nonempty", "expected non-empty text, got {got}", {"got": show(value)})
    return text


def _identifier(value: Any) -> str:
    text = as_text(value)
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


Number = Annotated[Decimal, BeforeValidator(_number)]
NonNegative = Annotated[Decimal, BeforeValidator(_number), Field(ge=0)]
Whole = Annotated[int, BeforeValidator(as_integer), Field(ge=0)]
Positive = Annotated[int, BeforeValidator(as_integer), Field(ge=1)]
Text = Annotated[str, BeforeValidator(as_text)]
Name = Annotated[str, BeforeValidator(_nonempty)]
Ident = Annotated[str, BeforeValidator(_identifier)]
Percent = Annotated[Decimal, BeforeValidator(_percent)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Moment = Annotated[datetime, BeforeValidator(_datetime)]


STRICT = ConfigDict(extra="forbid", frozen=True)
"""Every schema model's configuration: unknown fields are errors, values are frozen."""

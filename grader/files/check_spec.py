"""The shapes of a rubric criterion's ``check:`` and of course.yaml's ``checks:``.

Each field is checked on its own here; what depends on several fields (one kind per check, a
report only for junit, the cases' points against the criterion's) is in grader.files.check_rules,
so that every problem of a file is reported at once.
"""

from __future__ import annotations

import re
import shlex
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator
from pydantic_core import PydanticCustomError

from grader.domain.checks import MAX_TIMEOUT, Comparison
from grader.files.schema_types import STRICT, Flag, Name, NonNegative, Number, Text, as_text
from grader.files.strict_yaml import show

OPERATOR_CHARS = frozenset("|&;<>")  # outside quotes, these make shell operators (pipes, redirections…)


def _bare_operator(text: str) -> str | None:
    """The first shell operator outside quotes (``|``, ``&&``, ``>``, ``;``…), read as POSIX sh
    reads quotes and backslashes; None when there is none."""
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in OPERATOR_CHARS:
            end = index
            while end < len(text) and text[end] in OPERATOR_CHARS:
                end += 1
            return text[index:end]
        index += 1
    return None


def _command(value: Any) -> str:
    """An instructor's command: split like a shell's words, never run by a shell."""
    text = as_text(value)
    if not text.strip():
        raise PydanticCustomError("command", "expected a command, got {got}", {"got": show(value)})
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise PydanticCustomError(
            "command",
            "cannot be split into arguments ({why}), got {got}",
            {"why": str(exc).lower(), "got": show(value)},
        ) from None
    operator = _bare_operator(text)
    if operator is not None:
        raise PydanticCustomError(
            "command",
            "uses the shell operator {op}, but a check is never run by a shell; write sh -c '…' "
            "to use one, got {got}",
            {"op": show(operator), "got": show(value)},
        )
    if "\x00" in text or not words:
        raise PydanticCustomError("command", "expected a command, got {got}", {"got": show(value)})
    return text


def _bounded(low: int, high: int, unit: str = "") -> BeforeValidator:
    """A whole number from ``low`` to ``high``."""
    of_unit = f" of {unit}" if unit else ""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise PydanticCustomError(
                "bounded",
                "expected a whole number{of_unit} from {low} to {high}, got {got}",
                {"of_unit": of_unit, "low": low, "high": high, "got": show(value)},
            )
        return value

    return BeforeValidator(check)


def _report_path(value: Any) -> str:
    """A relative path inside the checkout copy: not absolute, no ``..``, no control characters."""
    text = as_text(value)
    path = PurePosixPath(text)
    if (
        not text.strip()
        or path.is_absolute()
        or ".." in path.parts
        or text.startswith("~")
        or re.search(r"[\x00-\x1f\x7f\\]", text)
        or str(path) == "."
    ):
        raise PydanticCustomError(
            "report",
            "expected a path inside the checkout, relative and without '..', e.g. .grader-report.xml, "
            "got {got}",
            {"got": show(value)},
        )
    return str(path)


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise PydanticCustomError("weight", "expected a weight > 0, got {got}", {"got": show(value)})
    return value


def _comparison(value: Any) -> str:
    text = as_text(value)
    allowed = [c.value for c in Comparison]
    if text not in allowed:
        raise PydanticCustomError(
            "comparison", "expected one of exact, included or regex, got {got}", {"got": show(value)}
        )
    return text


Command = Annotated[str, BeforeValidator(_command)]
Timeout = Annotated[int, _bounded(1, MAX_TIMEOUT, "seconds")]
ReportPath = Annotated[str, BeforeValidator(_report_path)]
Weight = Annotated[Number, AfterValidator(_positive)]
ComparisonName = Annotated[str, BeforeValidator(_comparison)]


class Strict(BaseModel):
    model_config = STRICT


class IoCaseSpec(Strict):
    name: Name
    input: Text = ""
    expected: Text
    comparison: ComparisonName = Comparison.INCLUDED.value
    points: NonNegative | None = None
    timeout: Timeout | None = None


class CheckSpec(Strict):
    run: Command | None = None
    junit: Command | None = None
    io: Command | None = None
    timeout: Timeout = 60
    report: ReportPath | None = None
    weights: dict[Name, Weight] | None = None
    cases: list[IoCaseSpec] | None = None


class LimitsSpec(Strict):
    memory_mb: Annotated[int, _bounded(32, 65536)] = 1024
    processes: Annotated[int, _bounded(1, 4096)] = 128
    file_size_mb: Annotated[int, _bounded(1, 16384)] = 64
    output_kb: Annotated[int, _bounded(1, 65536)] = 256
    cpu_seconds: Annotated[int, _bounded(0, MAX_TIMEOUT)] = 0


class ChecksSpec(Strict):
    trust: Flag = False
    python: Name = "grader"
    paths: list[Name] = []
    jobs: Annotated[int, _bounded(1, 64)] = 4
    limits: LimitsSpec = LimitsSpec()

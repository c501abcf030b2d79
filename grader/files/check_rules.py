"""What a rubric check needs across its fields, checked on the raw data of the file.

The schema (grader.files.check_spec) checks each field; these rules need several at once: one
kind per check, the fields that belong to each kind, a pattern that compiles, the cases' points
against the criterion's. They run even when the schema failed, so every problem is reported.
"""

from __future__ import annotations

import re
import shlex
from decimal import Decimal
from itertools import pairwise
from typing import Any

from grader.domain.errors import Problem
from grader.files.strict_yaml import PathKey, YamlDocument, field_path, show

KINDS = ("run", "junit", "io")
KIND_FIELDS = {"report": "junit", "weights": "junit", "cases": "io"}


class _Found:
    """Problems of one check, located by field path."""

    def __init__(self, doc: YamlDocument, path: PathKey) -> None:
        self.doc, self.path, self.problems = doc, path, list[Problem]()

    def add(self, message: str, *where: str | int) -> None:
        at = (*self.path, *where)
        self.problems.append(Problem(self.doc.file, self.doc.line(at), field_path(at), message))


def _unbounded_at(pattern: str, index: int) -> bool:
    """A ``*``, ``+`` or ``{n,}`` starts at ``index``."""
    return pattern[index : index + 1] in ("*", "+") or bool(re.match(r"\{\d*,\}", pattern[index:]))


def nested_repetition(pattern: str) -> bool:
    """Whether a repeated group holds a repeat, as in ``(a+)+``: matching such a pattern against
    hostile output can take exponential time (the student's program writes that output)."""
    repeats = [False]  # per open group: does it hold a repeat?
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
        elif char == "(":
            repeats.append(False)
        elif char == ")" and len(repeats) > 1:
            inner = repeats.pop()
            if inner and _unbounded_at(pattern, index + 1):
                return True
            repeats[-1] = repeats[-1] or inner
        elif _unbounded_at(pattern, index):
            repeats[-1] = True
        index += 1
    return False


def _class_end(pattern: str, start: int) -> int:
    """The index of the ``]`` closing the character class opened at ``start``."""
    index = start + 1
    index += pattern[index : index + 1] == "^"
    index += pattern[index : index + 1] == "]"
    while index < len(pattern) and pattern[index] != "]":
        index += 2 if pattern[index] == "\\" else 1
    return index


def regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be an io case's expectation, or None."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"is not a valid regular expression: {exc}"
    if nested_repetition(pattern):
        return (
            "repeats a group that itself repeats, as in (a+)+, which can take exponential time on "
            "hostile output; rewrite it without the nested repetition"
        )
    return None


def _a(kind: str) -> str:
    return f"an {kind}" if kind == "io" else f"a {kind}"


def check_problems(criterion: dict[str, Any], path: PathKey, doc: YamlDocument) -> list[Problem]:
    """The cross-field problems of ``criterion``'s check (none when it has no check mapping)."""
    check = criterion.get("check")
    if not isinstance(check, dict):
        return []
    found = _Found(doc, (*path, "check"))
    kinds = [kind for kind in KINDS if kind in check]
    if not kinds:
        found.add("expected one of run, junit or io (the command to run), got none")
    elif len(kinds) > 1:
        found.add(f"expected one of run, junit or io, got {' and '.join(kinds)}", kinds[1])
    kind = kinds[0] if len(kinds) == 1 else None
    for name, owner in KIND_FIELDS.items():
        if name in check and kind is not None and kind != owner:
            found.add(f"{name} belongs to {_a(owner)} check, not {_a(kind)} check", name)
    if kind == "junit":
        _junit_problems(check, found)
    if kind == "io":
        _io_problems(check, criterion.get("points"), found)
    return found.problems


def _junit_problems(check: dict[str, Any], found: _Found) -> None:
    report = check.get("report")
    if "report" not in check:
        found.add(
            "a junit check needs report: where its command writes the JUnit XML, e.g. .grader-report.xml"
        )
    command = check.get("junit")
    try:
        words = shlex.split(command) if isinstance(command, str) else []
    except ValueError:
        return  # the schema says why
    if not any(word.endswith("pytest") for word in words):
        return
    written = [w.split("=", 1)[1] for w in words if w.startswith(("--junitxml=", "--junit-xml="))]
    written += [after for word, after in pairwise(words) if word in ("--junitxml", "--junit-xml")]
    if not written:
        found.add(f"runs pytest but writes no JUnit report: add --junitxml={report or 'REPORT'}", "junit")
    elif isinstance(report, str) and written[-1] != report:
        found.add(f"pytest writes its report to {show(written[-1])}, but report is {show(report)}", "report")


def _io_problems(check: dict[str, Any], criterion_points: object, found: _Found) -> None:
    cases = check.get("cases")
    if cases is None or cases == []:
        found.add("an io check needs cases: a list of {name, input, expected}")
        return
    if not isinstance(cases, list):
        return  # the schema says what it expected
    first: dict[str, int] = {}
    given: list[Decimal] = []
    without: list[int] = []
    for index, case in enumerate(cases):
        if not isinstance(case, dict):
            continue
        name = case.get("name")
        if isinstance(name, str):
            line = found.doc.line((*found.path, "cases", index, "name"))
            if name in first:
                found.add(
                    f"case name {show(name)} is used twice (lines {first[name]} and {line})", "cases", index
                )
            first.setdefault(name, line)
        expected = case.get("expected")
        if case.get("comparison") == "regex" and isinstance(expected, str):
            why = regex_problem(expected)
            if why:
                found.add(why, "cases", index, "expected")
        points = case.get("points")
        if points is None:
            without.append(index)
        elif isinstance(points, int | Decimal) and not isinstance(points, bool):
            given.append(Decimal(points))
    _case_points(cases, given, without, criterion_points, found)


def _case_points(
    cases: list[Any], given: list[Decimal], without: list[int], criterion_points: object, found: _Found
) -> None:
    """Case points, when given, are the criterion's points split among the cases."""
    if without and len(without) < len(cases):
        missing = ", ".join(f"cases[{i}]" for i in without)
        found.add(f"give points to every case or to none ({missing} has none)", "cases")
        return
    counted = isinstance(criterion_points, int | Decimal) and not isinstance(criterion_points, bool)
    if not without and len(given) == len(cases) and counted:
        total = sum(given, Decimal(0))
        if total != Decimal(str(criterion_points)):
            found.add(
                f"the cases' points add up to {total}, but the criterion's points are {criterion_points}",
                "cases",
            )

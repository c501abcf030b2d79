"""GitHub Classroom tests as a rubric: one autograded criterion per Classroom test.

One criterion per test (rather than one io criterion holding every case) keeps each test's points
visible, as Classroom showed them, and lets a grader override one test without touching the
others; each test also has its own command and setup, which one io check could not hold.
Setup commands are never run: they are listed, with what to prepare instead.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from grader.domain.checks import MAX_TIMEOUT
from grader.domain.errors import GraderError, Problem, ValidationFailed
from grader.domain.rubric import Rubric
from grader.domain.text import printable
from grader.durable import TargetExists, write_shared
from grader.files.check_rules import regex_problem
from grader.files.classroom import ClassroomTest
from grader.files.rubric import parse_rubric

REPORT = ".grader-report.xml"
PYTEST = f"python -m pytest -q --noconftest -p no:cacheprovider --junitxml={REPORT}"
_SHELL_SYNTAX = re.compile(r"[|&;<>()$`*?\[\]{}~\\\n]|^\s*[A-Za-z_][A-Za-z0-9_]*=")
_SHELL_WORDS = frozenset({"cd", "export", "source", ".", "set", "if", "for", "while", "until", "case"})
_SETUP_ADVICE = (
    (
        r"\b(pip3?|pipenv|poetry|conda|uv)\b|-m pip\b",
        "installs Python packages, which needs the network: install them into the environment "
        "checks use instead (course.yaml checks: {python: …}; by default the one grader runs in)",
    ),
    (
        r"\b(npm|npx|yarn|pnpm)\b",
        "installs Node packages, which needs the network: install them beforehand into a folder "
        "listed under course.yaml checks: paths",
    ),
    (
        r"\b(apt|apt-get|sudo|brew|dnf|yum|snap)\b",
        "installs system software: install it on this machine instead (checks see the system "
        "folders read-only)",
    ),
    (
        r"\b(javac|gcc|g\+\+|clang|make|cmake|mvn|gradle|cargo|go|dotnet|tsc|rustc)\b",
        "builds the code: make it part of the check's command instead, e.g. sh -c 'SETUP && COMMAND' "
        "(dependencies it downloads must be prepared beforehand: checks have no network)",
    ),
)


@dataclass(frozen=True)
class ClassroomImport:
    text: str  # the rubric file, YAML with a commented header
    rubric: Rubric  # what the text validates to
    notes: tuple[str, ...]  # what the grader must know or prepare (setup steps never run, …)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the strict reader refuses anchors and aliases


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    typed = re.fullmatch(r"[-+.0-9].*|~|null|true|false|yes|no|on|off|y|n|", value, re.IGNORECASE | re.DOTALL)
    style = "|" if "\n" in value.rstrip("\n") else '"' if typed or "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _number(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value.normalize(), "f"))


_Dumper.add_representer(str, _text)
_Dumper.add_representer(Decimal, _number)


def rubric_id(path: Path | None) -> str:
    """A rubric id from the file it is written to (``rubrics/Calc v2.yaml`` → ``calc-v2``)."""
    return _slug(path.stem, set(), "classroom") if path else "classroom"


def _slug(name: str, taken: set[str], fallback: str = "test") -> str:
    base = re.sub(r"[^a-z0-9._]+", "-", name.lower()).strip("-._")[:56] or fallback
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _seconds(test: ClassroomTest, notes: list[str]) -> int:
    seconds = max(1, math.ceil(test.timeout_minutes * 60))
    if seconds > MAX_TIMEOUT:
        notes.append(
            f"{_shown(test.name)}: its timeout of {test.timeout_minutes} minutes became 60 (the most)"
        )
    return min(seconds, MAX_TIMEOUT)


def _shown(text: str) -> str:
    """One line, controls made visible: safe in a message and in a YAML comment."""
    return "“" + printable(text) + "”"


def _command(test: ClassroomTest, notes: list[str]) -> str:
    if test.kind == "pytest":
        notes.append(
            f"{_shown(test.name)}: Classroom's Python grader became a junit check running pytest "
            "(pytest's own discovery: test_*.py and *_test.py), points shared among passing tests"
        )
        return PYTEST
    try:
        words = shlex.split(test.run)
    except ValueError:
        words = []
    if not words or words[0] in _SHELL_WORDS or _SHELL_SYNTAX.search(test.run):
        notes.append(f"{_shown(test.name)}: runs through sh -c, as its command uses shell syntax")
        return shlex.join(["sh", "-c", test.run])
    return test.run


def _setup_note(test: ClassroomTest) -> str:
    advice = next(
        (why for pattern, why in _SETUP_ADVICE if re.search(pattern, test.setup)),
        "is never run by grader: prepare what it does before grading, or make it part of the "
        "check's command (sh -c 'SETUP && COMMAND')",
    )
    return f"{_shown(test.name)}: setup {_shown(test.setup)} is not run; it {advice}"


def _criterion(
    test: ClassroomTest, slug: str, notes: list[str], problems: list[Problem], source: str
) -> dict[str, Any]:
    seconds = _seconds(test, notes)
    command = _command(test, notes)
    check: dict[str, Any]
    if test.kind == "io":
        why = regex_problem(test.output) if test.comparison == "regex" else None
        if why:
            field = "output" if test.where.startswith("tests") else "with.expected-output"
            problems.append(Problem(source, test.line, f"{test.where}.{field}", f"{why} (Python's re)"))
        case = {
            "name": test.name,
            "input": test.input,
            "expected": test.output,
            "comparison": test.comparison,
        }
        check = {"io": command, "timeout": seconds, "cases": [case]}
    elif test.kind == "pytest":
        check = {"junit": command, "report": REPORT, "timeout": seconds}
    else:
        check = {"run": command, "timeout": seconds}
    description = f"GitHub Classroom test {_shown(test.name)}"
    if test.setup:
        description += f"; its setup {_shown(test.setup)} is not run"
    if not test.points:
        notes.append(f"{_shown(test.name)}: Classroom gave it no points; set points: to count it")
    return {
        "id": slug,
        "title": printable(test.name) or slug,
        "description": description,
        "points": test.points,
        "check": check,
    }


def classroom_rubric(
    tests: list[ClassroomTest], *, rubric_id: str, title: str, source: str, display: str
) -> ClassroomImport:
    """The rubric for ``tests``, validated as `grader check` would; ``display`` names the output."""
    notes: list[str] = []
    problems: list[Problem] = []
    taken: set[str] = set()
    criteria = []
    for test in tests:
        criteria.append(_criterion(test, _slug(test.name, taken), notes, problems, source))
        if test.setup:
            notes.append(_setup_note(test))
    if problems:
        raise ValidationFailed(problems)
    body = yaml.dump(
        {"id": rubric_id, "title": title, "criteria": criteria},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1000,
    )
    header = [
        f"# Imported from {printable(source)} by `grader rubric import-classroom`:",
        "# one autograded criterion per GitHub Classroom test, each keeping its points.",
        *[f"# - {note}" for note in notes],
    ]
    text = "\n".join(header) + "\n" + body
    return ClassroomImport(text=text, rubric=parse_rubric(text, display), notes=tuple(notes))


def write_rubric(path: Path, text: str, *, force: bool) -> None:
    """Write the rubric file durably; an existing file is replaced only with ``force``."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraderError(f"cannot create {path.parent}: {exc.strerror}") from None
    try:
        write_shared(path, text.encode("utf-8"), exclusive=not force)
    except TargetExists:
        raise GraderError(f"{path} already exists; nothing was written (--force replaces it)") from None

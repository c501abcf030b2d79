"""GitHub Classroom's autograding tests, read from either of the files Classroom writes.

- ``.github/classroom/autograding.json`` (Classroom's first autograder, the action
  education/autograding): ``{"tests": [{"name", "setup", "run", "input", "output", "comparison",
  "timeout", "points"}]}``; timeout in minutes (1 when absent), comparison included (the default),
  exact or regex; a test with an input or an output compares stdout, else only the exit status
  counts. Read from github-education-resources/autograding, src/runner.ts and
  .github/classroom/autograding.json.
- ``.github/workflows/classroom.yml`` (since 2024): steps that use
  classroom-resources/autograding-io-grader (test-name, setup-command, command, input,
  expected-output, comparison-method exact|contains|regex, timeout in minutes (10), max-score),
  autograding-command-grader (the same without input and output) or autograding-python-grader
  (pytest; max-score shared among the tests that pass). Read from their action.yml, src/main.js
  and runner/__init__.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from grader.domain.errors import Problem, ValidationFailed
from grader.files.reading import decode_utf8, read_capped
from grader.files.strict_yaml import MAX_BYTES, PathKey, YamlDocument, field_path, parse_yaml, show

COMPARISONS = {"included": "included", "contains": "included", "exact": "exact", "regex": "regex"}
GRADERS = ("autograding-io-grader", "autograding-command-grader", "autograding-python-grader")


@dataclass(frozen=True)
class ClassroomTest:
    """One Classroom test; ``kind`` is io (compares stdout), run (exit status) or pytest."""

    name: str
    kind: str
    run: str = ""
    setup: str = ""
    input: str = ""
    output: str = ""
    comparison: str = "included"
    timeout_minutes: Decimal = Decimal(1)
    points: Decimal = Decimal(0)
    where: str = ""  # its place in the file, for messages: "tests[2]", "jobs.run-autograding-tests.steps[3]"
    line: int = 0  # its line, when the file format keeps lines (a workflow does, JSON does not)


class _Fields:
    """Typed reads of one test's fields, collecting located problems."""

    def __init__(
        self, doc: YamlDocument, path: PathKey, data: dict[str, Any], problems: list[Problem]
    ) -> None:
        self.doc, self.path, self.data, self.problems = doc, path, data, problems

    def problem(self, key: str, message: str) -> None:
        at = (*self.path, key)
        line = self.doc.line(at) if self.doc.lines else 0  # JSON keeps no lines
        self.problems.append(Problem(self.doc.file, line, field_path(at), message))

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self.problem(key, "is required but missing")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            self.problem(key, f"expected text, got {show(value)}")
            return ""
        text = str(value)
        if "${{" in text:
            self.problem(key, "uses a GitHub Actions expression (${{ … }}), which grader cannot evaluate")
        return text

    def number(self, key: str, default: Decimal) -> Decimal:
        value = self.data.get(key)
        if value is None or value == "":
            return default
        try:
            number = Decimal(str(value)) if not isinstance(value, bool) else Decimal("NaN")
        except ArithmeticError:
            number = Decimal("NaN")
        if not number.is_finite() or number < 0:
            self.problem(key, f"expected a number >= 0, got {show(value)}")
            return default
        return number

    def comparison(self, key: str) -> str:
        given = self.text(key) or "included"
        if given not in COMPARISONS:
            self.problem(key, f"expected included, contains, exact or regex, got {show(given)}")
        return COMPARISONS.get(given, "included")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"duplicate key {json.dumps(repeated[0])}")
    return dict(pairs)


def _json_document(raw: bytes, display: str) -> YamlDocument:
    text = decode_utf8(raw, display, "save the file as UTF-8")
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationFailed([Problem(display, exc.lineno, "", f"is not valid JSON: {exc.msg}")]) from None
    except (ValueError, RecursionError) as exc:
        raise ValidationFailed([Problem(display, 0, "", f"is not usable JSON: {exc}")]) from None
    return YamlDocument(file=display, data=data)  # JSON values carry no lines: problems name fields


def _legacy_tests(doc: YamlDocument, problems: list[Problem]) -> list[ClassroomTest]:
    tests = doc.data.get("tests") if isinstance(doc.data, dict) else None
    if not isinstance(tests, list):
        problems.append(
            Problem(doc.file, 0, "tests", "expected a list of Classroom tests, got " + show(tests))
        )
        return []
    found: list[ClassroomTest] = []
    for index, entry in enumerate(tests):
        if not isinstance(entry, dict):
            problems.append(Problem(doc.file, 0, f"tests[{index}]", f"expected a mapping, got {show(entry)}"))
            continue
        fields = _Fields(doc, ("tests", index), entry, problems)
        given, expected = fields.text("input"), fields.text("output")
        found.append(
            ClassroomTest(
                name=fields.text("name", required=True),
                kind="io" if given or expected else "run",
                run=fields.text("run", required=True),
                setup=fields.text("setup"),
                input=given,
                output=expected,
                comparison=fields.comparison("comparison"),
                timeout_minutes=fields.number("timeout", Decimal(0)) or Decimal(1),
                points=fields.number("points", Decimal(0)),
                where=f"tests[{index}]",
            )
        )
    return found


def _workflow_step(
    doc: YamlDocument, path: PathKey, step: dict[str, Any], problems: list[Problem]
) -> ClassroomTest:
    uses = str(step.get("uses", ""))
    grader = next(name for name in GRADERS if name in uses)
    inputs = step.get("with")
    fields = _Fields(doc, (*path, "with"), inputs if isinstance(inputs, dict) else {}, problems)
    if not isinstance(inputs, dict):
        problems.append(
            Problem(doc.file, doc.line(path), field_path(path), "expected with: the test's inputs")
        )
    kind = {"autograding-io-grader": "io", "autograding-command-grader": "run"}.get(grader, "pytest")
    name = fields.text("test-name", required=kind != "pytest") or str(step.get("name") or "pytest")
    return ClassroomTest(
        name=name,
        kind=kind,
        run=fields.text("command", required=kind != "pytest"),
        setup=fields.text("setup-command"),
        input=fields.text("input").strip() if kind == "io" else "",
        output=fields.text("expected-output", required=True) if kind == "io" else "",
        comparison=fields.comparison("comparison-method") if kind == "io" else "included",
        timeout_minutes=fields.number("timeout", Decimal(10)) or Decimal(10),
        points=fields.number("max-score", Decimal(0)),
        where=field_path(path),
        line=doc.line(path),
    )


def _workflow_tests(doc: YamlDocument, problems: list[Problem]) -> list[ClassroomTest]:
    jobs = doc.data.get("jobs") if isinstance(doc.data, dict) else None
    found: list[ClassroomTest] = []
    legacy = False
    for job_name, job in (jobs or {}).items() if isinstance(jobs, dict) else ():
        steps = job.get("steps") if isinstance(job, dict) else None
        for index, step in enumerate(steps if isinstance(steps, list) else []):
            uses = str(step.get("uses", "")) if isinstance(step, dict) else ""
            legacy = legacy or "/autograding@" in uses
            if isinstance(step, dict) and any(name in uses for name in GRADERS):
                found.append(_workflow_step(doc, ("jobs", job_name, "steps", index), step, problems))
    if not found:
        hint = (
            "it runs education/autograding, which reads .github/classroom/autograding.json: import that file"
            if legacy
            else "expected steps that use classroom-resources/autograding-io-grader, -command-grader or "
            "-python-grader"
        )
        problems.append(Problem(doc.file, 1, "jobs", f"holds no GitHub Classroom tests; {hint}"))
    return found


def read_classroom(raw: bytes, display: str) -> list[ClassroomTest]:
    """The tests of an autograding.json (JSON) or a Classroom workflow (YAML); every problem at once."""
    problems: list[Problem] = []
    if raw.lstrip().startswith(b"{"):
        tests = _legacy_tests(_json_document(raw, display), problems)
    else:
        tests = _workflow_tests(parse_yaml(raw, display), problems)
    if not tests and not problems:
        problems.append(Problem(display, 0, "tests", "lists no tests"))
    if problems:
        raise ValidationFailed(problems)
    return tests


def load_classroom(path: Path, display: str) -> list[ClassroomTest]:
    return read_classroom(read_capped(path, display, MAX_BYTES), display)

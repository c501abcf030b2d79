"""The run, junit and io check kinds in rubric files, and course.yaml's checks: settings."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from grader.domain.checks import Check, CheckKind, IoCase
from grader.domain.errors import ValidationFailed
from grader.domain.rubric import Rubric
from grader.files.check_rules import nested_repetition
from grader.files.rubric import parse_rubric
from grader.files.skeleton import RUBRIC_YAML

HEAD = "id: r\ntitle: R\ncriteria:\n  - id: c1\n    title: One\n    points: 10\n    check:\n"  # the check mapping starts on line 8


def problems_of(check_lines: str, head: str = HEAD) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        parse_rubric(head + check_lines, "rubrics/r.yaml")
    return [str(p) for p in info.value.problems]


def test_each_kind_becomes_its_domain_check() -> None:
    text = HEAD + (
        "      junit: python -m pytest -q --noconftest --junitxml=out/report.xml\n"
        "      report: out/report.xml\n"
        "      timeout: 90\n"
        '      weights: {"test_divide*": 2, "*slow*": 0.5}\n'
        "  - id: c2\n    title: Two\n    points: 10\n    check:\n"
        "      io: python calc.py\n"
        "      timeout: 7\n"
        "      cases:\n"
        '        - {name: adds, input: "2 + 3\\n", expected: "5", points: 4, timeout: 3}\n'
        "        - {name: divides, input: '7 / 2', expected: '^3\\.5$', comparison: regex, points: 6}\n"
        "  - id: c3\n    title: Three\n    points: 5\n    check: {run: make test}\n"
    )
    junit, io, run = (c.check for c in parse_rubric(text, "rubrics/r.yaml").criteria)
    assert junit == Check(
        "python -m pytest -q --noconftest --junitxml=out/report.xml",
        timeout=90,
        kind=CheckKind.JUNIT,
        report="out/report.xml",
        weights=(("test_divide*", Decimal(2)), ("*slow*", Decimal("0.5"))),
    )
    assert io == Check(
        "python calc.py",
        timeout=7,
        kind=CheckKind.IO,
        cases=(
            IoCase("adds", "2 + 3\n", "5", "included", Decimal(4), 3),
            IoCase("divides", "7 / 2", r"^3\.5$", "regex", Decimal(6), 7),
        ),
    )
    assert run == Check("make test", 60)
    assert run.argv() == ["make", "test"]


def test_io_cases_without_points_share_the_criterion_equally() -> None:
    text = (
        HEAD
        + "      io: ./calc\n      cases:\n        - {name: a, expected: x}\n        - {name: b, expected: y}\n"
    )
    (check,) = (c.check for c in parse_rubric(text, "rubrics/r.yaml").criteria)
    assert check is not None
    assert [(c.points, c.comparison, c.input, c.timeout) for c in check.cases] == [
        (Decimal(1), "included", "", 60)
    ] * 2


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            "      run: a\n      junit: b\n",
            ["9 criteria[0].check.junit: expected one of run, junit or io, got run and junit"],
        ),
        (
            "      timeout: 5\n",
            ["8 criteria[0].check: expected one of run, junit or io (the command to run), got none"],
        ),
        (
            "      junit: ./gradlew test\n",
            [
                "8 criteria[0].check: a junit check needs report: where its command writes the JUnit XML, e.g. .grader-report.xml"
            ],
        ),
        (
            "      junit: python -m pytest -q\n      report: r.xml\n",
            ["8 criteria[0].check.junit: runs pytest but writes no JUnit report: add --junitxml=r.xml"],
        ),
        (
            "      junit: pytest --junitxml out.xml\n      report: r.xml\n",
            ['9 criteria[0].check.report: pytest writes its report to "out.xml", but report is "r.xml"'],
        ),
        *[
            (
                f"      junit: mvn test\n      report: {path}\n",
                [
                    "9 criteria[0].check.report: expected a path inside the checkout, relative and without "
                    f"'..', e.g. .grader-report.xml, got {json.dumps(path)}"
                ],
            )
            for path in ("/etc/passwd", "../outside.xml", "a/../../b.xml", "~/r.xml", ".")
        ],
        (
            "      io: ./calc\n",
            ["8 criteria[0].check: an io check needs cases: a list of {name, input, expected}"],
        ),
        (
            "      io: ./calc\n      cases: []\n",
            ["8 criteria[0].check: an io check needs cases: a list of {name, input, expected}"],
        ),
        (
            "      io: ./calc\n      cases:\n        - {name: a, input: x}\n",
            ["10 criteria[0].check.cases[0].expected: is required but missing"],
        ),
        (
            "      io: ./calc\n      cases:\n        - {name: a, expected: x, comparison: fuzzy}\n",
            [
                '10 criteria[0].check.cases[0].comparison: expected one of exact, included or regex, got "fuzzy"'
            ],
        ),
        (
            "      io: ./calc\n      cases:\n        - name: a\n          expected: '[a-'\n          comparison: regex\n",
            [
                "11 criteria[0].check.cases[0].expected: is not a valid regular expression: "
                "unterminated character set at position 0"
            ],
        ),
        (
            "      io: ./calc\n      cases:\n        - {name: a, expected: '(a+)+$', comparison: regex}\n",
            [
                "10 criteria[0].check.cases[0].expected: repeats a group that itself repeats, as in (a+)+, which "
                "can take exponential time on hostile output; rewrite it without the nested repetition"
            ],
        ),
        (
            "      junit: ./t\n      report: r.xml\n      weights:\n        a: 0\n        b: -1\n        c: x\n",
            [
                "11 criteria[0].check.weights.a: expected a weight > 0, got 0",
                "12 criteria[0].check.weights.b: expected a weight > 0, got -1",
                '13 criteria[0].check.weights.c: expected a number, got "x"',
            ],
        ),
        (
            "      run: x\n      timeout: 0\n",
            ["9 criteria[0].check.timeout: expected a whole number of seconds from 1 to 3600, got 0"],
        ),
        (
            "      run: x\n      timeout: 3601\n",
            ["9 criteria[0].check.timeout: expected a whole number of seconds from 1 to 3600, got 3601"],
        ),
        (
            "      run: x\n      timeout: 1.5\n",
            ["9 criteria[0].check.timeout: expected a whole number of seconds from 1 to 3600, got 1.5"],
        ),
        (
            "      io: ./calc\n      cases:\n        - {name: a, expected: x, timeout: -1}\n",
            [
                "10 criteria[0].check.cases[0].timeout: expected a whole number of seconds from 1 to 3600, got -1"
            ],
        ),
        ('      run: "  "\n', ['8 criteria[0].check.run: expected a command, got "  "']),
        (
            "      run: python -c 'print(1)\n",
            [
                '8 criteria[0].check.run: cannot be split into arguments (no closing quotation), got "python -c \'print(1)"'
            ],
        ),
        (
            "      run: python a.py | grep ok\n",
            [
                '8 criteria[0].check.run: uses the shell operator "|", but a check is never run by a shell; '
                "write sh -c '…' to use one, got \"python a.py | grep ok\""
            ],
        ),
        (
            "      io: ./calc\n      report: r.xml\n      cases:\n        - {name: a, expected: x}\n",
            ["9 criteria[0].check.report: report belongs to a junit check, not an io check"],
        ),
        (
            "      run: ./t\n      weights: {a: 1}\n      cases:\n        - {name: a, expected: x}\n",
            [
                "9 criteria[0].check.weights: weights belongs to a junit check, not a run check",
                "11 criteria[0].check.cases: cases belongs to an io check, not a run check",
            ],
        ),
        (
            "      io: ./c\n      cases:\n        - {name: a, expected: x, points: 3}\n        - {name: b, expected: x, points: 3}\n",
            ["10 criteria[0].check.cases: the cases' points add up to 6, but the criterion's points are 10"],
        ),
        (
            "      io: ./c\n      cases:\n        - {name: a, expected: x, points: 10}\n        - {name: a, expected: y}\n",
            [
                "10 criteria[0].check.cases: give points to every case or to none (cases[1] has none)",
                '11 criteria[0].check.cases[1]: case name "a" is used twice (lines 10 and 11)',
            ],
        ),
        (
            "      run: ./t\n      retries: 3\n",
            [
                "9 criteria[0].check.retries: unknown field (expected one of: cases, io, junit, report, run, timeout, weights)"
            ],
        ),
    ],
)
def test_every_bad_check_is_reported_where_it_is(lines: str, expected: list[str]) -> None:
    assert problems_of(lines) == ["rubrics/r.yaml:" + e for e in expected]


def test_a_quoted_operator_is_an_argument_not_an_operator() -> None:
    rubric = parse_rubric(HEAD + "      run: python calc.py '|' \"&&\"\n", "rubrics/r.yaml")
    check = rubric.criteria[0].check
    assert check is not None and check.argv() == ["python", "calc.py", "|", "&&"]


def test_escaped_quotes_split_as_a_shell_would() -> None:
    rubric = parse_rubric(HEAD + '      run: \'python -c "print(\\"a|b\\")"\'\n', "rubrics/r.yaml")
    check = rubric.criteria[0].check
    assert check is not None and check.argv() == ["python", "-c", 'print("a|b")']


def test_a_check_beside_levels_or_without_points_is_refused() -> None:
    levels = "  - id: c1\n    title: One\n    levels:\n      - {label: A, points: 2}\n    check: {run: x}\n"
    assert problems_of("", "id: r\ntitle: R\ncriteria:\n" + levels) == [
        "rubrics/r.yaml:4 criteria[0]: expected one of levels, items or check, got levels and check"
    ]
    no_points = "id: r\ntitle: R\ncriteria:\n  - id: c1\n    title: One\n    check: {io: x, cases: [{name: a, expected: b}]}\n"
    assert problems_of("", no_points) == [
        "rubrics/r.yaml:4 criteria[0]: a criterion with check needs points (its maximum)"
    ]


@pytest.mark.parametrize(
    ("pattern", "nested"),
    [
        (r"(a+)+$", True),
        (r"(a*)*", True),
        (r"(\d+){2,}", True),
        (r"((a+)b)*", True),
        (r"(?:x+y)+", True),
        (r"(ab)+", False),
        (r"a+b*", False),
        (r"(\d+){3}", False),
        (r"[(a+)]+", False),
        (r"\(a+\)+", False),
        (r"(x[+*])+", False),
    ],
)
def test_nested_repetition_is_found(pattern: str, nested: bool) -> None:
    assert nested_repetition(pattern) is nested


def test_the_skeletons_commented_check_kinds_are_valid() -> None:
    uncommented = re.sub(r"(?m)^  # (?=(- id|  ))", "  ", RUBRIC_YAML)
    assert uncommented != RUBRIC_YAML
    rubric = parse_rubric(uncommented, "rubrics/calculator.yaml")
    kinds = [c.check.kind for c in rubric.criteria if c.check]
    assert kinds == [CheckKind.RUN, CheckKind.JUNIT, CheckKind.IO]
    io = rubric.criteria[-1].check
    assert io is not None and [c.expected for c in io.cases] == ["5", r"^3\.5$"]


def test_the_hash_covers_the_check_and_keeps_plain_run_checks_stable() -> None:
    text = HEAD + "      run: python -m pytest -q\n"
    plain = parse_rubric(text, "rubrics/r.yaml")
    # A plain run check keeps the encoding rubrics had before the check kinds (so accepted hashes hold).
    assert plain.to_dict()["criteria"][0]["check"] == ["python -m pytest -q", 60]  # type: ignore[index]
    longer = parse_rubric(text + "      timeout: 61\n", "rubrics/r.yaml")
    assert plain.content_hash != longer.content_hash
    check, other = plain.criteria[0].check, longer.criteria[0].check
    assert check is not None and other is not None and check.digest != other.digest
    assert check.digest == Check("python -m pytest -q", 60).digest and len(check.digest) == 64


@pytest.mark.parametrize(
    "lines",
    [
        "      junit: ./t\n      report: r.xml\n      weights: {a: 2}\n",
        "      io: ./c\n      cases:\n        - {name: a, expected: x, comparison: exact, points: 4, timeout: 3}\n"
        "        - {name: b, input: 'x\\n', expected: y, points: 6}\n",
    ],
)
def test_every_kind_round_trips_through_the_stored_snapshot(lines: str) -> None:
    rubric = parse_rubric(HEAD + lines, "rubrics/r.yaml")
    stored = json.loads(json.dumps(rubric.to_dict()))
    assert Rubric.from_dict(stored) == rubric
    assert Rubric.from_dict(stored).content_hash == rubric.content_hash
    changed = parse_rubric(
        HEAD + lines.replace("r.xml", "s.xml").replace("expected: y", "expected: z"), "rubrics/r.yaml"
    )
    assert changed.content_hash != rubric.content_hash
    assert changed.criteria[0].check.digest != rubric.criteria[0].check.digest  # type: ignore[union-attr]

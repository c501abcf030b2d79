"""RUB-1 … RUB-7: hostile or mistaken rubric and course files (security.md)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from grader.domain.errors import ValidationFailed
from grader.files.course import load_course
from grader.files.rubric import load_rubric, parse_rubric
from grader.files.strict_yaml import parse_yaml

VALID_CRITERION = "  - id: c1\n    title: One\n    levels:\n      - {label: Good, points: 2}\n"


def problems_of(text: str | bytes) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        if isinstance(text, bytes):
            parse_rubric_bytes(text)
        else:
            parse_rubric(text, "rubrics/r.yaml")
    return [str(p) for p in info.value.problems]


def parse_rubric_bytes(raw: bytes) -> None:
    from grader.files.rubric import rubric_from_document

    rubric_from_document(parse_yaml(raw, "rubrics/r.yaml"))


def test_rub_1_billion_laughs_is_refused_fast() -> None:
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb += f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    assert len(bomb) < 1100
    started = time.perf_counter()
    found = problems_of(bomb)
    elapsed = time.perf_counter() - started
    assert found == ["rubrics/r.yaml:1 anchors and aliases are not allowed (found &a)"]
    assert elapsed < 0.1


def test_rub_2_recursive_alias_is_refused_without_recursion_error() -> None:
    assert problems_of("a: &x [*x]\n") == ["rubrics/r.yaml:1 anchors and aliases are not allowed (found &x)"]
    assert problems_of("id: r\ncriteria:\n  - *undefined\n") == [
        "rubrics/r.yaml:3 aliases are not allowed (found *undefined)"
    ]


def test_rub_3_python_tags_are_refused_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"id: !!python/object/apply:os.system ['touch {marker}']\n"
    found = problems_of(text)
    assert found == [
        "rubrics/r.yaml:1 tags are not allowed (found tag:yaml.org,2002:python/object/apply:os.system)"
    ]
    assert not marker.exists()
    assert problems_of("id: !custom x\n")[0].startswith("rubrics/r.yaml:1 tags are not allowed")


def test_rub_4_duplicate_keys_and_criterion_ids_name_both_lines() -> None:
    assert problems_of("id: r\ntitle: T\nid: s\n") == [
        "rubrics/r.yaml:3 id: duplicate key (first defined on line 1)"
    ]
    text = "id: r\ntitle: T\ncriteria:\n" + VALID_CRITERION + VALID_CRITERION
    assert problems_of(text) == [
        "rubrics/r.yaml:8 criteria[1].id: criterion id 'c1' is used twice (lines 4 and 8)"
    ]


def test_rub_5_every_field_error_is_reported_at_once() -> None:
    text = """\
id: r
title: T
criteria:
  - id: a
    title: A
    points: "ten"
    items: [{label: x, points: -1}]
  - id: b
    title: B
    points: -3
    items: [{label: x, points: -1}]
  - id: c
    title: C
    points: NO
    items: [{label: x, points: -1}]
  - id: d
    title: D
    points: 010
    items: [{label: x, points: -1}]
  - id: e
    title: E
    pionts: 3
    points: 3
    items: [{label: x, points: -1}]
"""
    assert problems_of(text) == [
        'rubrics/r.yaml:6 criteria[0].points: expected a number, got "ten"',
        "rubrics/r.yaml:10 criteria[1].points: expected a number >= 0, got -3",
        'rubrics/r.yaml:14 criteria[2].points: expected a number, got "NO"',
        'rubrics/r.yaml:18 criteria[3].points: expected a number, got "010" '
        "(a leading zero is ambiguous in YAML; write it without)",
        "rubrics/r.yaml:22 criteria[4].pionts: unknown field (expected one of: check, description, files, id, "
        "items, levels, points, skills, title); did you mean 'points'?",
    ]
    assert problems_of("id: r\ntitle: T\n") == ["rubrics/r.yaml:1 criteria: is required but missing"]


def test_rub_5_hostile_checks_are_refused_at_once_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"""\
id: r
title: T
criteria:
  - id: a
    title: A
    points: 5
    check: {{run: "python t.py; touch {marker}", timeout: 99999}}
  - id: b
    title: B
    points: 5
    check: {{junit: "mvn test", report: ../../../home/ta/.ssh/id_ed25519}}
  - id: c
    title: C
    points: 5
    check:
      io: "python calc.py $(touch {marker})"
      cases: [{{name: x, expected: "(.*a)+$", comparison: regex}}]
  - id: d
    title: D
    points: 5
    check: {{run: "sh -c 'unbalanced", io: x}}
"""
    assert problems_of(text) == [
        'rubrics/r.yaml:7 criteria[0].check.run: uses the shell operator ";", but a check is never run by a '
        f"shell; write sh -c '…' to use one, got \"python t.py; touch {str(marker)[:18]}...\"",
        "rubrics/r.yaml:7 criteria[0].check.timeout: expected a whole number of seconds from 1 to 3600, got 99999",
        "rubrics/r.yaml:11 criteria[1].check.report: expected a path inside the checkout, relative and without "
        "'..', e.g. .grader-report.xml, got \"../../../home/ta/.ssh/id_ed25519\"",
        "rubrics/r.yaml:17 criteria[2].check.cases[0].expected: repeats a group that itself repeats, as in (a+)+, "
        "which can take exponential time on hostile output; rewrite it without the nested repetition",
        "rubrics/r.yaml:21 criteria[3].check.io: expected one of run, junit or io, got run and io",
        "rubrics/r.yaml:21 criteria[3].check.run: cannot be split into arguments (no closing quotation), "
        'got "sh -c \'unbalanced"',
    ]
    assert not marker.exists()


def test_rub_6_encodings_and_sizes(tmp_path: Path) -> None:
    good = "id: r\ntitle: T\ncriteria:\n" + VALID_CRITERION
    bom_crlf = b"\xef\xbb\xbf" + good.replace("\n", "\r\n").encode()
    path = tmp_path / "r.yaml"
    path.write_bytes(bom_crlf)
    assert load_rubric(path, "rubrics/r.yaml").criteria[0].id == "c1"

    latin1 = "id: r\ntitle: Café\n".encode("latin-1")
    assert problems_of(latin1) == [
        "rubrics/r.yaml:2 is not valid UTF-8 (byte 0xE9 at column 11); save the file as UTF-8"
    ]
    assert problems_of(b"id: r\ncriteria:\n\t- id: x\n")[0].startswith("rubrics/r.yaml:3 is not valid YAML")
    assert problems_of(b"") == ["rubrics/r.yaml:1 is empty; expected a YAML mapping"]
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * 10_000_000)
    with pytest.raises(ValidationFailed) as info:
        load_rubric(big, "rubrics/big.yaml")
    assert str(info.value) == "rubrics/big.yaml is 10,000,002 bytes; the limit is 1,000,000 bytes"


def test_rub_7_semantic_errors_name_what_is_involved(course_dir: Path) -> None:
    text = """\
id: r
title: T
skills: {coding: Coding}
criteria:
  - id: order
    title: Order
    skills: [coding, cooking]
    levels:
      - {label: Low, points: 1}
      - {label: High, points: 5}
  - id: mixed
    title: Mixed
    points: 10
    items:
      - {label: Bonus, points: 2}
      - {label: Typo, points: -1}
"""
    assert problems_of(text) == [
        "rubrics/r.yaml:7 criteria[0].skills[1]: unknown skill 'cooking' (declared under skills: coding)",
        "rubrics/r.yaml:9 criteria[0].levels: levels must be in descending order of points; "
        "'High' (5) comes after 'Low' (1)",
        "rubrics/r.yaml:15 criteria[1].items: a checklist either deducts (all items negative) or adds "
        "(all positive), not both; deducting: Typo; adding: Bonus",
    ]
    course_yaml = course_dir / "course.yaml"
    course_yaml.write_text(
        course_yaml.read_text().replace(
            "{python-basics: 80%, testing: 70%}", "{python-basics: 80%, juggling: 70%}"
        )
    )
    with pytest.raises(ValidationFailed) as info:
        load_course(course_dir)
    assert [str(p) for p in info.value.problems] == [
        "course.yaml:35 badges[0].requires.skills.juggling: badge 'python-foundations' names unknown skill "
        "'juggling' (the rubrics define: python-basics, testing)"
    ]

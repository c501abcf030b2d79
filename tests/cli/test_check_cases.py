"""`grader check` on each RUB case and on a broken roster: exit 1, every error as file:line field: message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grader.cli.main import main

BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)
RUB_CASES: dict[str, bytes] = {
    "RUB-1 billion laughs": BOMB.encode(),
    "RUB-2 recursive alias": b"id: &x [*x]\n",
    "RUB-3 python tag": b"id: !!python/object/apply:os.system ['touch /tmp/rub3']\n",
    "RUB-4 duplicate keys": b"id: calculator\nid: again\n",
    "RUB-5 bad fields": (
        b"id: calculator\ntitle: T\ncriteria:\n  - id: a\n    title: A\n    pionts: 3\n    points: NO\n"
        b"    items: [{label: x, points: -1}]\n"
    ),
    "RUB-6 latin-1": "id: calculator\ntitle: Caf\u00e9\n".encode("latin-1"),
    "RUB-6 empty": b"",
    "RUB-7 levels out of order": (
        b"id: calculator\ntitle: T\ncriteria:\n  - id: a\n    title: A\n    levels:\n"
        b"      - {label: Low, points: 1}\n      - {label: High, points: 5}\n"
    ),
}
LINE = re.compile(r"^rubrics/calculator\.yaml(:\d+)? .+")


@pytest.mark.parametrize("case", sorted(RUB_CASES))
def test_check_lists_every_error_with_its_place(course_dir: Path, case: str, capsys) -> None:
    (course_dir / "rubrics" / "calculator.yaml").write_bytes(RUB_CASES[case])
    code = main(["--course", str(course_dir), "check"])
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert code == 1
    assert out == ""
    assert lines[-1].endswith("problem(s) found; nothing was changed")
    assert lines[:-1], err
    assert all(LINE.match(line) for line in lines[:-1]), err
    assert not Path("/tmp/rub3").exists()


def test_check_lists_every_roster_problem(course_dir: Path, capsys) -> None:
    (course_dir / "roster.csv").write_text(
        "student_id,name,email,github\n00123,Zoë,zoe@x.edu,zoe\n00123,Bo,bo@x.edu,-bo\n00125,,cy,cy\n"
    )
    assert main(["--course", str(course_dir), "check"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        'roster.csv:3 github: expected a GitHub handle (letters, digits, single hyphens, at most 39), got "-bo"',
        'roster.csv:3 student_id: "00123" is used twice (lines 2 and 3)',
        'roster.csv:4 email: expected an address like ana@example.edu, got "cy"',
        "roster.csv:4 name: is required but empty",
        "4 problem(s) found; nothing was changed",
    ]

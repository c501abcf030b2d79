"""The demo roster: 30+ students, names in five scripts, unique ids and valid handles."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from grader.demo.people import make_roster

HEADER = [
    "student_id",
    "name",
    "email",
    "github",
    "section",
    "canvas_id",
    "sis_user_id",
    "sis_login_id",
    "moodle_idnumber",
]
HANDLE = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9])*")


def rows(course: Path) -> list[dict[str, str]]:
    with (course / "roster.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == HEADER
        return list(reader)


def scripts(name: str) -> set[str]:
    found = set()
    for ch in name:
        if not ch.isalpha():
            continue
        label = unicodedata.name(ch, "")
        if label.startswith("LATIN") and ("WITH" in label or label.endswith("STROKE")):
            found.add("latin-diacritics")
        for script in ("GREEK", "CYRILLIC", "ARABIC", "CJK"):
            if label.startswith(script):
                found.add(script.lower())
    return found


def test_roster_has_enough_students_in_five_scripts(demo_course: Path) -> None:
    students = rows(demo_course)
    assert len(students) >= 30
    seen = set().union(*(scripts(s["name"]) for s in students))
    assert {"latin-diacritics", "greek", "cyrillic", "arabic", "cjk"} <= seen
    names = {s["name"] for s in students}
    assert {"Zoë Dubois", "José Martínez", "Łukasz Wiśniewski", "Nguyễn Thị Mai"} <= names


def test_ids_handles_and_emails_are_unique_and_valid(demo_course: Path) -> None:
    students = rows(demo_course)
    assert len(students) == 36
    for column in ("student_id", "email", "canvas_id"):
        assert len({s[column] for s in students}) == len(students), column
    handles = [s["github"] for s in students]
    assert len({h.casefold() for h in handles}) == len(handles)
    for handle in handles:
        assert HANDLE.fullmatch(handle) and len(handle) <= 39, handle
    for student in students:
        assert re.fullmatch(r"[^@\s]+@student\.example\.edu", student["email"])
        assert student["sis_user_id"] == student["moodle_idnumber"] == student["student_id"]


def test_numeric_ids_keep_their_leading_zeros(demo_course: Path) -> None:
    ids = [s["student_id"] for s in rows(demo_course)]
    assert all(i.isdigit() and len(i) == 8 for i in ids)
    assert any(i.startswith("00") for i in ids)
    assert ids == sorted(ids)


def test_two_sections(demo_course: Path) -> None:
    sections = [s["section"] for s in rows(demo_course)]
    assert set(sections) == {"CS101-01", "CS101-02"}
    assert abs(sections.count("CS101-01") - sections.count("CS101-02")) <= 1


def test_large_rosters_stay_unique() -> None:
    roster = make_roster(20_000, 3)
    assert len({d.student.student_id for d in roster}) == 20_000
    assert len({d.student.github.casefold() for d in roster}) == 20_000
    assert len({d.student.email for d in roster}) == 20_000
    assert all(HANDLE.fullmatch(d.student.github) for d in roster)

"""A deterministic demo roster: names in several scripts, unique ids, emails and GitHub handles."""

from __future__ import annotations

import csv
import itertools
import random
import re
from dataclasses import dataclass
from pathlib import Path

from grader.demo.names import FEATURED, POOLS, Pool
from grader.demo.seeding import seeded
from grader.domain.roster import LMS_COLUMNS, Student

ROSTER_COLUMNS = ("student_id", "name", "email", "github", "section", *LMS_COLUMNS)
SECTIONS = ("CS101-01", "CS101-02")
EMAIL_DOMAIN = "student.example.edu"
TRAVEL_OFFSETS = (330, 480, 540, 180, -180, 0)
"""UTC offsets (minutes) of students who commit from elsewhere; none of these observe DST."""
MAX_HANDLE = 39


@dataclass(frozen=True)
class DemoStudent:
    student: Student
    script: str
    git_name: str
    """The name their commits carry: their name, a transliteration or their handle."""
    git_email: str
    utc_offset: int | None
    """Minutes east of UTC for their commits; None: the course's local time."""
    terse: bool
    """Writes short, vague commit messages."""


@dataclass(frozen=True)
class _Name:
    native: str
    given: str
    family: str
    script: str


def _name(pool: Pool, given_index: int, family_index: int, masculine: bool) -> _Name:
    given_native, given = (pool.given_m if masculine else pool.given_f)[given_index]
    family_entry = pool.family[family_index]
    family_native, family = family_entry[:2] if masculine else family_entry[2:]
    parts = (family_native, given_native) if pool.family_first else (given_native, family_native)
    return _Name(pool.separator.join(parts), given, family, pool.script)


_POOLS = [pool for pool, _ in POOLS]
_CUMULATIVE = list(itertools.accumulate(weight for _, weight in POOLS))
_NOT_HANDLE = re.compile(r"[^A-Za-z0-9-]+")
_HYPHENS = re.compile(r"-{2,}")


def _random_name(rng: random.Random) -> _Name:
    pool = rng.choices(_POOLS, cum_weights=_CUMULATIVE)[0]
    masculine = rng.random() < 0.5
    given_count = len(pool.given_m if masculine else pool.given_f)
    return _name(pool, rng.randrange(given_count), rng.randrange(len(pool.family)), masculine)


def _clean(text: str, limit: int = MAX_HANDLE) -> str:
    kept = _HYPHENS.sub("-", _NOT_HANDLE.sub("", text))
    return kept[:limit].strip("-")


def _handle_base(name: _Name, rng: random.Random) -> str:
    g, f = name.given, name.family
    style = rng.randrange(8)
    number = rng.randrange(1, 100)
    candidates = (
        f"{g}-{f}",
        f"{g}{f}",
        f"{g[0]}{f}",
        f"{f}-{g}",
        f"{g}{f}{number}",
        f"{g.title()}{f.title()}",
        f"{g}-{f}-{number}",
        f"{g}-codes",
    )
    return _clean(candidates[style]) or f"student{number}"


class _Unique:
    """Makes names unique (case-insensitively) by appending the next free number."""

    def __init__(self, separator: str, limit: int) -> None:
        self.separator = separator
        self.limit = limit
        self.taken: set[str] = set()
        self.next_suffix: dict[str, int] = {}

    def __call__(self, base: str) -> str:
        candidate = base
        key = base.casefold()
        while candidate.casefold() in self.taken:
            suffix = self.next_suffix.get(key, 2)
            self.next_suffix[key] = suffix + 1
            tail = f"{self.separator}{suffix}"
            candidate = base[: self.limit - len(tail)].rstrip("-.") + tail
        self.taken.add(candidate.casefold())
        return candidate


def make_roster(count: int, seed: int) -> list[DemoStudent]:
    """``count`` students, sorted by student id; the same seed always gives the same roster."""
    rng = seeded(seed, "roster")
    upper = 100_000 + max(4_900_000, 20 * count)
    width = max(8, len(str(upper - 1)))
    ids = sorted(rng.sample(range(100_000, upper), count))
    canvas_ids = rng.sample(range(100_000, 100_000 + max(900_000, 10 * count)), count)
    names = [_name(*featured) for featured in FEATURED[:count]]
    names += [_random_name(rng) for _ in range(count - len(names))]
    rng.shuffle(names)
    unique_handle = _Unique("-", MAX_HANDLE)
    unique_email = _Unique("", 64)
    students: list[DemoStudent] = []
    for index, (number, name) in enumerate(zip(ids, names, strict=True)):
        student_id = f"{number:0{width}d}"
        handle = unique_handle(_handle_base(name, rng))
        local = unique_email(f"{name.given}.{name.family}")
        email = f"{local}@{EMAIL_DOMAIN}"
        student = Student(
            student_id=student_id,
            name=name.native,
            email=email,
            github=handle,
            section=SECTIONS[index % len(SECTIONS)],
            canvas_id=str(canvas_ids[index]),
            sis_user_id=student_id,
            sis_login_id=local,
            moodle_idnumber=student_id,
        )
        latin = f"{name.given.title()} {name.family.title()}"
        pick = rng.random()
        git_name = name.native if pick < 0.55 else latin if pick < 0.8 else handle
        noreply = f"{rng.randrange(1_000_000, 200_000_000)}+{handle}@users.noreply.github.com"
        git_email = noreply if rng.random() < 0.4 else email
        offset = rng.choice(TRAVEL_OFFSETS) if rng.random() < 0.2 else None
        students.append(DemoStudent(student, name.script, git_name, git_email, offset, rng.random() < 0.3))
    return students


def write_roster(path: Path, students: list[DemoStudent]) -> None:
    """Write roster.csv (UTF-8, no BOM, ids kept as text)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ROSTER_COLUMNS)
        for demo in students:
            s = demo.student
            writer.writerow(
                (s.student_id, s.name, s.email, s.github, s.section, s.canvas_id,
                 s.sis_user_id, s.sis_login_id, s.moodle_idnumber)
            )  # fmt: skip

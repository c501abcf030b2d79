"""Planning a roster import: who in an LMS file is which roster student, and what to fill in.

Pure: the roster and the file's people in, a plan out. Nothing already in the roster is ever
overwritten; a differing value is a conflict that the plan reports and leaves alone.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from grader.domain.roster import LMS_COLUMNS, Student

FILLABLE = ("github", "email", "section", *LMS_COLUMNS)
"""Roster columns an import may fill where they are empty."""
CASELESS = frozenset({"github", "email"})
OPTIONAL_ORDER = ("section", *LMS_COLUMNS)
"""The order in which missing optional columns are added at the end of the roster."""
NO_MATCH = "matches no student"
NAME = "name"


@dataclass(frozen=True)
class Incoming:
    """One person as an LMS file lists them, with the roster values the file can supply."""

    line: int
    name: str
    values: Mapping[str, str]
    """Roster column -> value (only columns of FILLABLE; empty values are left out)."""
    names: tuple[str, ...] = ()
    """Every form of the name to match by (e.g. "Doe, Jane" and "Jane Doe")."""
    identifier: str = ""
    """A free-form identifier (GitHub Classroom's), matched against every id column."""
    proposed_id: str = ""
    """The student_id this person gets when added; empty when the file has no usable one."""
    remark: str = ""
    """What a report should add about this row, e.g. that it is not linked to a GitHub account yet."""

    @property
    def label(self) -> str:
        """How a report names this person: the name, else the identifier or handle."""
        return self.name or self.identifier or self.values.get("github", "")


@dataclass(frozen=True)
class Match:
    student_id: str
    line: int
    rule: str
    """Which rule matched, e.g. "canvas_id" or "name"."""
    fills: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Conflict:
    student_id: str
    line: int
    column: str
    roster_value: str
    file_value: str


@dataclass(frozen=True)
class Unmatched:
    line: int
    name: str
    reason: str


@dataclass(frozen=True)
class MergePlan:
    matches: tuple[Match, ...]
    conflicts: tuple[Conflict, ...]
    unmatched: tuple[Unmatched, ...]
    """Rows that match no roster student (and, with ``add``, could not be added)."""
    added: tuple[tuple[int, Student], ...]
    """(line, new student) for rows added with ``add``."""
    absent: tuple[Student, ...]
    """Roster students that no row of the file matched."""
    new_columns: tuple[str, ...]

    @property
    def updated(self) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if m.fills)

    @property
    def changes_roster(self) -> bool:
        return bool(self.updated or self.added)


def normal_name(name: str) -> str:
    """A name as compared: NFC, single spaces; letter case and accents kept (an exact match)."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _key(column: str, value: str) -> str:
    return value.casefold() if column in CASELESS else value


Rule = tuple[str, Callable[[Incoming], tuple[str, ...]], Callable[[Student], tuple[str, ...]]]


def _value(column: str, source: str | None = None) -> Callable[[Incoming], tuple[str, ...]]:
    """The person's value for ``source`` (default ``column``), compared as ``column`` is."""
    return lambda person: (_key(column, person.values.get(source or column, "")),)


def _column(column: str) -> Callable[[Student], tuple[str, ...]]:
    return lambda student: (_key(column, getattr(student, column)),)


def _identifier(person: Incoming) -> tuple[str, ...]:
    return (person.identifier,)


def _names(person: Incoming) -> tuple[str, ...]:
    return tuple(normal_name(n) for n in (person.name, *person.names))


RULES: tuple[Rule, ...] = (
    ("canvas_id", _value("canvas_id"), _column("canvas_id")),
    ("sis_user_id", _value("sis_user_id"), _column("sis_user_id")),
    ("student_id = SIS User ID", _value("student_id", "sis_user_id"), _column("student_id")),
    ("sis_login_id", _value("sis_login_id"), _column("sis_login_id")),
    ("email", _value("email"), _column("email")),
    ("email = SIS Login ID", _value("email", "sis_login_id"), _column("email")),
    ("github", _value("github"), _column("github")),
    ("identifier = student_id", _identifier, _column("student_id")),
    ("identifier = sis_user_id", _identifier, _column("sis_user_id")),
    ("identifier = sis_login_id", _identifier, _column("sis_login_id")),
    ("identifier = moodle_idnumber", _identifier, _column("moodle_idnumber")),
    (NAME, _names, lambda student: (normal_name(student.name),)),
)
"""Tried in order; the first rule that names exactly one roster student wins. The name is tried
only when no identifier matched anyone."""


def _indexes(roster: tuple[Student, ...]) -> list[dict[str, list[Student]]]:
    """Per rule: key -> the roster students with that key."""
    indexes: list[dict[str, list[Student]]] = []
    for _, _, of_student in RULES:
        index: dict[str, list[Student]] = {}
        for student in roster:
            for key in dict.fromkeys(k for k in of_student(student) if k):
                index.setdefault(key, []).append(student)
        indexes.append(index)
    return indexes


def _find(
    person: Incoming, indexes: list[dict[str, list[Student]]], names_in_file: Mapping[str, int]
) -> tuple[Student | None, str, str]:
    """(student, rule, "") for the first rule naming exactly one student, else (None, "", why not).

    Identifiers that name two different students (a GitHub handle that is one student's and an
    identifier that is another's) match nobody: that is for a person to sort out.
    """
    ambiguous = ""
    found_by: list[tuple[str, Student]] = []
    for (rule, of_person, _), index in zip(RULES, indexes, strict=True):
        keys = [k for k in dict.fromkeys(of_person(person)) if k]
        if rule == NAME and (found_by or any(names_in_file.get(k, 0) > 1 for k in keys)):
            if not found_by:
                ambiguous = ambiguous or "its name appears more than once in the file"
            continue
        found = list({s.student_id: s for k in keys for s in index.get(k, [])}.values())
        if len(found) == 1:
            found_by.append((rule, found[0]))
        elif len(found) > 1 and not ambiguous:
            ids = ", ".join(s.student_id for s in found)
            ambiguous = f"its {rule} fits more than one student ({ids})"
    if not found_by:
        return None, "", ambiguous or NO_MATCH
    rule, student = found_by[0]
    other = next(((r, s) for r, s in found_by if s.student_id != student.student_id), None)
    if other is not None:
        return None, "", f"its {rule} is {student.student_id}'s but its {other[0]} is {other[1].student_id}'s"
    return student, rule, ""


def _fill(student: Student, person: Incoming) -> tuple[dict[str, str], list[Conflict]]:
    fills: dict[str, str] = {}
    conflicts: list[Conflict] = []
    for column in FILLABLE:
        value = person.values.get(column, "")
        current = getattr(student, column)
        if not value or _key(column, current) == _key(column, value):
            continue
        if current:
            conflicts.append(Conflict(student.student_id, person.line, column, current, value))
        else:
            fills[column] = value
    return fills, conflicts


def _new_student(person: Incoming, known_ids: set[str], needs_github: bool) -> Student | str:
    """The student to add for ``person``, or why they cannot be added."""
    if not person.proposed_id:
        return "the file gives no student id for it (an email is not used as one)"
    if person.proposed_id in known_ids:
        return f"student_id {person.proposed_id} is taken"
    if not person.name.strip():
        return "the file gives no name"
    if needs_github and not person.values.get("github"):
        return "no GitHub handle, which the course's repository URLs need"
    known_ids.add(person.proposed_id)
    values = {c: person.values.get(c, "") for c in FILLABLE}
    return Student(person.proposed_id, normal_name(person.name), **values)


def plan_merge(
    roster: tuple[Student, ...],
    roster_columns: tuple[str, ...],
    people: tuple[Incoming, ...],
    *,
    add: bool = False,
    needs_github: bool = False,
) -> MergePlan:
    """Match every person to at most one roster student and plan what to fill, add and report."""
    indexes = _indexes(roster)
    names_in_file: dict[str, int] = {}
    for person in people:
        for name in {normal_name(n) for n in (person.name, *person.names)}:
            names_in_file[name] = names_in_file.get(name, 0) + 1
    claimed: dict[str, int] = {}
    matches: list[Match] = []
    conflicts: list[Conflict] = []
    unmatched: list[Unmatched] = []
    added: list[tuple[int, Student]] = []
    known_ids = {s.student_id for s in roster}
    for person in people:
        student, rule, why = _find(person, indexes, names_in_file)
        if student is not None and student.student_id in claimed:
            line = claimed[student.student_id]
            unmatched.append(
                Unmatched(
                    person.line, person.label, f"is {student.student_id} again (line {line} matched first)"
                )
            )
            continue
        if student is not None:
            claimed[student.student_id] = person.line
            fills, found = _fill(student, person)
            matches.append(Match(student.student_id, person.line, rule, fills))
            conflicts.extend(found)
            continue
        if add and why == NO_MATCH:
            made = _new_student(person, known_ids, needs_github)
            if isinstance(made, Student):
                added.append((person.line, made))
                continue
            why = f"{NO_MATCH} and cannot be added: {made}"
        unmatched.append(Unmatched(person.line, person.label, why))
    absent = tuple(s for s in roster if s.student_id not in claimed)
    used = {c for m in matches for c in m.fills} | {
        c for _, s in added for c in OPTIONAL_ORDER if getattr(s, c)
    }
    new_columns = tuple(c for c in OPTIONAL_ORDER if c in used and c not in roster_columns)
    return MergePlan(tuple(matches), tuple(conflicts), tuple(unmatched), tuple(added), absent, new_columns)

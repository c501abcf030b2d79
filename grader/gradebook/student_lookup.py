"""Finding a student from what a grader typed: an id, a GitHub handle, an e-mail or a name (the
TUI's student picker and every command that takes a student use the same matching)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from grader.domain.anonymity import Identities
from grader.domain.errors import GraderError
from grader.domain.roster import Student

SHOWN = 200
"""At most this many matches are listed (a course may have 100,000 students): type to narrow."""

CANDIDATES_NAMED = 8
"""An ambiguous name lists at most this many of the students it matches."""


class UnknownStudent(GraderError):
    """The typed text names no student of the roster."""


def matching(students: Sequence[Student], query: str, limit: int = SHOWN) -> tuple[list[Student], int]:
    """The first ``limit`` students whose id, name, handle or email holds ``query``; and how many match."""
    needle = query.strip().casefold()
    found: list[Student] = []
    count = 0
    for student in students:
        haystack = f"{student.student_id} {student.name} {student.github} {student.email}".casefold()
        if needle in haystack:
            count += 1
            if len(found) < limit:
                found.append(student)
    return found, count


def _exactly(student: Student, needle: str) -> bool:
    """The typed text is the student's handle (with or without '@'), e-mail or whole name."""
    handle = needle.removeprefix("@")
    return bool(
        (student.github and student.github.casefold() == handle)
        or (student.email and student.email.casefold() == needle)
        or " ".join(student.name.split()).casefold() == " ".join(needle.split())
    )


def _by_name(students: Sequence[Student], needle: str) -> tuple[list[Student], int]:
    """The first students whose name holds ``needle`` (casefolded), and how many do."""
    found = [s for s in students if needle in " ".join(s.name.split()).casefold()]
    return found[:CANDIDATES_NAMED], len(found)


def _label(student: Student) -> str:
    handle = f" @{student.github}" if student.github else ""
    return f"{student.student_id} {student.name}{handle}"


def lookup_student(
    students: Sequence[Student], by_id: Mapping[str, Student], typed: str, roster_name: str
) -> Student:
    """The one student ``typed`` names: the id, else the handle, e-mail or whole name, else the
    only student whose name holds it (never part of an id or an e-mail: "8825" could be a
    mistyped id of someone else, so it names nobody). GraderError lists the candidates of
    an ambiguous text, or the nearest names of one that matches nobody."""
    text = typed.strip()
    if text in by_id:
        return by_id[text]
    needle = text.casefold()
    if not needle:
        raise GraderError("no student given: type an id, a GitHub handle, an e-mail or a name")
    exact = [s for s in students if _exactly(s, needle)]
    if len(exact) == 1:
        return exact[0]
    found, count = (exact, len(exact)) if exact else _by_name(students, needle)
    if count == 1:
        return found[0]
    if count > 1:
        listed = "\n".join(f"  {_label(s)}" for s in found)
        more = f"\n  … and {count - len(found)} more" if count > len(found) else ""
        raise GraderError(
            f"'{typed}' matches {count} students; name one by id, handle or e-mail:\n{listed}{more}"
        )
    names = {s.name: s for s in students}
    near = difflib.get_close_matches(text, list(names), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(_label(names[n]) for n in near)}?" if near else ""
    raise UnknownStudent(f"unknown student '{typed}' (not in {roster_name}){hint}")


def student_label(shown: Identities, student: Student) -> str:
    """The student in a message: id and name, or only the pseudonym while identities are hidden."""
    if shown.hidden:
        return shown.shown_id(student.student_id)
    return f"{student.student_id} {student.name}"

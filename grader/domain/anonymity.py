"""Anonymous grading: per-assignment pseudonyms shown to graders in place of a student's name,
id, e-mail and GitHub handle, and the scrubbing of those from what a grader reads.

A pseudonym is random (it says nothing of the student or of roster order), drawn once per
student and assignment and kept in the gradebook, so every grader of a team sees the same one
and it never changes. Pseudonyms differ between assignments: grades cannot be linked across them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from grader.domain.roster import Student

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Letters and digits that cannot be misread for one another (no 0/O, 1/I/L, U/V)."""
PREFIX = "anon-"
CODE_LENGTH = 5
"""30⁵ ≈ 24 million codes: drawing one free code takes one or two tries even at 100,000 students."""
ANONYMOUS_NAME = "anonymous"
"""What shows where a real name would, beside the pseudonym."""
IDENTITIES_REVEALED = "identities revealed"
IDENTITY_LOOKED_UP = "identity looked up"
"""The audit actions of ``grader reveal ASSIGNMENT`` and ``grader reveal ASSIGNMENT PSEUDONYM``."""
_PSEUDONYM = re.compile(rf"{PREFIX}[{ALPHABET}]{{{CODE_LENGTH}}}", re.IGNORECASE)
_MIN_PART = 3
"""Name parts shorter than this ("Li", "Jo") are not scrubbed alone: too many false hits."""


@dataclass(frozen=True)
class Reveal:
    """An anonymous assignment's identities shown to its graders: when, by whom (for good)."""

    assignment_id: str
    at: datetime
    by: str


def draw_pseudonyms(count: int, taken: Collection[str]) -> list[str]:
    """``count`` new pseudonyms, none in ``taken`` nor repeated."""
    used = set(taken)
    found: list[str] = []
    while len(found) < count:
        code = PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if code not in used:
            used.add(code)
            found.append(code)
    return found


def is_pseudonym(text: str) -> bool:
    return _PSEUDONYM.fullmatch(text.strip()) is not None


def normal_pseudonym(text: str) -> str:
    """A typed pseudonym as stored ("ANON-k7q2m" → "anon-K7Q2M")."""
    code = text.strip()
    return PREFIX + code[len(PREFIX) :].upper() if is_pseudonym(code) else code


def masked(student: Student, pseudonym: str) -> Student:
    """The student as a grader of an anonymous assignment sees them: the pseudonym for a name,
    no e-mail, handle or LMS ids. The student id stays (it is the gradebook's key, never shown)."""
    return Student(student.student_id, pseudonym, "", "", student.section)


def pseudonymous(masked_student: Student) -> Student:
    """A masked student as a file shows them: the pseudonym for id and name alike (a masked
    copy keeps the real id as the gradebook's key; a file must not)."""
    return Student(masked_student.name, ANONYMOUS_NAME, "", "", masked_student.section)


def identity_terms(student: Student) -> list[str]:
    """The strings that would identify ``student`` in a text: id, name (and its longer parts),
    e-mail (and its local part), GitHub handle, LMS ids; longest first."""
    whole = [student.student_id, student.name, student.email, student.github]  # "张伟": any length
    local = student.email.split("@", 1)[0] if "@" in student.email else ""
    parts = re.split(r"[\s\-']+", student.name)
    lms = (student.canvas_id, student.sis_user_id, student.sis_login_id, student.moodle_idnumber)
    longer = [t for t in (local, *parts, *lms) if len(t.strip()) >= _MIN_PART]
    unique = {t.strip() for t in (*whole, *longer) if t.strip()}
    return sorted(unique, key=lambda t: (-len(t), t))


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = [re.escape(t) for t in terms]
    if not alternatives:
        return None
    return re.compile(rf"(?<![\w@.])@?(?:{'|'.join(alternatives)})(?![\w])", re.IGNORECASE)


@dataclass(frozen=True)
class Identities:
    """How one assignment's students are shown to graders: as themselves, or (anonymous and not
    revealed) by pseudonym, with every trace of who they are scrubbed from what is shown."""

    assignment_id: str
    hidden: bool = False
    pseudonyms: Mapping[str, str] = field(default_factory=dict)
    """Student id → pseudonym (every roster student of an anonymous assignment)."""
    students: Mapping[str, Student] = field(default_factory=dict)
    """Student id → the roster's student (for scrubbing)."""

    def shown_id(self, student_id: str) -> str:
        """What stands for the student in a list or message: the pseudonym when hidden."""
        if not self.hidden:
            return student_id
        return self.pseudonyms.get(student_id, PREFIX + "?" * CODE_LENGTH)

    def shown(self, student: Student) -> Student:
        """The student as graders see them (a masked copy when hidden)."""
        return masked(student, self.shown_id(student.student_id)) if self.hidden else student

    def real_id(self, typed: str) -> str | None:
        """The student id a typed pseudonym stands for (None when it is not one of ours)."""
        wanted = normal_pseudonym(typed)
        return self._by_pseudonym.get(wanted)

    @cached_property
    def _by_pseudonym(self) -> dict[str, str]:
        return {p: sid for sid, p in self.pseudonyms.items()}

    def scrub(self, text: str, student_id: str, also: Iterable[str] = ()) -> str:
        """``text`` with every identity of the student (and ``also``: the names and e-mails
        their commits carry) replaced by their pseudonym (student code, check output, messages);
        unchanged when not hidden."""
        student = self.students.get(student_id)
        if not self.hidden or not text or student is None:
            return text
        extra = [t.strip() for t in also if len(t.strip()) >= _MIN_PART]
        terms = sorted({*identity_terms(student), *extra}, key=lambda t: (-len(t), t))
        pattern = _term_pattern(terms)
        return pattern.sub(self.shown_id(student_id), text) if pattern is not None else text


def shown_students(shown: Identities, students: Sequence[Student]) -> Sequence[Student]:
    """The students as a list shows them: the roster, or while identities are hidden masked
    copies in pseudonym order (roster order would tell who is who)."""
    if not shown.hidden:
        return students
    masked = [shown.shown(s) for s in students]
    return sorted(masked, key=lambda s: s.name)

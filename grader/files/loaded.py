"""A course folder's validated content (light to import: no YAML or schema library)."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from grader.domain.course import Course
from grader.domain.errors import GraderError
from grader.domain.roster import Student
from grader.domain.rubric import Rubric

MAX_COURSE_FILE_BYTES = 20_000_000
"""The largest cap of any course file (the roster's; YAML files have a smaller one): a bigger file
was never validated, so it cannot have a snapshot's hash."""


@dataclass(frozen=True)
class CourseFiles:
    """Everything a course folder says, validated."""

    root: Path
    course: Course
    rubrics: dict[str, Rubric]
    """By assignment id."""
    students: Sequence[Student]
    """In roster order: a tuple, or a lazy sequence read from the gradebook's snapshot."""
    digests: Mapping[str, str] = field(default_factory=dict)
    """SHA-256 of the exact bytes validated, by file name relative to ``root`` (course.yaml, the
    roster, each rubric)."""

    def rubric(self, assignment_id: str) -> Rubric:
        if assignment_id not in self.rubrics:
            known = ", ".join(self.rubrics) or "none"
            raise GraderError(f"unknown assignment '{assignment_id}' (the course has: {known})")
        return self.rubrics[assignment_id]

    @cached_property
    def students_by_id(self) -> dict[str, Student]:
        return {s.student_id: s for s in self.students}

    def student(self, student_id: str) -> Student:
        found = self.students_by_id.get(student_id)
        if found is None:
            raise GraderError(f"unknown student '{student_id}' (not in {self.course.roster_path})")
        return found


def file_digest(path: Path, limit: int = MAX_COURSE_FILE_BYTES) -> str | None:
    """SHA-256 of a regular file's bytes, as a validation records them (files.reading); None when
    it is missing, unreadable, bigger than ``limit`` or not a regular file.

    Never blocks or reads without end: a pipe is opened without waiting for a writer and a device
    (``/dev/zero``) is refused before reading, as validation refuses both.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            raw = handle.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return hashlib.sha256(raw).hexdigest() if len(raw) <= limit else None

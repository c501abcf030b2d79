"""A course folder's validated content (light to import: no YAML or schema library)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from grader.domain.course import Course
from grader.domain.errors import GraderError
from grader.domain.roster import Student
from grader.domain.rubric import Rubric


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

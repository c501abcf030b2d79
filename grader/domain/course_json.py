"""A validated course and its roster as plain JSON values, and back (the gradebook's snapshot).

Only ever applied to a course that passed full validation; ``course_from_dict`` rebuilds exactly
the value ``course_to_dict`` was given (Decimals and times as text, tuples as lists).
"""

from __future__ import annotations

from dataclasses import asdict, astuple
from datetime import datetime
from decimal import Decimal
from typing import Any

from grader import __version__
from grader.domain.course import Assignment, Badge, ChecksConfig, Course, Issuer, LatePolicy, Sources
from grader.domain.roster import Student

FORMAT = f"grader {__version__}, course snapshot 3"
"""Which code wrote a course dict. A snapshot holds what *that* code's validation made of the
files; another version may read the same bytes differently (a new rule, a new field), so its
snapshot is not trusted: ``course_from_dict`` refuses it and the writer replaces it. Bump the
trailing number when the validation or this encoding changes without a version change."""

STUDENT_FIELDS = (
    "student_id",
    "name",
    "email",
    "github",
    "section",
    "canvas_id",
    "sis_user_id",
    "sis_login_id",
    "moodle_idnumber",
)
"""Student's fields in order: the ``roster_entry`` columns after generation and position."""


def course_to_dict(course: Course) -> dict[str, object]:
    return {
        "format": FORMAT,
        "id": course.id,
        "title": course.title,
        "term": course.term,
        "issuer": list(astuple(course.issuer)),
        "roster_path": course.roster_path,
        "sources": list(astuple(course.sources)),
        "assignments": [
            {
                "id": a.id,
                "title": a.title,
                "rubric_path": a.rubric_path,
                "repo": a.repo,
                "deadline": a.deadline.isoformat(),
                "late": [a.late.grace_minutes, str(a.late.penalty_per_day), a.late.max_days],
                "canvas_id": a.canvas_id,
                "moodle_name": a.moodle_name,
                "anonymous": a.anonymous,
            }
            for a in course.assignments
        ],
        "badges": [
            {
                "id": b.id,
                "title": b.title,
                "description": b.description,
                "criteria": b.criteria,
                "skill_thresholds": [[k, str(v)] for k, v in b.skill_thresholds.items()],
                "assignments": list(b.assignments),
            }
            for b in course.badges
        ],
        "checks": {**asdict(course.checks), "paths": list(course.checks.paths)},
    }


def is_current(data: dict[str, Any]) -> bool:
    """True when this code wrote the course dict (see FORMAT)."""
    return data.get("format") == FORMAT


def course_from_dict(data: dict[str, Any]) -> Course:
    """The course of ``course_to_dict``; ValueError for one another version of grader wrote."""
    if not is_current(data):
        raise ValueError(f"a course snapshot of another grader ({data.get('format')!r}), not {FORMAT!r}")
    return Course(
        id=data["id"],
        title=data["title"],
        term=data["term"],
        issuer=Issuer(*data["issuer"]),
        roster_path=data["roster_path"],
        sources=Sources(*data["sources"]),
        assignments=tuple(
            Assignment(
                id=a["id"],
                title=a["title"],
                rubric_path=a["rubric_path"],
                repo=a["repo"],
                deadline=datetime.fromisoformat(a["deadline"]),
                late=LatePolicy(a["late"][0], Decimal(a["late"][1]), a["late"][2]),
                canvas_id=a["canvas_id"],
                moodle_name=a["moodle_name"],
                anonymous=a["anonymous"],
            )
            for a in data["assignments"]
        ),
        badges=tuple(
            Badge(
                id=b["id"],
                title=b["title"],
                description=b["description"],
                criteria=b["criteria"],
                skill_thresholds={k: Decimal(v) for k, v in b["skill_thresholds"]},
                assignments=tuple(b["assignments"]),
            )
            for b in data["badges"]
        ),
        checks=_checks(data["checks"]),
    )


def _checks(values: dict[str, Any]) -> ChecksConfig:
    return ChecksConfig(**{**values, "paths": tuple(values["paths"])})


def student_values(student: Student) -> tuple[str, ...]:
    """A student as its field values, in STUDENT_FIELDS order."""
    return tuple(getattr(student, name) for name in STUDENT_FIELDS)

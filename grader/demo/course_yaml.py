"""course.yaml for the demo, written as commented text an instructor can read and edit."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from grader.domain.course import Assignment, Badge, ChecksConfig, Course, LatePolicy

_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()'/-]*")
_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}

HEADER = """\
# The demo course written by `grader demo`: every student repository is a local bare
# repository under remotes/, so the demo needs no network and no account anywhere.
#
# Repository locations: {course} in a repo template is replaced by the absolute path of this
# folder when the course is read, {github} and {student_id} by the student's roster values.
# The course therefore keeps working wherever the folder is moved or copied.
# Local file:// sources are refused unless sources.allow_local is true, as it is here.
# An assignment with `anonymous: true` is graded by pseudonym until `grader reveal ID`.
"""


def text(value: str) -> str:
    """A YAML scalar for ``value``: plain when unambiguous, else double-quoted."""
    if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED and not value.endswith(" "):
        return value
    return json.dumps(value, ensure_ascii=False)


def percent(fraction: Decimal) -> str:
    return f"{(fraction * 100).normalize():f}%"


def _late(policy: LatePolicy) -> str:
    fields = [f"grace_minutes: {policy.grace_minutes}", f"penalty_per_day: {percent(policy.penalty_per_day)}"]
    if policy.max_days is not None:
        fields.append(f"max_days: {policy.max_days}")
    return "{" + ", ".join(fields) + "}"


ANONYMOUS = "    anonymous: true      # graders see pseudonyms until grader reveal"


def _assignment(assignment: Assignment) -> list[str]:
    return [
        f"  - id: {assignment.id}",
        f"    title: {text(assignment.title)}",
        f"    rubric: {assignment.rubric_path}",
        f"    repo: {json.dumps(assignment.repo)}",
        f"    deadline: {assignment.deadline.isoformat()}",
        f"    late: {_late(assignment.late)}",
        *(
            [f"    canvas_id: {assignment.canvas_id}   # the assignment's id in Canvas"]
            if assignment.canvas_id
            else []
        ),
        *(
            ["    anonymous: true      # graders see pseudonyms until grader reveal"]
            if assignment.anonymous
            else []
        ),
    ]


def _badge(badge: Badge) -> list[str]:
    skills = ", ".join(f"{skill}: {percent(v)}" for skill, v in badge.skill_thresholds.items())
    return [
        f"  - id: {badge.id}",
        f"    title: {text(badge.title)}",
        f"    description: {text(badge.description)}",
        f"    criteria: {text(badge.criteria)}",
        "    requires:",
        f"      skills: {{{skills}}}",
        f"      assignments: [{', '.join(badge.assignments)}]",
    ]


LIMITS = ("memory_mb", "processes", "file_size_mb", "output_kb", "cpu_seconds")


def _checks(checks: ChecksConfig) -> list[str]:
    """The ``checks:`` section: the interpreter always, the other settings where not the default."""
    default = ChecksConfig()
    lines = [
        "checks:                # how autograded criteria run: sandboxed, in a copy of each checkout",
        f"  python: {text(checks.python)}".ljust(23)
        + "# grader: the Python environment grader runs in (it has pytest)",
    ]
    if checks.trust != default.trust:
        lines.append(f"  trust: {'true' if checks.trust else 'false'}")
    if checks.paths:
        lines.append(f"  paths: [{', '.join(json.dumps(path, ensure_ascii=False) for path in checks.paths)}]")
    if checks.jobs != default.jobs:
        lines.append(f"  jobs: {checks.jobs}")
    limits = [
        f"{name}: {getattr(checks, name)}"
        for name in LIMITS
        if getattr(checks, name) != getattr(default, name)
    ]
    if limits:
        lines.append(f"  limits: {{{', '.join(limits)}}}")
    return lines


def render_course_yaml(course: Course) -> str:
    lines = [
        HEADER.rstrip("\n"),
        "course:",
        f"  id: {course.id}",
        f"  title: {text(course.title)}",
        f"  term: {text(course.term)}",
        "issuer:                # who signs the course's credentials",
        f"  name: {text(course.issuer.name)}",
        f"  url: {text(course.issuer.url)}",
        f"  email: {text(course.issuer.email)}",
        f"  auto_issue: {'true' if course.issuer.auto_issue else 'false'}   # false: certify issues",
        f"roster: {course.roster_path}",
        "sources:",
        f"  allow_local: {'true' if course.sources.allow_local else 'false'}",
        *_checks(course.checks),
        "assignments:           # after max_days late: scored 0, still gradable",
    ]
    for assignment in course.assignments:
        lines += _assignment(assignment)
    lines.append("badges:")
    for badge in course.badges:
        lines += _badge(badge)
    return "\n".join(lines) + "\n"

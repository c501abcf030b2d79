"""The demo course itself, as domain values: assignments, deadlines, late policies, badges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from grader.domain.course import Assignment, Badge, ChecksConfig, Course, Issuer, LatePolicy, Sources

COURSE_ID = "cs101-fall26-demo"
REMOTES = "remotes"
REPO_TEMPLATE = "file://{{course}}/" + REMOTES + "/{assignment}/{{github}}.git"
"""``{course}`` is the course folder, filled in when the course is read: the folder can move."""

EDT = timezone(timedelta(hours=-4), "EDT")
EST = timezone(timedelta(hours=-5), "EST")
DST_ENDS = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


def course_zone(moment: datetime) -> timezone:
    """The course's local UTC offset (US Eastern) at ``moment``, for fall 2026."""
    return EDT if moment < DST_ENDS else EST


def repo_path(assignment_id: str, github: str) -> str:
    """Where a student's demo repository lives, relative to the course folder."""
    return f"{REMOTES}/{assignment_id}/{github}.git"


def _assignment(
    assignment_id: str, title: str, rubric: str, deadline: datetime, late: LatePolicy, canvas_id: str
) -> Assignment:
    return Assignment(
        id=assignment_id,
        title=title,
        rubric_path=f"rubrics/{rubric}",
        repo=REPO_TEMPLATE.format(assignment=assignment_id),
        deadline=deadline,
        late=late,
        canvas_id=canvas_id,
    )


ASSIGNMENTS = (
    _assignment(
        "a1-calculator",
        "Command-line calculator",
        "calculator.yaml",
        datetime(2026, 9, 28, 23, 59, tzinfo=EDT),
        LatePolicy(grace_minutes=15, penalty_per_day=Decimal("0.10"), max_days=3),
        "482101",
    ),
    _assignment(
        "a2-webpage",
        "Personal web page",
        "webpage.yaml",
        datetime(2026, 10, 19, 23, 59, tzinfo=EDT),
        LatePolicy(grace_minutes=15, penalty_per_day=Decimal("0.20"), max_days=2),
        "482102",
    ),
    _assignment(
        "a3-dataanalysis",
        "Weather data analysis",
        "dataanalysis.yaml",
        datetime(2026, 11, 16, 23, 59, tzinfo=EST),
        LatePolicy(grace_minutes=15, penalty_per_day=Decimal("0.05"), max_days=5),
        "482103",
    ),
)

BADGES = (
    Badge(
        id="python-foundations",
        title="Python Foundations",
        description="Writes, tests and documents small Python programs.",
        criteria="Reach 80% in python-basics and 70% in testing across the calculator and "
        "data-analysis projects.",
        skill_thresholds={"python-basics": Decimal("0.80"), "testing": Decimal("0.70")},
        assignments=("a1-calculator", "a3-dataanalysis"),
    ),
    Badge(
        id="web-fundamentals",
        title="Web Fundamentals",
        description="Builds well-structured, accessible web pages.",
        criteria="Reach 75% in web-structure and 80% in web-accessibility on the personal web page.",
        skill_thresholds={"web-structure": Decimal("0.75"), "web-accessibility": Decimal("0.80")},
        assignments=("a2-webpage",),
    ),
)

CHECKS = ChecksConfig(python="grader")
"""The demo's checks run `python -m pytest` with grader's own Python environment, which has pytest:
they run on a fresh machine after `make demo`, with no download."""

COURSE = Course(
    id=COURSE_ID,
    title="Introduction to Programming (demo)",
    term="Fall 2026",
    issuer=Issuer(
        name="Example University, School of Computing",
        url="https://example.edu",
        email="badges@example.edu",
    ),
    roster_path="roster.csv",
    sources=Sources(allow_local=True),
    assignments=ASSIGNMENTS,
    badges=BADGES,
    checks=CHECKS,
)

"""When each demo commit happens: the pushes of one submission, from its case and deadline."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone

from grader.demo.cases import Case
from grader.demo.copies import copied_steps
from grader.demo.course_def import course_zone
from grader.demo.outcomes import Work
from grader.demo.people import DemoStudent
from grader.demo.projects import PROJECTS
from grader.demo.projects.common import Step, terse, with_odd_files
from grader.demo.seeding import seeded
from grader.domain.course import Assignment
from grader.git.fabricate import CommitSpec, Person, Push

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR
WEB_EDITOR = Person("GitHub", "noreply@github.com")

LATENESS = {
    Case.LATE_IN_GRACE: (MINUTE + 1, 14 * MINUTE),
    Case.LATE_MINUTES: (16 * MINUTE + 1, 55 * MINUTE),
    Case.LATE_1_DAY: (2 * HOUR, 23 * HOUR),
    Case.LATE_2_DAYS: (25 * HOUR, 47 * HOUR),
}
"""Seconds past the deadline of a late submission's last commit, by case."""


def _moment(epoch: int, demo: DemoStudent) -> datetime:
    utc = datetime.fromtimestamp(epoch, UTC)
    zone = course_zone(utc) if demo.utc_offset is None else timezone(timedelta(minutes=demo.utc_offset))
    return utc.astimezone(zone)


def _spread(rng: random.Random, first: int, last: int, count: int) -> list[int]:
    """``count`` increasing instants from ``first`` to ``last`` (the last one exactly ``last``)."""
    if count == 1:
        return [last]
    inner = sorted(rng.sample(range(first + 1, last), count - 2)) if count > 2 else []
    return [first, *inner, last]


def _group(steps: list[Step], count: int, rng: random.Random) -> list[tuple[str, dict[str, str]]]:
    """Split the steps into ``count`` commits: (message, complete tree) each."""
    cuts = sorted(rng.sample(range(1, len(steps)), count - 1))
    tree: dict[str, str] = {}
    commits: list[tuple[str, dict[str, str]]] = []
    for begin, end in zip([0, *cuts], [*cuts, len(steps)], strict=True):
        chunk = steps[begin:end]
        for step in chunk:
            tree.update(step.files)
        message = chunk[0].message
        if len(chunk) > 1:
            message += "\n\n" + "\n".join(f"- {step.message}" for step in chunk[1:])
        commits.append((message + "\n", dict(tree)))
    return commits


def _commits(steps: list[Step], times: list[int], demo: DemoStudent, rng: random.Random) -> list[CommitSpec]:
    author = Person(demo.git_name, demo.git_email)
    specs: list[CommitSpec] = []
    previous: dict[str, str] = {}
    for (message, tree), epoch in zip(_group(steps, len(times), rng), times, strict=True):
        changed = {name for name, content in tree.items() if previous.get(name) != content}
        web_edit = changed == {"README.md"} and rng.random() < 0.3
        moment = _moment(epoch, demo)
        if web_edit:
            message = "Update README.md\n"
        committer = WEB_EDITOR if web_edit else None
        specs.append(CommitSpec(message, author, moment, tree, committer=committer))
        previous = tree
    return specs


def _on_time_times(rng: random.Random, deadline: int, count: int) -> list[int]:
    first = deadline - rng.randint(4 * DAY, 12 * DAY)
    last = deadline - rng.randint(10 * MINUTE, 36 * HOUR)
    return _spread(rng, first, last, count)


@dataclass(frozen=True)
class Author:
    """Who writes a submission's code: the student, or (a planted copy) the student copied."""

    variant: int = 0
    original: DemoStudent | None = None
    original_variant: int = 0
    copy_kind: str = ""


def _steps(
    assignment: Assignment, demo: DemoStudent, seed: int, work: Work, author: Author, rng: random.Random
) -> list[Step]:
    """The student's steps of work (``rng`` is theirs): their own, or a disguised copy."""
    steps = PROJECTS[assignment.id](demo.student.name, rng, work, author.variant)
    if author.original is None:
        return steps
    original = author.original.student
    source_rng = seeded(seed, assignment.id, original.student_id)
    source = PROJECTS[assignment.id](original.name, source_rng, work, author.original_variant)
    copy_rng = seeded(seed, "copy", assignment.id, demo.student.student_id)
    return copied_steps(steps, source, author.copy_kind, (demo.student.name, original.name), copy_rng)


def plan(
    case: Case,
    assignment: Assignment,
    demo: DemoStudent,
    seed: int,
    work: Work | None = None,
    author: Author | None = None,
) -> tuple[Push, ...] | None:
    """The pushes that make this submission's repository; None: no repository at all.

    ``work`` is what the student's code does under its tests (default: every test passes);
    ``author`` who wrote it (default: the student, as the first variant).
    """
    if case is Case.MISSING:
        return None
    if case is Case.EMPTY:
        return ()
    rng = seeded(seed, assignment.id, demo.student.student_id)
    steps = _steps(assignment, demo, seed, work or Work.SOLID, author or Author(), rng)
    if case is Case.ODD_NAMES:
        steps = with_odd_files(steps)
    if demo.terse:
        steps = terse(steps, rng)
    deadline = int(assignment.deadline.timestamp())
    if case in LATENESS or case is Case.LATE_BEYOND_MAX:
        if case is Case.LATE_BEYOND_MAX:
            days = (assignment.late.max_days or 5) + 1
            late = days * DAY + rng.randint(HOUR, 20 * HOUR)
        else:
            late = rng.randint(*LATENESS[case])
        count = rng.randint(1, min(3, len(steps)))
        # Past the grace period, every commit is: none of them counts as in time.
        floor = 0 if case is Case.LATE_IN_GRACE else assignment.late.grace_minutes * MINUTE
        first = deadline + floor + rng.randint(1, max(1, (late - floor) // count))
        times = _spread(rng, first, deadline + late, count)
        return (Push(tuple(_commits(steps, times, demo, rng))),)
    if case is Case.KEPT_COMMITTING:
        before = _commits(steps[:-1], _on_time_times(rng, deadline, min(3, len(steps) - 1)), demo, rng)
        after_time = deadline + rng.randint(2 * HOUR, 3 * DAY)
        tree = {**before[-1].files, **steps[-1].files}
        after = CommitSpec(steps[-1].message + "\n", before[-1].author, _moment(after_time, demo), tree)
        return (Push((*before, after)),)
    count = rng.randint(min(3, len(steps)), len(steps))
    commits = _commits(steps, _on_time_times(rng, deadline, count), demo, rng)
    if case is not Case.FORCE_PUSHED:
        return (Push(tuple(commits)),)
    last = commits[-1]
    old_readme = last.files.get("README.md", "")
    readme = (old_readme if isinstance(old_readme, str) else "") + "\nFixed a typo.\n"
    amended = replace(
        last,
        files={**last.files, "README.md": readme},
        committer=last.author,
        committed_at=_moment(deadline + rng.randint(30 * MINUTE, 2 * DAY), demo),
    )
    return (Push(tuple(commits)), Push((amended,), keep=len(commits) - 1))

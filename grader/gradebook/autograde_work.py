"""What an autograde run has to do: the checks to run, the stored runs that stand for some of them
(the cache), and the submissions it cannot autograde, each with why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from grader.domain.autograde import CheckResult
from grader.domain.checks import Check
from grader.domain.course import Assignment
from grader.domain.events import StoredRun
from grader.domain.pulls import PullState
from grader.domain.rubric import Criterion, CriterionKind, Rubric
from grader.gradebook.context import CourseContext
from grader.gradebook.pull import checkout_of
from grader.gradebook.rubrics import rubric_in_force

NOT_PULLED = "not pulled yet: run grader pull first"
NO_COMMIT = "no graded commit (nothing was submitted)"
NO_CHECKOUT = "the checkout of the graded commit is missing: run grader pull again"
EXCUSED = "excused from the assignment"


@dataclass(frozen=True)
class CheckTask:
    """One criterion's check to run on one submission's checkout (or a stored run to reuse)."""

    assignment_id: str
    student_id: str
    criterion: Criterion
    check: Check
    commit: str
    checkout: Path
    rubric_hash: str
    cached: StoredRun | None = None
    """A stored run of the same commit, check definition and sandbox kind: it stands for this one."""
    current_run_id: int | None = None
    """The run the current result names, if any (a cached run that is already current is not
    recorded again)."""

    @property
    def label(self) -> str:
        return f"{self.assignment_id} {self.student_id} {self.criterion.id}"


@dataclass(frozen=True)
class AutogradeSkipped:
    """A submission not autograded, and why (no graded commit, no checkout, excused)."""

    assignment_id: str
    student_id: str
    reason: str


@dataclass(frozen=True)
class AssignmentWork:
    assignment: Assignment
    rubric: Rubric
    tasks: list[CheckTask]
    skipped: list[AutogradeSkipped]


def autograded(rubric: Rubric) -> list[Criterion]:
    """The criteria of a rubric that a check scores."""
    return [c for c in rubric.criteria if c.kind is CriterionKind.AUTOGRADED and c.check is not None]


def chosen_assignments(ctx: CourseContext, assignment_ids: Sequence[str] | None) -> list[Assignment]:
    """The assignments asked for (each checked), or every assignment with an autograded criterion."""
    if assignment_ids:
        found = []
        for assignment_id in dict.fromkeys(assignment_ids):
            ctx.files.rubric(assignment_id)  # names the known assignments when it is not one
            assignment = ctx.files.course.assignment(assignment_id)
            assert assignment is not None
            found.append(assignment)
        return found
    return [a for a in ctx.files.course.assignments if autograded(ctx.files.rubric(a.id))]


def plan_assignment(
    ctx: CourseContext, assignment: Assignment, student_ids: Sequence[str], *, sandbox: str, rerun: bool
) -> AssignmentWork:
    """The checks to run on the students' submissions of one assignment, with the rubric in force
    (a refused rubric edit raises, as grading would)."""
    rubric = rubric_in_force(ctx, assignment.id)
    criteria = autograded(rubric)
    tasks: list[CheckTask] = []
    skipped: list[AutogradeSkipped] = []
    if not criteria:
        return AssignmentWork(assignment, rubric, tasks, skipped)
    pulls = ctx.store.pull_states_of(assignment.id, student_ids)
    grades = ctx.store.grades_of(assignment.id, student_ids)
    current = ctx.store.latest_runs(assignment.id, student_ids)
    for student_id in student_ids:
        grade = grades.get(student_id)
        why = _why_not(ctx, assignment.id, student_id, pulls.get(student_id))
        if why is None and grade is not None and grade.excused:
            why = EXCUSED
        if why is not None:
            skipped.append(AutogradeSkipped(assignment.id, student_id, why))
            continue
        state = pulls[student_id]
        assert state.graded_commit is not None
        for criterion in criteria:
            assert criterion.check is not None
            ran = current.get(student_id, {}).get(criterion.id)
            tasks.append(
                CheckTask(
                    assignment.id,
                    student_id,
                    criterion,
                    criterion.check,
                    state.graded_commit,
                    checkout_of(ctx, assignment.id, student_id),
                    rubric.content_hash,
                    current_run_id=ran.run_id if ran is not None else None,
                )
            )
    if not rerun:
        tasks = _with_cache(ctx, assignment.id, tasks, sandbox)
    return AssignmentWork(assignment, rubric, tasks, skipped)


def _why_not(ctx: CourseContext, assignment_id: str, student_id: str, state: PullState | None) -> str | None:
    if state is None:
        return NOT_PULLED
    if state.graded_commit is None:
        return NO_COMMIT
    folder = checkout_of(ctx, assignment_id, student_id)
    if state.checked_out != state.graded_commit or not folder.is_dir():
        return NO_CHECKOUT
    return None


def _with_cache(
    ctx: CourseContext, assignment_id: str, tasks: list[CheckTask], sandbox: str
) -> list[CheckTask]:
    """The tasks, each with the stored run that stands for it when there is one: same commit,
    check definition and sandbox kind, and scored out of the criterion's points as they are now."""
    keys = [_key(task, sandbox) for task in tasks]
    stored = ctx.store.reusable_runs(assignment_id, keys)
    found = []
    for task, key in zip(tasks, keys, strict=True):
        hit = stored.get(key)
        found.append(
            replace(task, cached=hit) if hit is not None and _fits(hit.result, task.criterion) else task
        )
    return found


def _fits(result: CheckResult, criterion: Criterion) -> bool:
    return result.max_points == criterion.max_points


def _key(task: CheckTask, sandbox: str) -> tuple[str, str, str, str, str]:
    return (task.student_id, task.criterion.id, task.commit, task.check.digest, sandbox)


def checked_students(ctx: CourseContext, student_ids: Sequence[str] | None) -> list[str]:
    """The students asked for (each must be on the roster), or the whole roster."""
    if not student_ids:
        return [s.student_id for s in ctx.files.students]
    wanted = list(dict.fromkeys(student_ids))
    for student_id in wanted:
        ctx.files.student(student_id)
    return wanted

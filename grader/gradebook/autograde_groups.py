"""Outcome groups for batch review, and the autograde column of a list: one assignment's latest
autograde results summed up per student.

A student's outcome signature names what their latest runs did: the set of failing tests
("fails: test_divide, test_zero"), else "timeout", "error: why", the way a check without tests
failed ("exit status 1"), "passed", or "not run". Students with the same signature form a group,
largest first, so a grader can give the 40 submissions that fail the same edge case one choice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from grader.domain.errors import RubricChangeRefused
from grader.domain.events import StoredRun
from grader.domain.rubric import Criterion, CriterionKind, Rubric
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import rubric_in_force
from grader.gradebook.status import autograde_text

NOT_RUN = "not run"
PASSED = "passed"
REASON_CHARS = 80
"""The most characters of an error's reason a signature keeps (longer ones vary by path)."""


@dataclass(frozen=True)
class OutcomeGroup:
    """The students whose latest autograde outcome has this signature, in roster order."""

    signature: str
    student_ids: tuple[str, ...]


def scoring_rubric(ctx: CourseContext, assignment_id: str) -> Rubric:
    """The rubric in force; the file's while a rubric edit waits for a mapping."""
    try:
        return rubric_in_force(ctx, assignment_id)
    except RubricChangeRefused:
        return ctx.files.rubric(assignment_id)


def _autograded(rubric: Rubric) -> list[Criterion]:
    return [c for c in rubric.criteria if c.kind is CriterionKind.AUTOGRADED]


def short_name(test: str) -> str:
    """A test as a person names it: ``tests.test_calc.test_divide`` → ``test_divide``."""
    return test.rsplit(".", 1)[-1]


def _criterion_signature(run: StoredRun | None) -> str:
    if run is None:
        return NOT_RUN
    result = run.result
    status = result.status.value
    if status in ("error", "refused"):
        reason = " ".join(result.reason.split())
        return f"error: {reason[:REASON_CHARS]}{'…' if len(reason) > REASON_CHARS else ''}"
    if status == "timeout":
        return "timeout"
    failing = sorted({short_name(t.name) for t in result.tests if t.outcome in ("failed", "error")})
    if failing:
        return "fails: " + ", ".join(failing)
    if status == PASSED:
        return PASSED
    return " ".join(result.reason.split())[:REASON_CHARS] or status


def signature(criteria: Sequence[Criterion], runs: Mapping[str, StoredRun]) -> str:
    """One student's outcome signature over the assignment's autograded criteria."""
    parts = [(c.id, _criterion_signature(runs.get(c.id))) for c in criteria]
    if len(parts) == 1:
        return parts[0][1]
    if all(part == parts[0][1] for _, part in parts) and parts[0][1] in (NOT_RUN, PASSED):
        return parts[0][1]
    return "; ".join(f"{cid}: {part}" for cid, part in parts)


def outcome_groups(ctx: CourseContext, assignment_id: str) -> list[OutcomeGroup]:
    """Every roster student grouped by outcome signature, largest group first (then by
    signature); none for an assignment without autograded criteria. One read of the results."""
    criteria = _autograded(scoring_rubric(ctx, assignment_id))
    if not criteria:
        return []
    latest = ctx.store.latest_runs(assignment_id)
    groups: dict[str, list[str]] = {}
    for student in ctx.files.students:
        found = signature(criteria, latest.get(student.student_id, {}))
        groups.setdefault(found, []).append(student.student_id)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return [OutcomeGroup(name, tuple(members)) for name, members in ordered]


def autograde_summaries(ctx: CourseContext, assignment_id: str, student_ids: Sequence[str]) -> dict[str, str]:
    """Student id → the autograde column's text ("7/10 tests", "passed", "failed", "timeout",
    "error", "not run"); empty for an assignment without autograded criteria."""
    rubric = scoring_rubric(ctx, assignment_id)
    if not _autograded(rubric):
        return {}
    grades = ctx.store.grades_of(assignment_id, student_ids)
    return {student_id: autograde_text(rubric, grades.get(student_id)) for student_id in student_ids}

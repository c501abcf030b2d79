"""`grader export report`: gather the class figures from the gradebook and write the HTML page.

One pass over each assignment's submission statuses (as `grader status` scores them) and one
mastery report (as `grader mastery` computes it); scores are tallied by value, so the work and
the memory grow with the roster only through one small row per student.

Every score figure (means, medians, histograms, per-criterion figures) comes from final grades
only (``SubmissionStatus.final``), as mastery does: a grade with a criterion still unscored would
pull a mean down by points nobody has judged. How many were left out is counted and said.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from grader.domain.errors import GraderError
from grader.domain.mastery import BadgeStatus
from grader.domain.progress import Progress
from grader.domain.rubric import CriterionKind, Rubric
from grader.durable import write_shared
from grader.exports.report import report_parts
from grader.exports.report_data import (
    GRADED,
    IN_PROGRESS,
    MISSING,
    NOT_GRADED,
    AssignmentFigures,
    BadgeFigures,
    Choice,
    CriterionFigures,
    ReportData,
    StudentRow,
)
from grader.gradebook import status as st
from grader.gradebook.context import STATE_DIR, CourseContext, utc_now
from grader.gradebook.mastery import MasteryReport, mastery_report

DEFAULT_NAME = "report.html"
STATES = {st.GRADED: GRADED, st.IN_PROGRESS: IN_PROGRESS, st.MISSING: MISSING}
"""Submission statuses as the report groups them; every other status is "not graded"."""


def default_report_path(ctx: CourseContext) -> Path:
    return ctx.root / STATE_DIR / DEFAULT_NAME


def _criteria(rubric: Rubric, rows: Sequence[st.SubmissionStatus]) -> tuple[CriterionFigures, ...]:
    scores: list[Counter[Decimal]] = [Counter() for _ in rubric.criteria]
    picks: list[Counter[str]] = [Counter() for _ in rubric.criteria]
    for row in rows:
        for index, criterion in enumerate(row.criteria):
            if criterion.points is None:
                continue
            scores[index][criterion.points] += 1
            choice = criterion.choice
            if choice.level is not None:
                picks[index][choice.level] += 1
            elif choice.items:
                picks[index].update(choice.items)
    out = []
    for index, c in enumerate(rubric.criteria):
        chosen = picks[index]
        levels = tuple(Choice(lv.label, lv.points, chosen[lv.label]) for lv in c.levels)
        items = tuple(Choice(it.label, it.points, chosen[it.label]) for it in c.items)
        out.append(
            CriterionFigures(
                c.id,
                c.title,
                c.kind.value,
                c.skills,
                c.max_points,
                dict(scores[index]),
                levels=levels if c.kind is CriterionKind.LEVELS else (),
                items=items if c.kind is CriterionKind.CHECKLIST else (),
            )
        )
    return tuple(out)


def _assignment(ctx: CourseContext, assignment_id: str, refused: dict[str, str]) -> AssignmentFigures:
    rows = st.submission_statuses(ctx, [assignment_id], refused=refused)
    assignment = ctx.files.course.assignment(assignment_id)
    assert assignment is not None
    rubric = ctx.files.rubric(assignment_id)
    totals: Counter[Decimal] = Counter()
    states: Counter[str] = Counter()
    final: list[st.SubmissionStatus] = []
    not_final = late = 0
    for row in rows:
        state = STATES.get(row.status, NOT_GRADED)
        states[state] += 1
        if row.score is not None and row.final:  # excused rows are final but have no score
            totals[row.score] += 1
            final.append(row)
        elif row.score is not None:
            not_final += 1
        if row.late_minutes and state != MISSING:
            late += 1
    refusal = refused.get(assignment_id, "")
    return AssignmentFigures(
        assignment_id,
        assignment.title,
        rubric.max_points,
        dict(totals),
        dict(states),
        late,
        _criteria(rubric, final) if not refusal else (),
        refused=refusal.splitlines()[0] if refusal else "",
        not_final=not_final,
    )


def _students(report: MasteryReport) -> tuple[StudentRow, ...]:
    skills = list(report.skills)
    percents: dict[tuple[Decimal, Decimal], Decimal] = {}  # many students share a figure: compute it once
    rows = []
    for student in report.students:
        figures = report.mastery[student.student_id].skills
        row: list[Decimal | None] = []
        for skill in skills:
            figure = figures.get(skill)
            if figure is None:
                row.append(None)
                continue
            key = (figure.earned, figure.possible)
            if key not in percents:
                percents[key] = figure.percent
            row.append(percents[key])
        rows.append(StudentRow(student.student_id, student.name, student.section, tuple(row)))
    return tuple(rows)


def _badges(ctx: CourseContext, report: MasteryReport) -> tuple[BadgeFigures, ...]:
    counts: dict[str, Counter[BadgeStatus]] = {b.id: Counter() for b in ctx.files.course.badges}
    for evaluation in report.evaluations():
        counts[evaluation.badge_id][evaluation.status] += 1
    return tuple(
        BadgeFigures(
            b.id,
            b.title,
            counts[b.id][BadgeStatus.EARNED],
            counts[b.id][BadgeStatus.UNDETERMINED],
            counts[b.id][BadgeStatus.NOT_YET],
        )
        for b in ctx.files.course.badges
    )


def gather_report(ctx: CourseContext, now: datetime | None = None) -> Iterator[Progress | ReportData]:
    """Yields progress, then the figures of the whole course (last)."""
    course = ctx.files.course
    steps = len(course.assignments) + 1
    refused: dict[str, str] = {}
    figures = []
    for done, assignment in enumerate(course.assignments):
        yield Progress(done, steps, f"scoring {assignment.id}")
        figures.append(_assignment(ctx, assignment.id, refused))
    yield Progress(steps - 1, steps, "computing mastery")
    mastery = mastery_report(ctx)
    notes = tuple(
        f"{assignment_id}: its rubric was edited in a way that needs mapping (grader rubric apply), "
        "so its scores and its part of mastery are left out."
        for assignment_id in {**refused, **mastery.refused}
    )
    waiting = [(a.assignment_id, a.not_final) for a in figures if a.not_final]
    if waiting:
        counted = "; ".join(f"{assignment_id}: {n:,}" for assignment_id, n in waiting)
        notes += (
            f"{sum(n for _, n in waiting):,} submissions with scores are not final yet ({counted}): "
            "a criterion, often the autograded one, is not scored. They are left out of the means, "
            "medians, histograms, criteria figures and mastery until they are.",
        )
    yield ReportData(
        course_id=course.id,
        title=course.title,
        term=course.term,
        generated_at=now or utc_now(),
        assignments=tuple(figures),
        skills=tuple(mastery.skills.items()),
        students=_students(mastery),
        badges=_badges(ctx, mastery),
        notes=notes,
    )


def default_folder_ready(path: Path) -> None:
    """Create the folder of a page's default path (.grader/ in the course), or say to pick -o."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraderError(f"cannot create {path.parent}: {exc.strerror}; choose another -o FILE") from None


def write_report(
    ctx: CourseContext, dest: Path | None = None, now: datetime | None = None
) -> Iterator[Progress | Path]:
    """Gather, render and write the report atomically; yields progress, then the path written."""
    path = dest or default_report_path(ctx)
    if dest is None:
        default_folder_ready(path)
    steps = len(ctx.files.course.assignments) + 2  # each assignment, mastery, writing
    data: ReportData | None = None
    for item in gather_report(ctx, now):
        if isinstance(item, Progress):
            yield Progress(min(item.done, steps - 1), steps, item.message)
        else:
            data = item
    assert data is not None
    yield Progress(steps - 1, steps, "writing the report")
    write_shared(path, (part.encode("utf-8") for part in report_parts(data)))
    yield Progress(steps, steps, "report written")
    yield path

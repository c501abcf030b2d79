"""Per-submission summaries: computed with ``status_row`` and the mastery rule, kept by every save.

The gradebook stores choices, not totals; a summary is a cache of what ``status_row`` and
``course_mastery`` make of one submission (status, score after the late penalty, final, mastery
evidence per skill), so the Course screen's counts are a few grouped queries. Each one is
stamped with what it was computed from (``summary_stamp``): a summary whose stamp is not the
current one (a rubric file or late policy edited, or a write that did not recompute it) is
recomputed before it is counted (``refresh_stale``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

from grader.domain.choices import CriterionChoice
from grader.domain.course import Assignment
from grader.domain.errors import GraderError, RubricChangeRefused
from grader.domain.mastery import StudentMastery, course_mastery
from grader.domain.progress import Progress
from grader.domain.roster import Student
from grader.domain.rubric import Rubric
from grader.domain.scoring import IncompatibleChoice, Scorer
from grader.gradebook.context import CourseContext
from grader.gradebook.rubrics import rubric_in_force
from grader.gradebook.status import SubmissionStatus, status_row
from grader.store.summary_values import Key, SubmissionSummary, Summarize, SummaryInput

SUMMARY_FORMAT = 2
"""Bump when what a summary holds, or how ``status_row`` or ``course_mastery`` decide it,
changes: every stored summary then misses its stamp and is recomputed on the next count."""
CHUNK = 2_000
"""Summaries recomputed per write transaction: a fraction of a second of the write lock."""


@dataclass(frozen=True)
class SummarySpec:
    """What an assignment's summaries are computed from, and the stamp that says so."""

    assignment: Assignment
    rubric: Rubric
    refused: str
    """Why the rubric edit is refused ("" when it is not): then nothing is scored."""
    stamp: str


def summary_stamp(assignment: Assignment, rubric: Rubric, refused: bool) -> str:
    """Names the summary format, the rubric, whether its edit is refused, and the late policy."""
    late = assignment.late
    basis = [SUMMARY_FORMAT, rubric.content_hash, refused, late.grace_minutes]
    basis += [str(late.penalty_per_day), late.max_days]
    return hashlib.sha256(json.dumps(basis).encode()).hexdigest()[:32]


def counted_rubric(ctx: CourseContext, assignment_id: str) -> tuple[Rubric, str]:
    """The rubric to score with, and why its edit is refused ("" when it is not)."""
    try:
        return rubric_in_force(ctx, assignment_id), ""
    except RubricChangeRefused as refusal:
        return ctx.files.rubric(assignment_id), str(refusal)


def summary_spec(ctx: CourseContext, assignment_id: str, rubric: Rubric | None = None) -> SummarySpec:
    """The spec of an assignment; ``rubric``: the one ``rubric_in_force`` returned, if known."""
    assignment = ctx.files.course.assignment(assignment_id)
    if assignment is None:
        ctx.files.rubric(assignment_id)  # names the known assignments
        raise GraderError(f"unknown assignment '{assignment_id}'")
    refused = ""
    if rubric is None:
        rubric, refused = counted_rubric(ctx, assignment_id)
    return SummarySpec(assignment, rubric, refused, summary_stamp(assignment, rubric, bool(refused)))


def summarizer(ctx: CourseContext, assignment_id: str, rubric: Rubric | None = None) -> Summarize:
    """The ``summarize`` callback for saves to one assignment."""
    return summarize_with({assignment_id: summary_spec(ctx, assignment_id, rubric)})


def summarize_with(specs: Mapping[str, SummarySpec]) -> Summarize:
    """A ``summarize`` callback computing from these specs (an assignment without one: left stale).

    Pure: it reads nothing, as it runs inside the store's write transaction.
    """

    def summarize(inputs: Sequence[SummaryInput]) -> dict[Key, SubmissionSummary]:
        found: dict[Key, SubmissionSummary] = {}
        for assignment_id, group in groupby(inputs, key=lambda i: i.assignment_id):
            spec = specs.get(assignment_id)
            if spec is not None:
                found.update(summaries(spec, list(group)))
        return found

    return summarize


def summaries(spec: SummarySpec, inputs: Sequence[SummaryInput]) -> dict[Key, SubmissionSummary]:
    """The summaries of some submissions of one assignment; one whose choices the rubric cannot
    hold (another grader saved under a different rubric file) is left out, so it stays stale."""
    scorer = Scorer(spec.rubric, spec.assignment.late)
    mastery = _mastery(spec, inputs, scorer)
    found: dict[Key, SubmissionSummary] = {}
    for item in inputs:
        key = (item.assignment_id, item.student_id)
        student = Student(item.student_id, "", "", "")
        try:
            row = status_row(
                spec.assignment, spec.rubric, student, item.grade, item.pull, bool(spec.refused), scorer
            )
        except IncompatibleChoice:
            continue
        if key in mastery or row.excused or spec.refused:
            found[key] = _summary(spec, row, mastery.get(key))
    return found


def _summary(spec: SummarySpec, row: SubmissionStatus, mastery: StudentMastery | None) -> SubmissionSummary:
    figures = mastery or StudentMastery()
    counts = not row.excused and not spec.refused  # excused work counts nowhere, blocks no badge
    return SubmissionSummary(
        stamp=spec.stamp,
        status=row.status,
        score=row.score,
        max_score=row.max_score,
        final=row.final,
        pulled=row.graded_commit is not None,
        excused=row.excused,
        flagged=bool(row.flag_note),
        mastery_graded=row.excused or (counts and spec.assignment.id in figures.graded_assignments),
        skills=tuple(
            (skill, figure.earned, figure.possible) for skill, figure in sorted(figures.skills.items())
        )
        if counts
        else (),
        unscored=figures.unscored.get(spec.assignment.id, ()) if counts else (),
    )


def _mastery(spec: SummarySpec, inputs: Sequence[SummaryInput], scorer: Scorer) -> dict[Key, StudentMastery]:
    """Each submission's mastery evidence by the domain's rule (``course_mastery``) on the
    effective choices, the submissions taken together; those it cannot score are left out."""
    if spec.refused:
        return {}
    aid = spec.assignment.id
    # A submission never saved has no grade at all, as in mastery_report (not an empty one).
    found = {(aid, i.student_id): StudentMastery() for i in inputs if i.grade is None}
    chosen: dict[str, Mapping[str, CriterionChoice]] = {
        i.student_id: scorer.effective(i.grade) for i in inputs if i.grade is not None
    }
    try:
        computed = course_mastery({aid: spec.rubric}, {aid: chosen})
        return found | {(aid, sid): computed.get(sid, StudentMastery()) for sid in chosen}
    except IncompatibleChoice:
        pass  # one stale choice among them: score them one by one
    for sid, choices in chosen.items():
        try:
            found[(aid, sid)] = course_mastery({aid: spec.rubric}, {aid: {sid: choices}}).get(
                sid, StudentMastery()
            )
        except IncompatibleChoice:
            continue
    return found


def refresh_stale(
    ctx: CourseContext, spec: SummarySpec, *, chunk: int = CHUNK, message: str | None = None
) -> Iterator[Progress]:
    """Recompute the assignment's summaries not at its current stamp, a chunk per write
    transaction, yielding Progress (message: ``message``, else the assignment id) per chunk."""
    aid = spec.assignment.id
    stale = ctx.store.summaries.student_ids(aid, not_at=spec.stamp)
    if not stale:
        return
    summarize = summarize_with({aid: spec})
    label = message or aid
    yield Progress(0, len(stale), label)
    for start in range(0, len(stale), chunk):
        part = stale[start : start + chunk]
        ctx.store.summaries.rebuild(aid, part, spec.stamp, summarize)
        yield Progress(start + len(part), len(stale), label)


def recompute(
    ctx: CourseContext, spec: SummarySpec, student_ids: Sequence[str]
) -> dict[str, SubmissionSummary]:
    """Summaries computed in memory from the saved grades and pull states (nothing written)."""
    aid = spec.assignment.id
    grades = ctx.store.grades_of(aid, student_ids)
    pulls = ctx.store.pull_states_of(aid, student_ids)
    inputs = [SummaryInput(aid, s, grades.get(s), pulls.get(s)) for s in student_ids]
    return {sid: summary for (_, sid), summary in summaries(spec, inputs).items()}


def nothing_saved(spec: SummarySpec) -> SubmissionSummary:
    """The summary of a roster student with nothing saved and never pulled (who has no row)."""
    aid = spec.assignment.id
    return summaries(spec, [SummaryInput(aid, "", None, None)])[(aid, "")]

"""Grading from the command line: one criterion for one student, and rubric changes."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import click

from grader.cli.main import LazyGroup, Options, cli
from grader.cli.output import (
    ChoiceOptions,
    certify_json,
    choice_options,
    decimal_option,
    dumps,
    fail,
    fmt_points,
    number,
)
from grader.domain.errors import GraderError
from grader.domain.scoring import SubmissionScore, effective_choices, score_submission
from grader.domain.text import printable
from grader.gradebook.anonymity import find_student, identities
from grader.gradebook.choice_names import choice_names
from grader.gradebook.claims import claim_warning
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.grading import ChoiceRequest, GradeRecorded, record_choice
from grader.gradebook.rubric_diff import RubricDiff, TotalChange, diff_rubric
from grader.gradebook.rubrics import apply_rubric, effective_rubric, rubric_in_force

if TYPE_CHECKING:
    from grader.gradebook.certify import CertifyResult


@cli.command()
@click.argument("assignment")
@choice_options("Points (points or autograded criteria).")
@click.option("--adjust", help="Adjustment in points, + or - (needs --comment).")
@click.option("--comment", help="Comment for the student (or the reason for --adjust).")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_obj
def grade(
    options: Options,
    assignment: str,
    choice: ChoiceOptions,
    adjust: str | None,
    comment: str | None,
    as_json: bool,
) -> None:
    """Record a choice for one criterion of one student's submission (an audited grade event)."""
    _check_given(choice, adjust, comment)
    points_given = decimal_option(choice.points, "--points")
    adjustment = decimal_option(adjust, "--adjust")
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        shown = identities(ctx, assignment)
        student_id = find_student(ctx, assignment, choice.student_id).student_id
        names = choice_names(
            rubric_in_force(ctx, assignment),
            assignment,
            choice.criterion_id,
            choice.level,
            choice.items or None,
        )
        request = ChoiceRequest(
            level=names.level,
            items=names.items if choice.items else (() if choice.no_items else None),
            points=points_given,
            adjustment=adjustment,
            comment=comment,
        )
        if held := claim_warning(ctx, assignment, student_id):
            fail(held)
        recorded = record_choice(ctx, assignment, student_id, names.criterion_id, request)
        graded = _graded(ctx, assignment, student_id, names.criterion_id, recorded)
        badges, badge_problem = _badges_after(ctx, student_id)
    if badge_problem:
        fail(f"warning: the grade is saved, but its badges could not be updated: {badge_problem}")
    if as_json:
        click.echo(
            dumps(
                {
                    **graded.to_json(shown.shown_id(student_id)),
                    "credentials": [certify_json(b) for b in badges],
                }
            )
        )
        return
    click.echo(graded.line(shown.shown_id(student_id)))
    for badge in badges:
        click.echo(
            printable(
                f"badge {badge.badge_id}: credential {badge.status} {badge.credential_id or ''}".rstrip()
            )
        )


def _check_given(choice: ChoiceOptions, adjust: str | None, comment: str | None) -> None:
    """At most one of --level, --item, --no-items and --points, and something to record."""
    chosen = choice.given()
    if len(chosen) > 1:
        raise click.UsageError(
            f"choose one of --level, --item, --no-items or --points, not {' and '.join(chosen)}"
        )
    if not chosen and adjust is None and comment is None:
        raise click.UsageError(
            "nothing to record: give --level, --item, --no-items, --points, --adjust or --comment"
        )


@dataclass(frozen=True)
class _Graded:
    """A recorded choice with the criterion's maximum and the submission's total after it."""

    assignment: str
    criterion_id: str
    recorded: GradeRecorded
    criterion_max: Decimal
    total: SubmissionScore

    def to_json(self, shown_id: str) -> dict[str, Any]:
        return {
            "assignment": self.assignment,
            "student_id": shown_id,
            "criterion": self.criterion_id,
            "choice": self.recorded.choice.to_dict(),
            "points": number(self.recorded.criterion_points),
            "score": number(self.total.total),
            "max_score": number(self.total.max_score),
            "version": self.recorded.version,
        }

    def line(self, shown_id: str) -> str:
        return (
            f"{self.assignment} {shown_id} {self.criterion_id}: "
            f"{fmt_points(self.recorded.criterion_points)} / {fmt_points(self.criterion_max)} points; "
            f"total {fmt_points(self.total.total)} / {fmt_points(self.total.max_score)} "
            f"(version {self.recorded.version})"
        )


def _graded(
    ctx: CourseContext, assignment: str, student_id: str, criterion_id: str, recorded: GradeRecorded
) -> _Graded:
    """The submission's total after ``recorded``, scored with its effective rubric and lateness."""
    grade_state = ctx.store.grade(assignment, student_id)
    rubric = effective_rubric(ctx, assignment, {student_id: grade_state})
    settings = ctx.files.course.assignment(assignment)
    pulled = ctx.store.pull_states(assignment, student_id).get(student_id)
    late_minutes = pulled.late_minutes if pulled else None
    total = score_submission(
        rubric, effective_choices(rubric, grade_state), late_minutes, settings.late if settings else None
    )
    criterion = rubric.criterion(criterion_id)
    assert criterion is not None
    return _Graded(assignment, criterion_id, recorded, criterion.max_points, total)


def _badges_after(ctx: CourseContext, student_id: str | None) -> tuple[list[CertifyResult], str]:
    """Credentials a grade event (or a rubric change, for everyone) issues or flags; a problem
    with them never undoes the grade."""
    from grader.gradebook.certify import after_grading  # the issuing libraries load only when used

    try:
        return after_grading(ctx, student_id), ""
    except GraderError as error:
        return [], str(error)


@cli.group(cls=LazyGroup, lazy={"import-classroom": "grader.cli.classroom_cmds"})
def rubric() -> None:
    """See what rubric edits changed (totals follow the file at once) and accept them; import
    GitHub Classroom's tests."""


@rubric.command("diff")
@click.argument("assignment")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def rubric_diff(options: Options, assignment: str, as_json: bool) -> None:
    """What the rubric file changed since it was accepted, and each student whose final total
    (after the late penalty) it changes, before → after and why. Totals already follow the file."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        diff = diff_rubric(ctx, assignment)
    if as_json:
        click.echo(dumps(_diff_json(diff)))
        return
    for line in _diff_lines(diff):
        click.echo(printable(line))


def _diff_json(diff: RubricDiff) -> dict[str, object]:
    return {
        "assignment": diff.assignment_id,
        "accepted_hash": diff.accepted_hash,
        "current_hash": diff.current_hash,
        "edited": diff.edited,
        "totals_follow_file": True,
        "edits": diff.edits,
        "changes": [
            {
                "student_id": c.student_id,
                "student": c.label,
                "before": number(c.before),
                "after": number(c.after),
                "late_penalty_before": number(c.penalty_before),
                "late_penalty_after": number(c.penalty_after),
                "causes": list(c.causes),
            }
            for c in diff.changes
        ],
        "unmapped": [
            {"criterion": u.criterion_id, "kind": u.kind, "label": u.label, "submissions": u.submissions}
            for u in diff.unmapped
        ],
        "removed_criteria": diff.removed_criteria,
    }


def _diff_lines(diff: RubricDiff) -> list[str]:
    """The diff for people: the file's edits, what totals do, who changes and why, what to do."""
    name = diff.assignment_id
    if diff.accepted_hash is None:
        return [f"{name}: nothing graded yet; the first grade accepts the rubric file as it is then"]
    if not (diff.edited or diff.changes or diff.unmapped):
        return [f"{name}: the rubric is unchanged since it was accepted"]
    lines = [f"{name}: the rubric file changed since it was accepted ({diff.accepted_hash[:12]} → "
             f"{diff.current_hash[:12]}):"]  # fmt: skip
    lines += [f"  {edit}" for edit in diff.edits] or ["  (no change that moves a score)"]
    lines.append(
        "Totals already follow the edited file: grader status, the TUI and exports show the new "
        "totals now (an edit that drops a level or item in use is the exception: those grades "
        "count nothing until mapped)."
    )
    lines.append(
        f"{len(diff.changes)} student(s) whose final total (after any late penalty) differs from "
        "the accepted rubric's" + (":" if diff.changes else ".")
    )
    lines += [_change_line(change) for change in diff.changes]
    for criterion_id, count in sorted(diff.removed_criteria.items()):
        lines.append(
            f"criterion '{criterion_id}' was removed: its choices in {count} submission(s) no longer count"
        )
    for u in diff.unmapped:
        lines.append(
            f"needs a mapping: {u.criterion_id}: {u.kind} '{u.label}' is used by {u.submissions} "
            f"submission(s) but no longer exists"
        )
    if diff.unmapped:
        lines.append(f"map them with: grader rubric apply {name} --map 'CRITERION:OLD=NEW'")
    else:
        lines.append(
            f"grader rubric apply {name} accepts the file: later diffs compare with it "
            "(the totals shown now do not change)"
        )
    return lines


def _change_line(change: TotalChange) -> str:
    delta = change.after - change.before
    notes = [f"{'+' if delta > 0 else ''}{fmt_points(delta)}"]
    if change.penalty_before or change.penalty_after:
        notes.append(
            f"late penalty −{fmt_points(change.penalty_before)} → −{fmt_points(change.penalty_after)}"
        )
    why = "; ".join(change.causes)
    return (
        f"  {change.label}: {fmt_points(change.before)} → {fmt_points(change.after)} "
        f"({', '.join(notes)})" + (f" — {why}" if why else "")
    )


@rubric.command("apply")
@click.argument("assignment")
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="CRITERION:OLD=NEW",
    help="Map a removed or renamed level or item to a current one ('=' alone clears it).",
)
@click.pass_obj
def rubric_apply(options: Options, assignment: str, mappings: tuple[str, ...]) -> None:
    """Accept the current rubric file, rewriting mapped choices as audited grade events."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        diff = diff_rubric(ctx, assignment)
        rewritten = apply_rubric(ctx, assignment, list(mappings))
        badges, badge_problem = _badges_after(ctx, None) if diff.changes else ([], "")
        _recount(ctx, assignment)
    click.echo(
        f"{assignment}: rubric {diff.current_hash[:12]} accepted; {rewritten} choice(s) rewritten, "
        f"{len(diff.changes)} total(s) changed"
    )
    if badge_problem:
        fail(f"warning: the rubric is accepted, but badges could not be updated: {badge_problem}")
    for badge in badges:
        who = f"{badge.badge_id} of {badge.student_id}"
        line = f"badge {who}: credential {badge.status} {badge.credential_id}"
        click.echo(printable(line))


def _recount(ctx: CourseContext, assignment_id: str) -> None:
    """Recompute the assignment's summaries for the rubric just accepted (else the next count would)."""
    from grader.cli.db_cmds import show_progress
    from grader.gradebook.summary import refresh_stale, summary_spec

    show_progress(refresh_stale(ctx, summary_spec(ctx, assignment_id)), "recomputing summaries")

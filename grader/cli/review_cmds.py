"""Reviewing grades from the command line: undo the last choice, excuse, flag."""

from __future__ import annotations

import click

from grader.cli.grade_cmds import _badges_after
from grader.cli.main import Options, cli
from grader.cli.output import STUDENT_HELP, certify_json, dumps, fail
from grader.domain.choice_words import describe_choice
from grader.domain.text import printable
from grader.gradebook.anonymity import echoed, identities, typed_student
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.flagging import clear_flag, set_excused, set_flag
from grader.gradebook.undo import undo_last


def _badges(ctx: CourseContext, student_id: str, what: str) -> None:
    badges, problem = _badges_after(ctx, student_id)
    if problem:
        fail(f"warning: {what} is saved, but its badges could not be updated: {problem}")
    for badge in badges:
        line = f"badge {badge.badge_id}: credential {badge.status} {badge.credential_id or ''}"
        click.echo(printable(line.rstrip()))


@cli.command()
@click.option("--assignment", "assignment_id", help="Only undo a choice in this assignment.")
@click.option("--student", "student_id", help="Only undo a choice for this student (as --student of grade).")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_obj
def undo(options: Options, assignment_id: str | None, student_id: str | None, as_json: bool) -> None:
    """Undo your latest grading choice (again: the one before), as a new audited grade event."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        if assignment_id is not None:
            ctx.files.rubric(assignment_id)  # names the known assignments when it is not one
        if student_id is not None:
            student_id = typed_student(ctx, student_id, assignment_id)
            ctx.files.student(student_id)
        undone = undo_last(ctx, assignment_id=assignment_id, student_id=student_id)
        if undone is None:
            click.echo("null" if as_json else f"nothing of {ctx.actor}'s left to undo")
            return
        who = identities(ctx, undone.assignment_id).shown_id(undone.student_id)
        if as_json:
            badges, problem = _badges_after(ctx, undone.student_id)
            if problem:
                fail(f"warning: the undo is saved, but its badges could not be updated: {problem}")
            click.echo(
                dumps(
                    {
                        "assignment": undone.assignment_id,
                        "student_id": who,
                        "criterion": undone.criterion_id,
                        "restored": undone.restored.to_dict(),
                        "replaced": undone.replaced.to_dict(),
                        "version": undone.version,
                        "undone_event": undone.event_id,
                        "credentials": [certify_json(b) for b in badges],
                    }
                )
            )
            return
        shown = identities(ctx, undone.assignment_id)
        criterion = ctx.files.rubric(undone.assignment_id).criterion(undone.criterion_id)
        before, after = (
            describe_choice(undone.replaced, criterion),
            describe_choice(undone.restored, criterion),
        )
        name = "" if shown.hidden else f" ({ctx.files.student(undone.student_id).name})"
        click.echo(
            printable(
                f"undone your change to {undone.criterion_id} for {who}{name} in "
                f"{undone.assignment_id}: {before} → {after} "
                f"again (version {undone.version})"
            )
        )
        _badges(ctx, undone.student_id, "the undo")


@cli.command()
@click.argument("assignment")
@click.option("--student", "student_id", required=True, help=STUDENT_HELP)
@click.option("--reason", default="", help="Why (kept in the audit log).")
@click.option("--undo", "withdraw", is_flag=True, help="Withdraw the excuse.")
@click.pass_obj
def excuse(options: Options, assignment: str, student_id: str, reason: str, withdraw: bool) -> None:
    """Excuse a student from an assignment: no score, counted nowhere, EX in a Canvas export."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        typed, student_id = student_id, typed_student(ctx, student_id, assignment)
        set_excused(ctx, assignment, student_id, not withdraw, reason)
        who = echoed(ctx, assignment, typed, student_id)
        click.echo(printable(f"{assignment} {who}: {'no longer excused' if withdraw else 'excused'}"))
        _badges(ctx, student_id, "the change")


@cli.command()
@click.argument("assignment")
@click.option("--student", "student_id", required=True, help=STUDENT_HELP)
@click.option("--note", help="What needs a second look.")
@click.option("--clear", is_flag=True, help="Clear the flag.")
@click.pass_obj
def flag(options: Options, assignment: str, student_id: str, note: str | None, clear: bool) -> None:
    """Flag a submission for a second look (or --clear it); `grader status` shows it as flagged."""
    if (note is None) == (not clear):
        raise click.UsageError("give either --note TEXT or --clear")
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        typed, student_id = student_id, typed_student(ctx, student_id, assignment)
        who = echoed(ctx, assignment, typed, student_id)
        if clear:
            clear_flag(ctx, assignment, student_id)
            click.echo(printable(f"{assignment} {who}: flag cleared"))
        else:
            assert note is not None
            set_flag(ctx, assignment, student_id, note)
            click.echo(printable(f"{assignment} {who}: flagged"))

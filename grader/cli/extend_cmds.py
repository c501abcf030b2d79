"""Granting a deadline extension from the command line."""

from __future__ import annotations

from datetime import datetime

import click

from grader.cli.main import Options, cli
from grader.cli.output import STUDENT_HELP, fail
from grader.domain.lateness import late_text
from grader.domain.moments import TypedMoment, moment_near
from grader.gradebook.anonymity import echoed, typed_student
from grader.gradebook.context import open_course
from grader.gradebook.extensions import extend

OLD_ORDER_NOTE = (
    "note: 'grader extend STUDENT ASSIGNMENT' is deprecated; "
    "write 'grader extend ASSIGNMENT --student STUDENT' (as grade, flag and excuse do)"
)


def _student_and_assignment(words: tuple[str, ...], student: str | None) -> tuple[str, str]:
    """(student, assignment) from the new order (ASSIGNMENT --student S) or the old (S ASSIGNMENT)."""
    if student is not None and len(words) == 1:
        return student, words[0]
    if student is None and len(words) == 2:
        fail(OLD_ORDER_NOTE)
        return words[0], words[1]
    raise click.UsageError("expected: grader extend ASSIGNMENT --student STUDENT --until WHEN")


@cli.command("extend")
@click.argument("words", nargs=-1, metavar="ASSIGNMENT")
@click.option("--student", "student_text", help=STUDENT_HELP)
@click.option(
    "--until",
    "until_text",
    required=True,
    metavar="WHEN",
    help="New deadline: a date, or a date and time; without a UTC offset it is read in the "
    "deadline's, and a date alone at the deadline's time of day.",
)
@click.option("--reason", default="", help="Why (kept in the audit log).")
@click.pass_obj
def extend_command(
    options: Options, words: tuple[str, ...], student_text: str | None, until_text: str, reason: str
) -> None:
    """Grant a student an extension on ASSIGNMENT; recorded in the audit log."""
    typed, assignment_id = _student_and_assignment(words, student_text)
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        assignment = ctx.files.course.assignment(assignment_id)
        if assignment is None:
            ctx.files.rubric(assignment_id)  # names the known assignments
            raise click.UsageError(f"unknown assignment '{assignment_id}'")
        until = _until(until_text, assignment.deadline)
        student_id = typed_student(ctx, typed, assignment_id)
        state = extend(ctx, student_id, assignment_id, until.moment, reason)
        who = echoed(ctx, assignment_id, typed, student_id)
    assumed = f" ({until.assumed})" if until.assumed else ""
    click.echo(f"{assignment_id} {who}: extended until {until.moment.isoformat()}{assumed}")
    if state is not None:
        late = late_text(state.late_minutes)
        click.echo(f"graded commit now {(state.graded_commit or '–')[:10]}, {late}")


def _until(text: str, deadline_at: datetime) -> TypedMoment:
    found = moment_near(text, deadline_at)
    if found is None:
        raise click.BadParameter(
            f"expected a date and time (or a date), e.g. 2026-10-03T23:59, 2026-10-03 or, with "
            f"a UTC offset, 2026-10-03T23:59:00-04:00; got {text!r}",
            param_hint="--until",
        )
    return found

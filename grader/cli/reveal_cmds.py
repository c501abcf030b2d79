"""`grader reveal`: show an anonymous assignment's students as themselves to every grader (for
good), or look up who one pseudonym is; each audited."""

from __future__ import annotations

import click

from grader.cli.main import Options, cli
from grader.cli.output import dumps
from grader.domain.anonymity import Reveal
from grader.domain.roster import Student
from grader.domain.text import printable
from grader.gradebook.anonymity import look_up, reveal
from grader.gradebook.context import CourseContext, open_course


@cli.command("reveal")
@click.argument("assignment")
@click.argument("pseudonym", required=False)
@click.option("--yes", is_flag=True, help="Reveal without asking (scripts).")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_obj
def reveal_command(
    options: Options, assignment: str, pseudonym: str | None, yes: bool, as_json: bool
) -> None:
    """Reveal who the students of an anonymous ASSIGNMENT are, to every grader from now on
    (it cannot be undone); or, given a PSEUDONYM, tell you alone who that one student is. Both
    are kept in the audit log (grader log)."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        if pseudonym is not None:
            _show_one(assignment, pseudonym.strip(), look_up(ctx, assignment, pseudonym), as_json)
            return
        _confirm(ctx, assignment, asked=not (yes or as_json))
        done, made = reveal(ctx, assignment)
    _show_reveal(assignment, done, made, as_json)


def _confirm(ctx: CourseContext, assignment: str, *, asked: bool) -> None:
    ctx.files.rubric(assignment)  # names the known assignments when it is not one
    if asked:
        click.confirm(
            f"Show every grader of {assignment} who its students are, from now on? It cannot be undone",
            abort=True,
            err=True,
        )


def _show_one(assignment: str, pseudonym: str, student: Student, as_json: bool) -> None:
    if as_json:
        found = {"student_id": student.student_id, "name": student.name, "email": student.email}
        click.echo(
            dumps({"assignment": assignment, "pseudonym": pseudonym, **found, "github": student.github})
        )
        return
    click.echo(printable(f"{pseudonym} in {assignment} is {student.name} ({student.student_id})"))
    click.echo("(told to you alone; the look-up is in the audit log)")


def _show_reveal(assignment: str, done: Reveal, made: bool, as_json: bool) -> None:
    if as_json:
        at = done.at.isoformat()
        click.echo(
            dumps({"assignment": assignment, "revealed_at": at, "revealed_by": done.by, "already": not made})
        )
        return
    when = f"{done.at:%Y-%m-%d %H:%M} UTC"
    if made:
        click.echo(printable(f"{assignment}: identities revealed to every grader ({when}, in the audit log)"))
    else:
        click.echo(printable(f"{assignment}: identities were already revealed by {done.by} ({when})"))

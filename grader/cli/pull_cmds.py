"""Pulling submissions and granting extensions from the command line."""

from __future__ import annotations

from datetime import datetime

import click

from grader.cli.main import Options, cli
from grader.cli.output import dumps, fail, progress_bar
from grader.domain.progress import Progress as Step
from grader.domain.text import printable
from grader.gradebook.context import open_course
from grader.gradebook.extensions import extend
from grader.gradebook.pull import PullResult, pull

PROBLEMS = ("failed", "refused")


def result_json(result: PullResult) -> dict[str, object]:
    return {
        "assignment": result.assignment_id,
        "student_id": result.student_id,
        "result": result.result,
        "reason": result.reason,
        "commit": result.commit,
        "head": result.head,
        "late_minutes": result.late_minutes,
        "flags": list(result.flags),
    }


def result_line(result: PullResult) -> str:
    text = f"{result.assignment_id} {result.student_id}: {result.result}"
    if result.reason:
        text += f": {result.reason}"
    if result.commit:
        text += f" (graded {result.commit[:10]}"
        text += f", {result.late_minutes} min late" if result.late_minutes else ""
        text += ")"
    if result.flags:
        text += f" [{', '.join(result.flags)}]"
    return printable(text)


@cli.command("pull")
@click.argument("assignments", nargs=-1)
@click.option("--student", "students", multiple=True, metavar="ID", help="Only these students (repeatable).")
@click.option(
    "--jobs", default=8, show_default=True, type=click.IntRange(1, 64), help="Repositories at once."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per repository per line.")
@click.pass_obj
def pull_command(
    options: Options, assignments: tuple[str, ...], students: tuple[str, ...], jobs: int, as_json: bool
) -> None:
    """Clone or fetch every student's repository and check out the graded commit."""
    counts: dict[str, int] = {}
    with (
        open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx,
        progress_bar() as bar,
    ):
        task = bar.add_task("pulling", total=None)
        for item in pull(ctx, list(assignments) or None, list(students) or None, jobs=jobs):
            if isinstance(item, Step):
                bar.update(task, completed=item.done, total=item.total, description=printable(item.message))
                continue
            counts[item.result] = counts.get(item.result, 0) + 1
            if as_json:
                click.echo(dumps(result_json(item), lines=True))
            else:
                bar.console.print(result_line(item), markup=False, highlight=False)
    summary = ", ".join(f"{n} {r}" for r, n in sorted(counts.items())) or "nothing to pull"
    fail(f"pulled: {summary}")
    if any(counts.get(r) for r in PROBLEMS):
        raise click.exceptions.Exit(1)


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise click.BadParameter(
            f"expected a date and time with a UTC offset, e.g. 2026-10-03T23:59:00-04:00, got {text!r}",
            param_hint="--until",
        )
    return moment


@cli.command("extend")
@click.argument("student_id")
@click.argument("assignment")
@click.option(
    "--until", "until_text", required=True, metavar="DATETIME", help="New deadline, with a UTC offset."
)
@click.option("--reason", default="", help="Why (kept in the audit log).")
@click.pass_obj
def extend_command(options: Options, student_id: str, assignment: str, until_text: str, reason: str) -> None:
    """Grant STUDENT_ID an extension on ASSIGNMENT; recorded in the audit log."""
    until = _moment(until_text)
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        state = extend(ctx, student_id, assignment, until, reason)
    click.echo(f"{assignment} {student_id}: extended until {until.isoformat()}")
    if state is not None:
        late = f"{state.late_minutes} min late" if state.late_minutes else "on time"
        click.echo(f"graded commit now {(state.graded_commit or '–')[:10]}, {late}")

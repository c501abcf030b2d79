"""`grader autograde`: run the autograded criteria's checks in the sandbox; `grader autograde
groups`: the submissions grouped by what their checks did, for batch review."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Sequence
from contextlib import closing
from dataclasses import replace
from typing import TYPE_CHECKING

import click

from grader.cli.main import Options, cli
from grader.cli.output import dumps, fail, fmt_points, number, progress_bar
from grader.domain.progress import Progress
from grader.domain.text import printable
from grader.gradebook.anonymity import IdentityViews, identities, typed_students
from grader.gradebook.context import CourseContext, open_course

if TYPE_CHECKING:
    from grader.gradebook.autograde import AutogradeRecorded, Reported

UNSCORED = ("error", "refused")
TRUSTED = "trusted"


class AutogradeGroup(click.Group):
    """`grader autograde [ASSIGNMENT...] [options]` runs the checks; `grader autograde groups
    ASSIGNMENT` lists outcome groups: a first word that names no subcommand is an assignment."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        elif not args:
            args = ["run"]
        return super().parse_args(ctx, args)


def result_json(item: AutogradeRecorded) -> dict[str, object]:
    result = item.result
    return {
        "assignment": item.assignment_id,
        "student_id": item.student_id,
        "criterion": item.criterion_id,
        "points": number(result.points),
        "max_points": number(result.max_points),
        "status": result.status.value,
        "exit_code": result.exit_code,
        "duration_s": round(result.duration_s, 3),
        "reason": result.reason,
        "tests": [{"name": t.name, "outcome": t.outcome, "points": number(t.points)} for t in result.tests],
        "cached": item.cached,
        "sandbox": result.sandbox,
        "commit": item.commit,
        "output_truncated": result.output_truncated,
    }


def result_line(item: AutogradeRecorded) -> str:
    result = item.result
    points = f"{fmt_points(result.points)} / {fmt_points(result.max_points)}"
    text = f"{item.assignment_id} {item.student_id} {item.criterion_id}: {result.status.value}, {points}"
    text += f" ({result.duration_s:.1f} s)"
    if result.status.value != "passed" and result.reason:
        text += f": {result.reason}"
    if item.cached:
        text += " [stored run reused]"
    if result.sandbox == TRUSTED:
        text += " [unsandboxed: the course trusts its code]"
    return printable(text)


@cli.group("autograde", cls=AutogradeGroup, context_settings={"help_option_names": ["-h", "--help"]})
def autograde_group() -> None:
    """Run the autograded criteria's checks in the sandbox (grader autograde [ASSIGNMENT...]
    [--student ID...] [--jobs N] [--rerun] [--json]), or group the submissions by outcome
    (grader autograde groups ASSIGNMENT)."""


@autograde_group.command("run")
@click.argument("assignments", nargs=-1)
@click.option("--student", "students", multiple=True, metavar="ID", help="Only these students (repeatable).")
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=None,
    help="Checks at once (default: course.yaml checks.jobs).",
)
@click.option("--rerun", is_flag=True, help="Run every check again, even where a stored run stands for it.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per student and criterion per line.")
@click.pass_obj
def autograde_run(
    options: Options,
    assignments: tuple[str, ...],
    students: tuple[str, ...],
    jobs: int | None,
    rerun: bool,
    as_json: bool,
) -> None:
    """Run every autograded criterion's check (default: of every assignment and student) and
    record the results; a stored run of the same commit and check is reused unless --rerun."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        counts = run_and_show(ctx, list(assignments) or None, list(students) or None, jobs, rerun, as_json)
    if counts["error"] or counts["refused"]:
        raise click.exceptions.Exit(1)


def run_and_show(
    ctx: CourseContext,
    assignment_ids: Sequence[str] | None,
    student_ids: Sequence[str] | None,
    jobs: int | None,
    rerun: bool,
    as_json: bool,
    *,
    heading: str = "autograded",
) -> Counter[str]:
    """Autograde with a progress bar on stderr and a line (or a JSON object) per result; the
    counts by status (and "skipped", "reused"), also summed up on stderr after ``heading``."""
    from grader.gradebook.autograde import (
        AutogradeNote,
        AutogradeRecorded,
        AutogradeSkipped,
        autograde_reported,
    )

    counts: Counter[str] = Counter()
    views = IdentityViews(ctx)
    steps: Generator[Reported, None, None] = autograde_reported(
        ctx, assignment_ids, typed_students(ctx, student_ids, assignment_ids), jobs=jobs, rerun=rerun
    )
    with closing(steps), progress_bar() as bar:  # closing: Ctrl-C ends the running checks at once
        task = bar.add_task("autograding", total=None)
        for item in steps:
            if isinstance(item, Progress):
                bar.update(
                    task, completed=item.done, total=item.total, description=printable(item.message)[:60]
                )
            elif isinstance(item, AutogradeSkipped):
                item = views.item(item)
                counts["skipped"] += 1
                bar.console.print(
                    printable(f"{item.assignment_id} {item.student_id}: skipped: {item.reason}")
                )
            elif isinstance(item, AutogradeNote):
                bar.console.print(printable(f"note: {item.message}"), markup=False, highlight=False)
            elif isinstance(item, AutogradeRecorded):
                item = views.item(item)
                counts[item.result.status.value] += 1
                counts["reused"] += item.cached
                if as_json:
                    click.echo(dumps(result_json(item), lines=True))
                else:
                    bar.console.print(result_line(item), markup=False, highlight=False, soft_wrap=True)
    fail(f"{heading}: {_summary(counts)}")
    return counts


def _summary(counts: Counter[str]) -> str:
    order = ("passed", "partial", "failed", "timeout", "error", "refused")
    parts = [f"{counts[s]} {s}" for s in order if counts[s]]
    if counts["reused"]:
        parts.append(f"{counts['reused']} from stored runs")
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} submission(s) skipped")
    return ", ".join(parts) or "nothing to autograde"


@autograde_group.command("groups")
@click.argument("assignment")
@click.option("--json", "as_json", is_flag=True, help="An array of {signature, count, student_ids}.")
@click.pass_obj
def autograde_groups(options: Options, assignment: str, as_json: bool) -> None:
    """The students grouped by their latest autograde outcome (the set of failing tests, or
    timeout, error, exit status), largest group first."""
    from grader.gradebook.autograde_groups import outcome_groups

    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        groups = outcome_groups(ctx, assignment)
        shown = identities(ctx, assignment)
    if shown.hidden:  # pseudonyms, in their order: roster order would tell who is who
        groups = [replace(g, student_ids=tuple(sorted(map(shown.shown_id, g.student_ids)))) for g in groups]
    if as_json:
        click.echo(
            dumps(
                [
                    {"signature": g.signature, "count": len(g.student_ids), "student_ids": g.student_ids}
                    for g in groups
                ]
            )
        )
        return
    if not groups:
        click.echo(f"{assignment}: no autograded criterion")
    for group in groups:
        click.echo(printable(f"{len(group.student_ids):>5}  {group.signature}"))
        click.echo(printable("       " + " ".join(group.student_ids)))

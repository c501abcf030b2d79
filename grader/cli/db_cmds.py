"""Database commands: migrate, check and back up."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.cli.main import Options, cli
from grader.cli.output import fail, fmt_points, progress_bar
from grader.domain.progress import Progress
from grader.domain.text import printable
from grader.gradebook.context import open_course, utc_now

if TYPE_CHECKING:
    from grader.gradebook.summary_check import SummaryDisagreement
    from grader.store.summary_values import SubmissionSummary

SHOWN = 20
"""Wrong summaries listed one by one; the rest are counted."""


def show_progress(steps: Iterable[Progress], what: str) -> int:
    """Run ``steps`` under a progress bar ("WHAT of ASSIGNMENT"); the items done in all."""
    done = 0
    with progress_bar() as bar:
        task = bar.add_task(what, total=None)
        for step in steps:
            bar.update(
                task,
                completed=step.done,
                total=step.total,
                description=f"{what} of {printable(step.message)}",
            )
            done += step.done if step.done == step.total else 0
    return done


@cli.group()
def db() -> None:
    """Gradebook database maintenance."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(options: Options) -> None:
    """Bring the gradebook to the latest schema (an older SQLite file is backed up first; back a
    PostgreSQL database up with pg_dump), then recompute the submission summaries out of date."""
    from grader.gradebook.summary_check import rebuild_summaries

    root = options.course_root()
    with open_course(root, database_url=options.database_url, actor=options.actor, upgrade=True) as ctx:
        recomputed = show_progress(rebuild_summaries(ctx), "recomputing summaries")
        click.echo(f"gradebook at schema revision {ctx.store.revision()} (latest)")
    click.echo(f"submission summaries up to date ({recomputed:,} recomputed)")


@db.command("check")
@click.option("--repair", is_flag=True, help="Recompute the summaries found wrong.")
@click.pass_obj
def db_check(options: Options, repair: bool) -> None:
    """Recompute every submission summary and compare it with the stored one (and, for SQLite,
    check the file itself). Exit status 1 when something is wrong."""
    from grader.gradebook.summary_check import check_summaries, repair_summaries

    wrong: list[SummaryDisagreement] = []
    outdated: list[SummaryDisagreement] = []
    repaired = 0
    root = options.course_root()
    with open_course(root, database_url=options.database_url, actor=options.actor) as ctx:
        show_progress(_sorted_out(check_summaries(ctx), wrong, outdated), "checking summaries")
        integrity = ctx.store.integrity_check() if ctx.store.dialect == "sqlite" else "ok"
        if repair:
            for assignment_id in dict.fromkeys(item.assignment_id for item in wrong):
                ids = [item.student_id for item in wrong if item.assignment_id == assignment_id]
                repaired += repair_summaries(ctx, assignment_id, ids)
    for item in wrong[:SHOWN]:
        where = f"{item.assignment_id} {item.student_id}"
        fail(f"{where}: stored {_told(item.stored)}; recomputed {_told(item.expected)}")
    if len(wrong) > SHOWN:
        fail(f"… and {len(wrong) - SHOWN:,} more")
    if integrity != "ok":
        fail(f"the gradebook file is damaged: {integrity}")
    if wrong and repair:
        click.echo(f"recomputed {repaired:,} submission summaries that disagreed with their choices")
    elif wrong:
        fail(
            f"{len(wrong):,} submission summaries disagree with their choices: run `grader db check --repair`"
        )
    else:
        click.echo(
            f"submission summaries agree with their choices ({len(outdated):,} out of date: "
            "recomputed when next counted, or by `grader db upgrade`)"
        )
    if integrity != "ok" or (wrong and not repair):
        raise click.exceptions.Exit(1)


def _sorted_out(
    found: Iterable[Progress | SummaryDisagreement],
    wrong: list[SummaryDisagreement],
    outdated: list[SummaryDisagreement],
) -> Iterable[Progress]:
    for item in found:
        if isinstance(item, Progress):
            yield item
        else:
            (wrong if item.wrong else outdated).append(item)


def _told(summary: SubmissionSummary | None) -> str:
    if summary is None:
        return "nothing (the rubric cannot score these choices)"
    final = "final" if summary.final else "not final"
    return f"{summary.status}, {fmt_points(summary.score)} / {fmt_points(summary.max_score)}, {final}"


@cli.command()
@click.argument("destination", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace DESTINATION if it exists.")
@click.pass_obj
def backup(options: Options, destination: Path, force: bool) -> None:
    """Write a consistent copy of the gradebook to DESTINATION, even while others grade."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        ctx.store.backup(destination, overwrite=force)
        ctx.store.audit("backup", {"destination": str(destination)}, actor=ctx.actor, now=utc_now())
    click.echo(f"backed up the gradebook to {destination}")

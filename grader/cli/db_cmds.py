"""Database commands: migrate and back up."""

from __future__ import annotations

from pathlib import Path

import click

from grader.cli.main import Options, cli
from grader.gradebook.context import open_course, utc_now


@cli.group()
def db() -> None:
    """Gradebook database maintenance."""


@db.command("upgrade")
@click.pass_obj
def db_upgrade(options: Options) -> None:
    """Bring the gradebook to the latest schema (an older one is backed up first)."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        click.echo(f"gradebook at schema revision {ctx.store.revision()} (latest)")


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

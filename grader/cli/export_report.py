"""`grader export report`: one self-contained HTML page of class figures, to read and to print."""

from __future__ import annotations

from pathlib import Path

import click

from grader.cli.export_cmds import export_group
from grader.cli.main import Options
from grader.cli.output import fail, progress_bar
from grader.domain.progress import Progress as Step
from grader.domain.text import printable
from grader.gradebook.context import open_course
from grader.gradebook.report import write_report


@export_group.command("report")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Where to write the page (default: .grader/report.html in the course).",
)
@click.pass_obj
def export_report(options: Options, output: Path | None) -> None:
    """Score distributions per assignment and criterion, and a students × skills mastery heat map.

    The page is self-contained (no script, nothing loaded from the network) and prints one part
    per page. It names students: share it as you would the gradebook.
    """
    written: Path | None = None
    with (
        open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx,
        progress_bar() as bar,
    ):
        task = bar.add_task("gathering figures", total=None)
        for item in write_report(ctx, output):
            if isinstance(item, Step):
                bar.update(task, completed=item.done, total=item.total, description=printable(item.message))
            else:
                written = item
    assert written is not None
    click.echo(str(written))
    fail(f"report written to {written}; open it in a browser")

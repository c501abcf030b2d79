"""`grader export report`: one self-contained HTML page of class figures, to read and to print."""

from __future__ import annotations

from pathlib import Path

import click

from grader.cli.export_cmds import export_group
from grader.cli.main import Options
from grader.cli.output import page_output_option, written_page
from grader.gradebook.context import open_course
from grader.gradebook.report import write_report


@export_group.command("report")
@page_output_option(".grader/report.html in the course")
@click.pass_obj
def export_report(options: Options, output: Path | None) -> None:
    """Score distributions per assignment and criterion, and a students × skills mastery heat map.

    The page is self-contained (no script, nothing loaded from the network) and prints one part
    per page. It names students: share it as you would the gradebook.
    """
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        written_page(write_report(ctx, output), "gathering figures", "report")

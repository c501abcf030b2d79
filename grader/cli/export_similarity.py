"""`grader export similarity`: an assignment's similar pairs as one self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from grader.cli.export_cmds import export_group
from grader.cli.main import Options
from grader.cli.output import page_output_option, written_page
from grader.domain.similarity import LISTED_PAIRS
from grader.gradebook.context import open_course
from grader.gradebook.similarity_export import PageRequest, write_similarity_page


@export_group.command("similarity")
@click.argument("assignment")
@page_output_option(
    ".grader/similarity-ASSIGNMENT.html in the course, "
    "similarity-ASSIGNMENT-confirmed.html with --confirmed-only"
)
@click.option(
    "--confirmed-only",
    is_flag=True,
    help="Only the pairs whose verdict is confirmed: no other student is named on the page.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help=f"The N most similar pairs (default: the {LISTED_PAIRS} that grader similarity lists; "
    "with --confirmed-only, every confirmed pair).",
)
@click.pass_obj
def export_similarity(
    options: Options, assignment: str, output: Path | None, confirmed_only: bool, limit: int | None
) -> None:
    """The latest grader similarity run's pairs of ASSIGNMENT, for an academic-integrity case.

    Per pair, most similar first: both students, the similarity of each side, the verdict with its
    note and who recorded it when, and every matching fragment side by side with line numbers.
    Without --limit: the pairs grader similarity lists. The page is self-contained (no script,
    nothing loaded from the network) and prints a pair per page. It names students (pseudonyms
    while an anonymous assignment is not revealed): share it as you would the gradebook.
    """
    if limit is None and not confirmed_only:
        limit = LISTED_PAIRS
    request = PageRequest(assignment, limit, confirmed_only)
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        written_page(write_similarity_page(ctx, request, output), "similar pairs", "similarity page")

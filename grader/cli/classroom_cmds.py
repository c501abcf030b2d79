"""`grader rubric import-classroom`: GitHub Classroom's autograding tests as a rubric file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from grader.cli.grade_cmds import rubric
from grader.cli.main import Options
from grader.cli.output import fail, fmt_points
from grader.domain.text import printable
from grader.files.classroom import load_classroom
from grader.files.classroom_rubric import classroom_rubric, rubric_id, write_rubric
from grader.files.course import rubric_target


@rubric.command("import-classroom")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--assignment",
    "assignment_id",
    metavar="ID",
    help="Write the rubric file course.yaml names for this assignment (and use its title).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the rubric (default: the assignment's rubric file, else standard output).",
)
@click.option("--force", is_flag=True, help="Replace the file when it exists.")
@click.pass_obj
def import_classroom(
    options: Options, source: Path, assignment_id: str | None, output: Path | None, force: bool
) -> None:
    """Turn .github/classroom/autograding.json (or a Classroom workflow) into check: criteria.

    One criterion per Classroom test. Setup commands are never run: each is listed with what to
    prepare instead.
    """
    title = "GitHub Classroom tests"
    target = output
    if assignment_id is not None:
        root = options.course_root()
        rubric_file, title = rubric_target(root, assignment_id)
        target = output or root / rubric_file
    tests = load_classroom(source, str(source))
    imported = classroom_rubric(
        tests,
        rubric_id=rubric_id(target),
        title=title,
        source=str(source),
        display=str(target or "rubric.yaml"),
    )
    if target is None:
        click.echo(imported.text, nl=False)
    else:
        write_rubric(target, imported.text, force=force)
        kinds = Counter(c.check.kind.value for c in imported.rubric.criteria if c.check)
        made = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        click.echo(
            f"wrote {printable(str(target))}: {len(imported.rubric.criteria)} criteria ({made}), "
            f"{fmt_points(imported.rubric.max_points)} points"
        )
    for note in imported.notes:
        fail(f"note: {note}")
    if target is not None:
        click.echo("next: grader check")

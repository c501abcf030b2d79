"""`grader similarity`: find similar submissions of an assignment, and record verdicts on pairs."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import click

from grader.cli.main import Options, cli
from grader.cli.output import dumps, progress_bar, stdout
from grader.domain.progress import Progress
from grader.domain.similarity import LISTED_PAIRS, VERDICTS, Settings
from grader.domain.text import printable


class _RunOrSubcommand(click.Group):
    """``grader similarity ASSIGNMENT ...`` runs a comparison; ``grader similarity verdict ...``
    records a verdict (the first word picks)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@cli.group("similarity", cls=_RunOrSubcommand)
def similarity_group() -> None:
    """Find copied work: grader similarity ASSIGNMENT compares every pair of graded submissions;
    grader similarity verdict ASSIGNMENT A B --verdict ... records what was decided."""


@similarity_group.command("run")
@click.argument("assignment")
@click.option(
    "--against", multiple=True, metavar="ASSIGNMENT_OR_DIR", help="Also compare with earlier submissions."
)
@click.option(
    "--min-lines", type=int, default=Settings.min_lines, show_default=True, help="Shortest fragment shown."
)
@click.option(
    "--shared-share",
    default=str(Settings.shared_share),
    show_default=True,
    help="Leave out code found in more than this share of the class.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=LISTED_PAIRS,
    show_default=True,
    help="Pairs listed (--json: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_obj
def run_command(
    options: Options,
    assignment: str,
    against: tuple[str, ...],
    min_lines: int,
    shared_share: str,
    limit: int,
    as_json: bool,
) -> None:
    """Compare every pair of ASSIGNMENT's graded submissions (starter code and code most of the
    class shares left out), keep the results in the gradebook and list the pairs, most similar first."""
    from grader.gradebook.context import open_course
    from grader.gradebook.similarity import SimilarityReport, run_similarity

    try:
        share = Decimal(shared_share.strip())
    except InvalidOperation:
        raise click.BadParameter(f"'{shared_share}' is not a number", param_hint="--shared-share") from None
    settings = Settings(min_lines=min_lines, shared_share=share)
    report: SimilarityReport | None = None
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        steps = run_similarity(ctx, assignment, settings, against)
        with progress_bar() as bar:
            task = bar.add_task("similarity", total=None)
            for step in steps:
                if isinstance(step, Progress):
                    bar.update(task, completed=step.done, total=step.total, description=step.message)
                else:
                    report = step
    assert report is not None
    if as_json:
        click.echo(dumps(_report_json(report)))
    else:
        _show(report, limit)


def _report_json(report: Any) -> dict[str, object]:
    return {
        "assignment": report.assignment_id,
        "submissions": report.submissions,
        "computed": report.compared,
        "reused": report.reused,
        "settings": report.settings,
        "pairs": [
            {
                "a": p.a,
                "b": p.b,
                "similarity_a": p.similarity_a,
                "similarity_b": p.similarity_b,
                "longest_lines": p.longest_lines,
                "fragments": p.fragments,
                "verdict": p.verdict,
                "note": p.note,
                "earlier": p.earlier,
            }
            for p in report.pairs
        ],
        "skipped": [{"who": who, "path": path, "reason": reason} for who, path, reason in report.skipped],
    }


def _show(report: Any, limit: int) -> None:
    from rich.table import Table
    from rich.text import Text

    console = stdout()
    if not report.pairs:
        console.print(
            Text(f"{report.assignment_id}: no similar pairs among {report.submissions} submissions")
        )
    else:
        table = Table(
            "A", "B", "A in B", "B in A", "longest", "verdict", title=f"{report.assignment_id}: similar pairs"
        )
        for p in report.pairs[:limit]:
            table.add_row(
                Text(printable(p.a)),
                Text(printable(p.b)),
                Text(f"{p.similarity_a:.0%}"),
                Text(f"{p.similarity_b:.0%}"),
                Text(f"{p.longest_lines} lines"),
                Text(p.verdict or "–"),
            )
        console.print(table)
    skipped = len(report.skipped)
    if len(report.pairs) > limit:
        console.print(Text(f"… and {len(report.pairs) - limit} less similar pairs (--limit N, or --json)"))
    console.print(
        Text(
            f"{report.submissions} submissions; {report.compared} pairs computed, {report.reused} reused "
            f"from the last run; {skipped} files skipped (--json lists them)"
        )
    )


@similarity_group.command("verdict")
@click.argument("assignment")
@click.argument("student_a")
@click.argument("student_b")
@click.option("--verdict", "verdict", type=click.Choice(VERDICTS), required=True, help="What was decided.")
@click.option("--note", default="", help="Why (kept with the verdict in the audit log).")
@click.pass_obj
def verdict_command(
    options: Options, assignment: str, student_a: str, student_b: str, verdict: str, note: str
) -> None:
    """Record a verdict on a pair of the latest run (audited; the latest is in force);
    confirmed flags both submissions and changes no score."""
    from grader.gradebook.context import open_course
    from grader.gradebook.similarity_review import record_verdict

    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        made = record_verdict(ctx, assignment, student_a, student_b, verdict, note)
    flagged = " (both submissions flagged)" if verdict == "confirmed" else ""
    click.echo(printable(f"{assignment}: {student_a} and {student_b} marked {made.verdict}{flagged}"))

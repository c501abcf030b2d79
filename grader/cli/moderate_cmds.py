"""`grader moderate`: sample graded submissions for blind second marking, give second marks,
and report how far they agree with the first marks."""

from __future__ import annotations

from typing import Any

import click

from grader.cli.main import Options, cli
from grader.cli.moderate_report import print_report, queued_json, report_json
from grader.cli.output import ChoiceOptions, choice_options, decimal_option, dumps
from grader.domain.anonymity import Identities
from grader.domain.errors import GraderError
from grader.domain.moderation import Queued, parse_sample
from grader.domain.text import printable
from grader.gradebook.anonymity import find_student, identities
from grader.gradebook.context import open_course
from grader.gradebook.grading import ChoiceRequest
from grader.gradebook.moderation import (
    SampleRun,
    moderation_report,
    record_second_mark,
    sample_for_moderation,
)


class SampleByDefault(click.Group):
    """`grader moderate ASSIGNMENT …` samples; `grader moderate mark|report …` do the rest."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["sample", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=SampleByDefault)
def moderate(**_: Any) -> None:
    """Moderation (second marking): `grader moderate ASSIGNMENT --sample 10%` queues a sample,
    `grader moderate mark …` gives a second mark, `grader moderate report ASSIGNMENT` compares."""


@moderate.command("sample")
@click.argument("assignment")
@click.option(
    "--sample", "sample_text", required=True, metavar="N|P%", help="How many: a count or a percentage."
)
@click.option("--per-grader", is_flag=True, help="Take the share from each first marker's submissions.")
@click.option("--seed", type=int, default=0, show_default=True, help="Another seed draws another sample.")
@click.option(
    "--moderator", "moderators", multiple=True, help="A second marker (repeatable; default: the graders)."
)
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_obj
def sample_cmd(
    options: Options,
    assignment: str,
    sample_text: str,
    per_grader: bool,
    seed: int,
    moderators: tuple[str, ...],
    as_json: bool,
) -> None:
    """Queue a reproducible random sample of ASSIGNMENT's graded submissions for blind second
    marking, each by a grader other than its first marker (balanced, in name order).

    The sample is drawn from the assignment id and --seed, so the same command draws the same
    sample. Submissions queued already count towards the size and are never drawn again.
    """
    try:
        size = parse_sample(sample_text)
    except GraderError as error:
        raise click.BadParameter(str(error), param_hint="--sample") from None
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        ctx.files.rubric(assignment)  # names the known assignments when it is not one
        run = sample_for_moderation(
            ctx,
            assignment,
            size,
            seed=seed,
            per_grader=per_grader,
            moderators=[m.strip() for m in moderators],
        )
        shown = identities(ctx, assignment)
    if as_json:
        click.echo(dumps(_run_json(run, shown)))
        return
    _print_run(run, str(size), shown)


def _run_json(run: SampleRun, shown: Identities) -> dict[str, object]:
    def entries(queued: tuple[Queued, ...]) -> list[dict[str, str]]:
        return [queued_json(q, shown) for q in queued]

    return {
        "assignment": run.assignment_id,
        "graded": run.graded,
        "already_queued": entries(run.already),
        "queued": entries(run.added),
        "audit_id": run.audit_id,
    }


def _print_run(run: SampleRun, size: str, shown: Identities) -> None:
    if run.already:
        click.echo(
            f"{len(run.already):,} submission(s) already queued; they stay queued and are not sampled again"
        )
    if not run.added:
        click.echo(
            f"{run.assignment_id}: the sample of {size} of {run.graded:,} graded submission(s) "
            "is complete; nothing new queued"
        )
        return
    click.echo(
        f"{run.assignment_id}: queued {len(run.added):,} of {run.graded:,} graded submission(s) "
        "for second marking"
    )
    for q in run.added:
        click.echo(
            printable(
                f"  {shown.shown_id(q.student_id)}  first marked by {q.first_marker or '(unknown)'}"
                f"  →  {q.moderator}"
            )
        )


@moderate.command("mark")
@click.argument("assignment")
@choice_options("Points (points criteria).")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_obj
def mark_cmd(options: Options, assignment: str, choice: ChoiceOptions, as_json: bool) -> None:
    """Give a blind second mark for one criterion of a queued submission: saved apart from the
    grade (which it never changes); refused for the submission's first marker."""
    given = choice.given()
    if len(given) != 1:
        raise click.UsageError(
            "choose one of --level, --item, --no-items or --points"
            + (f", not {' and '.join(given)}" if given else "")
        )
    request = ChoiceRequest(
        level=choice.level,
        items=choice.items if choice.items else (() if choice.no_items else None),
        points=decimal_option(choice.points, "--points"),
    )
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        shown = identities(ctx, assignment)
        student_id = find_student(ctx, assignment, choice.student_id).student_id
        saved = record_second_mark(ctx, assignment, student_id, choice.criterion_id, request)
    if as_json:
        click.echo(
            dumps(
                {
                    "assignment": assignment,
                    "student_id": shown.shown_id(student_id),
                    "criterion": choice.criterion_id,
                    "second_mark": saved.choice.to_dict(),
                    "by": saved.actor,
                    "at": saved.at.isoformat(),
                }
            )
        )
        return
    click.echo(
        printable(
            f"{assignment} {shown.shown_id(student_id)} {choice.criterion_id}: second mark saved by "
            f"{saved.actor} (the grade is unchanged)"
        )
    )


@moderate.command("report")
@click.argument("assignment")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_obj
def report_cmd(options: Options, assignment: str, as_json: bool) -> None:
    """Agreement of the second marks with the first, per criterion and per (first, second)
    marker: exact agreement and mean point difference, and the disagreements to resolve."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        ctx.files.rubric(assignment)
        report, queue = moderation_report(ctx, assignment)
        shown = identities(ctx, assignment)
    if as_json:
        click.echo(dumps(report_json(assignment, report, queue, shown)))
        return
    print_report(assignment, report, queue, shown)

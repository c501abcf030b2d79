"""`grader assign`: split an assignment's grading across a team (again when graders join or
leave: started work never moves), or remove the split; each run audited."""

from __future__ import annotations

import click
from rich import box
from rich.table import Table
from rich.text import Text

from grader.cli.main import Options, cli
from grader.cli.output import dumps, fail, progress_bar, stdout
from grader.domain.errors import GraderError
from grader.domain.progress import Progress
from grader.domain.split import SplitMode, SplitPlan, parse_team
from grader.domain.text import printable
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.split import Proposal, clear_split, propose_split, save_split


@cli.command()
@click.argument("assignment")
@click.option("--graders", metavar="A,B,C", help="The team, names separated by commas (as each gives --as).")
@click.option("--by-section", is_flag=True, help="Keep each roster section with one grader.")
@click.option("--by-criterion", is_flag=True, help="Split the rubric's criteria instead of the submissions.")
@click.option("--dry-run", is_flag=True, help="Show the split; save nothing.")
@click.option("--clear", is_flag=True, help="Remove the assignment's split.")
@click.option("--json", "as_json", is_flag=True, help="Machine output.")
@click.pass_obj
def assign(
    options: Options,
    assignment: str,
    graders: str | None,
    by_section: bool,
    by_criterion: bool,
    dry_run: bool,
    clear: bool,
    as_json: bool,
) -> None:
    """Split ASSIGNMENT's submissions (or, --by-criterion, its criteria) across the graders.

    Deterministic: the graders are taken in name order, the students in roster order. Run it
    again when graders join or leave: work already started (in progress, graded or excused; a
    criterion any submission has a choice for) keeps its grader, and only unstarted work is
    rebalanced, counting what each grader holds already.
    """
    if clear:
        if graders is not None or by_section or by_criterion or dry_run:
            raise click.UsageError("--clear removes the split: give it alone (with --json at most)")
    elif graders is None:
        raise click.UsageError("give --graders A,B,C (or --clear to remove the split)")
    if by_section and by_criterion:
        raise click.UsageError("--by-section and --by-criterion split different things: give one of them")
    team: tuple[str, ...] = ()
    if graders is not None:
        try:
            team = parse_team(graders)
        except GraderError as error:
            raise click.BadParameter(str(error), param_hint="--graders") from None
    mode = SplitMode.CRITERIA if by_criterion else SplitMode.SECTIONS if by_section else SplitMode.SUBMISSIONS
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        ctx.files.rubric(assignment)  # names the known assignments when it is not one
        if clear:
            _clear(ctx, assignment, as_json)
            return
        proposal = _propose(ctx, assignment, team, mode)
        audit_id = None if dry_run else save_split(ctx, proposal).id
        sections = {s.student_id: s.section for s in ctx.files.students}
    plan = proposal.plan
    for note in plan.notes:
        fail(f"note: {note}")
    if as_json:
        click.echo(dumps(plan_json(plan, sections, dry_run=dry_run, audit_id=audit_id)))
        return
    _print_plan(plan, sections, dry_run=dry_run)


def _propose(ctx: CourseContext, assignment: str, team: tuple[str, ...], mode: SplitMode) -> Proposal:
    with progress_bar() as bar:
        task = bar.add_task("reading where each submission stands", total=None)
        for step in propose_split(ctx, assignment, team, mode):
            if isinstance(step, Progress):
                bar.update(task, completed=step.done, total=step.total, description="updating summaries")
            else:
                return step
    raise AssertionError("propose_split ends with a proposal")


def _clear(ctx: CourseContext, assignment: str, as_json: bool) -> None:
    removed = clear_split(ctx, assignment)
    if as_json:
        click.echo(
            dumps(
                {
                    "assignment": assignment,
                    "cleared": removed is not None,
                    "mode": removed.mode.value if removed else None,
                    "removed": len(removed.owners) if removed else 0,
                    "graders": list(removed.graders) if removed else [],
                }
            )
        )
    elif removed is None:
        click.echo(f"{assignment} had no work split; nothing changed")
    else:
        click.echo(
            printable(
                f"{assignment}: work split removed ({len(removed.owners):,} {removed.mode.plural} of "
                f"{', '.join(removed.graders)})"
            )
        )


def plan_json(
    plan: SplitPlan, sections: dict[str, str], *, dry_run: bool, audit_id: int | None
) -> dict[str, object]:
    return {
        "assignment": plan.assignment_id,
        "mode": plan.mode.value,
        "dry_run": dry_run,
        "saved": not dry_run,
        "audit_id": audit_id,
        "team": list(plan.team),
        "graders": [
            {
                "grader": share.grader,
                "in_team": share.in_team,
                "assigned": share.assigned,
                "started": share.started,
                "items": [item for item, g in plan.owners.items() if g == share.grader],
                "sections": _sections_of(plan, share.grader, sections),
            }
            for share in plan.shares()
        ],
        "moved": plan.moved,
        "notes": list(plan.notes),
    }


def _sections_of(plan: SplitPlan, grader: str, sections: dict[str, str]) -> list[str]:
    if plan.mode is SplitMode.CRITERIA:
        return []
    return sorted({sections.get(item, "") for item, g in plan.owners.items() if g == grader})


def _print_plan(plan: SplitPlan, sections: dict[str, str], *, dry_run: bool) -> None:
    kind = {SplitMode.SUBMISSIONS: "by submission", SplitMode.SECTIONS: "by section"}.get(
        plan.mode, "by criterion"
    )
    saved = "dry run: nothing saved" if dry_run else "saved"
    click.echo(
        printable(
            f"{plan.assignment_id}: {len(plan.owners):,} {plan.mode.plural} split across "
            f"{len(plan.team)} grader(s), {kind} ({saved})"
        )
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("grader", no_wrap=True)
    table.add_column(plan.mode.plural, justify="right")
    table.add_column("of which started", justify="right")
    detail = {SplitMode.CRITERIA: "criterion ids", SplitMode.SECTIONS: "sections"}.get(plan.mode)
    if detail:
        table.add_column(detail, max_width=48)
    for share in plan.shares():
        name = share.grader if share.in_team else f"{share.grader} (keeps started work)"
        cells: list[Text | str] = [Text(printable(name)), f"{share.assigned:,}", f"{share.started:,}"]
        if plan.mode is SplitMode.CRITERIA:
            cells.append(Text(printable(", ".join(i for i, g in plan.owners.items() if g == share.grader))))
        elif plan.mode is SplitMode.SECTIONS:
            names = [s or "(no section)" for s in _sections_of(plan, share.grader, sections)]
            cells.append(Text(printable(", ".join(names))))
        table.add_row(*cells)
    stdout().print(table)

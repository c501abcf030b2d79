"""`grader moderate report`'s output: the agreement figures as JSON, or as tables."""

from __future__ import annotations

from decimal import Decimal

import click
from rich import box
from rich.table import Table
from rich.text import Text

from grader.cli.output import fmt_points, number, stdout
from grader.domain.agreement import Agreement, AgreementReport
from grader.domain.anonymity import Identities
from grader.domain.choice_words import describe_choice
from grader.domain.moderation import Queued
from grader.domain.text import printable

SHARE = Decimal("0.0001")


def agreement_json(figures: Agreement) -> dict[str, object]:
    return {
        "marks": figures.marks,
        "agreed": figures.agreed,
        "exact_agreement": number(figures.share.quantize(SHARE)) if figures.marks else None,
        "mean_point_difference": number(figures.mean_difference),
    }


def queued_json(queued: Queued, shown: Identities) -> dict[str, str]:
    """One queued submission (by pseudonym while the assignment's identities are hidden)."""
    return {
        "student_id": shown.shown_id(queued.student_id),
        "first_marker": queued.first_marker,
        "moderator": queued.moderator,
    }


def report_json(
    assignment_id: str, report: AgreementReport, queue: dict[str, Queued], shown: Identities
) -> dict[str, object]:
    return {
        "assignment": assignment_id,
        "queued": [queued_json(q, shown) for q in queue.values()],
        "overall": agreement_json(report.overall),
        "criteria": [{"criterion": a.key, **agreement_json(a)} for a in report.by_criterion],
        "markers": [
            {"first_marker": first, "second_marker": second, **agreement_json(a)}
            for a in report.by_markers
            for first, second in [a.key.split(" → ", 1)]
        ],
        "disagreements": [
            {
                "student_id": shown.shown_id(p.student_id),
                "criterion": p.criterion.id,
                "first": p.first.to_dict(),
                "first_marker": p.first_marker,
                "second": p.second.to_dict(),
                "second_marker": p.second_marker,
                "difference": number(p.difference),
            }
            for p in report.disagreements
        ],
    }


def _figures_table(title: str, rows: tuple[Agreement, ...]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title=title, title_justify="left")
    table.add_column(title.split(" ")[-1], no_wrap=True)
    table.add_column("second marks", justify="right")
    table.add_column("exact agreement", justify="right")
    table.add_column("mean points (2nd − 1st)", justify="right")
    for row in rows:
        mean = "—" if row.mean_difference is None else f"{row.mean_difference:+.2f}"
        table.add_row(
            Text(printable(row.key)), f"{row.marks:,}", f"{row.agreed}/{row.marks} ({row.share:.0%})", mean
        )
    return table


def print_report(
    assignment_id: str, report: AgreementReport, queue: dict[str, Queued], shown: Identities
) -> None:
    marked = len({p.student_id for p in report.disagreements})
    overall = report.overall
    click.echo(
        printable(
            f"{assignment_id}: {len(queue):,} submission(s) queued for moderation, {overall.marks:,} "
            f"second mark(s); exact agreement {overall.agreed}/{overall.marks} ({overall.share:.0%})"
        )
    )
    if not overall.marks:
        click.echo("no second mark yet: each moderator gives them with grader moderate mark")
        return
    stdout().print(_figures_table("by criterion", report.by_criterion))
    stdout().print(_figures_table("by first → second marker", report.by_markers))
    if not report.disagreements:
        click.echo("no disagreement to resolve")
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="to resolve", title_justify="left")
    for column in ("student", "criterion", "first", "second", "difference"):
        table.add_column(column)
    for p in report.disagreements:
        diff = p.difference
        table.add_row(
            Text(printable(shown.shown_id(p.student_id))),
            Text(printable(p.criterion.id)),
            Text(printable(f"{describe_choice(p.first, p.criterion)} ({p.first_marker})")),
            Text(printable(f"{describe_choice(p.second, p.criterion)} ({p.second_marker})")),
            "—" if diff is None else f"{'+' if diff > 0 else ''}{fmt_points(diff)}",
        )
    stdout().print(table)
    click.echo(f"{len(report.disagreements):,} disagreement(s) in {marked:,} submission(s) to resolve")

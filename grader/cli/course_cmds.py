"""Course-level commands: init, check, demo, status, and the bare overview."""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import click

from grader.cli.main import Options, cli
from grader.cli.output import dumps, fail, number, progress_bar
from grader.cli.status_output import print_statuses
from grader.cli.tui_cmd import open_tui
from grader.files.course import load_course
from grader.files.skeleton import write_skeleton
from grader.gradebook.anonymity import shown_statuses
from grader.gradebook.context import open_course
from grader.gradebook.status import (
    CriterionStatus,
    SubmissionStatus,
    choice_summary,
    submission_statuses,
)


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
def init(directory: Path) -> None:
    """Write a commented course skeleton into DIRECTORY."""
    written = write_skeleton(directory)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: edit {directory / 'course.yaml'}, then run 'grader --course {directory} check'")


@cli.command()
@click.pass_obj
def check(options: Options) -> None:
    """Validate course.yaml, the roster and every rubric; report every problem at once."""
    files = load_course(options.course_root())
    criteria = sum(len(r.criteria) for r in files.rubrics.values())
    click.echo(
        f"ok: {files.course.id}: {len(files.course.assignments)} assignment(s), {len(files.rubrics)} "
        f"rubric(s) with {criteria} criteria, {len(files.students)} student(s), "
        f"{len(files.course.badges)} badge(s)"
    )


@cli.command()
@click.argument(
    "directory", required=False, default="grader-demo", type=click.Path(path_type=Path, file_okay=False)
)
@click.option("--students", default=36, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--no-tui", is_flag=True, help="Only build the course (no pull, no TUI).")
@click.pass_obj
def demo(options: Options, directory: Path, students: int, seed: int, no_tui: bool) -> None:
    """Build a complete demo course (roster, rubrics, real git repositories) in DIRECTORY, pull
    every repository and open the grading TUI (--no-tui: only build)."""
    from grader.demo import build_demo_course

    with progress_bar() as bar:
        task = bar.add_task("building demo course", total=None)
        for step in build_demo_course(directory, students=students, seed=seed):
            bar.update(task, completed=step.done, total=step.total, description=step.message or "building")
    files = load_course(directory)
    click.echo(
        f"demo course ready in {directory}: {len(files.students)} students, "
        f"{len(files.course.assignments)} assignments, {len(files.course.badges)} badges"
    )
    if not no_tui:
        demo_options = Options(directory, options.database_url, options.actor)
        _pull_demo(demo_options)
        if sys.stdin.isatty() and sys.stdout.isatty():
            open_tui(demo_options)
            return
    click.echo("next:")
    click.echo(f"  cd {directory}")
    click.echo("  grader check")
    click.echo("  grader pull --autograde   # clone every repository, run the checks in the sandbox")
    first = files.course.assignments[0]
    criterion = next(c for c in files.rubrics[first.id].criteria if c.levels)
    click.echo(
        f"  grader grade {first.id} --student {files.students[0].student_id} "
        f"--criterion {criterion.id} --level {criterion.levels[0].label}"
    )
    click.echo("  grader status")


def criterion_json(c: CriterionStatus) -> dict[str, object]:
    summary = choice_summary(c.choice)
    out: dict[str, object] = {
        "choice": number(summary) if isinstance(summary, Decimal) else summary,
        "points": number(c.points),
        "words": c.words,
    }
    if c.choice.adjustment:
        out["adjustment"] = number(c.choice.adjustment)
        out["adjustment_comment"] = c.choice.adjustment_comment
    if c.choice.comment:
        out["comment"] = c.choice.comment
    if c.autograde is not None:
        found = c.autograde
        out["autograde"] = {
            "status": found.status,
            "points": number(found.points),
            "reason": found.reason,
            "tests_passed": found.tests_passed,
            "tests_total": found.tests_total,
            "sandbox": found.sandbox,
        }
    if c.overridden:
        out["overridden"] = True
    return out


def status_json(row: SubmissionStatus) -> dict[str, object]:
    return {
        "assignment": row.assignment_id,
        "student_id": row.student_id,
        "name": row.name,
        "status": row.status,
        "score": number(row.score),
        "max_score": number(row.max_score),
        "late_penalty": number(row.penalty),
        "late_minutes": row.late_minutes,
        "graded_commit": row.graded_commit,
        "dated_by": row.dated_by or None,
        "flags": list(row.flags),
        "graded_by": row.graded_by,
        "pull_result": row.pull_result,
        "version": row.version,
        "excused": row.excused,
        "flag_note": row.flag_note,
        "criteria": {c.criterion_id: criterion_json(c) for c in row.criteria},
        "flagged": row.flagged,
        "final": row.final,
        "autograde": row.autograde_summary or None,
    }


@cli.command()
@click.argument("assignment", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine output: an array of submissions.")
@click.pass_obj
def status(options: Options, assignment: str | None, as_json: bool) -> None:
    """Where every submission stands: status, score, lateness, graded commit (and what dates it:
    commit or pull time), flags; then a one-line summary. Piped: tab-separated full values.

    A grade is final once every criterion is scored: a graded submission flagged "autograde
    pending" is not final yet (--json: "final").
    """
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        if assignment is not None:
            ctx.files.rubric(assignment)
        refused: dict[str, str] = {}
        rows = submission_statuses(
            ctx, [assignment] if assignment else None, refused=None if assignment else refused
        )
        rows = shown_statuses(ctx, rows)
    for message in refused.values():
        fail(f"warning: {message}")
    if as_json:
        click.echo(dumps([status_json(r) for r in rows]))
        return
    print_statuses(rows, with_assignment=assignment is None)


def _pull_demo(options: Options) -> None:
    """Pull every demo repository with a progress bar, so the TUI opens with checkouts."""
    from grader.domain.progress import Progress as Step
    from grader.gradebook.pull import pull

    counts: Counter[str] = Counter()
    root = options.course_root()
    with (
        open_course(root, database_url=options.database_url, actor=options.actor) as ctx,
        progress_bar() as bar,
    ):
        task = bar.add_task("pulling", total=None)
        for item in pull(ctx):
            if isinstance(item, Step):
                bar.update(task, completed=item.done, total=item.total, description="pulling")
            else:
                counts[item.result] += 1
    click.echo("pulled: " + (", ".join(f"{n} {r}" for r, n in sorted(counts.items())) or "nothing"))


def overview(options: Options) -> None:
    """Bare `grader`: the course at a glance and how to start grading."""
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        refused: dict[str, str] = {}
        rows = submission_statuses(ctx, refused=refused)
        course = ctx.files.course
    for message in refused.values():
        fail(f"warning: {message}")
    click.echo(f"{course.title} ({course.id}, {course.term}): {len(ctx.files.students)} students")
    for assignment in course.assignments:
        mine = [r for r in rows if r.assignment_id == assignment.id]
        counts = Counter(r.status for r in mine)
        summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        summary += f"; {sum(r.final for r in mine)} final"
        click.echo(f"  {assignment.id:<24} due {assignment.deadline:%Y-%m-%d %H:%M %z}  {summary}")
    click.echo("grade with: grader grade ASSIGNMENT --student ID --criterion ID --level LABEL")
    click.echo("see every submission with: grader status (or --json)")

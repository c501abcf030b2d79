"""Pulling submissions from the command line."""

from __future__ import annotations

from collections import Counter

import click

from grader.cli.main import Options, cli
from grader.cli.output import dumps, fail, progress_bar
from grader.domain.progress import Progress as Step
from grader.domain.submission import attention_flags, dated_by, graded_commit_words
from grader.domain.text import printable
from grader.gradebook.anonymity import typed_students
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.pull import PullResult, pull

PROBLEMS = ("failed", "refused")


def result_json(result: PullResult) -> dict[str, object]:
    return {
        "assignment": result.assignment_id,
        "student_id": result.who,
        "result": result.result,
        "reason": result.reason,
        "commit": result.commit,
        "head": result.head,
        "late_minutes": result.late_minutes,
        "flags": list(attention_flags(result.flags)),
        "dated_by": dated_by(result.flags, result.commit) or None,
    }


def result_line(result: PullResult) -> str:
    text = f"{result.assignment_id} {result.who}: {result.result}"
    if result.reason:
        text += f": {result.reason}"
    if result.commit:
        text += f" ({graded_commit_words(result.commit, result.late_minutes, result.flags)})"
    if attention_flags(result.flags):
        text += f" [{', '.join(attention_flags(result.flags))}]"
    return printable(text)


@cli.command("pull")
@click.argument("assignments", nargs=-1)
@click.option("--student", "students", multiple=True, metavar="ID", help="Only these students (repeatable).")
@click.option(
    "--jobs", default=8, show_default=True, type=click.IntRange(1, 64), help="Repositories at once."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per repository per line.")
@click.option(
    "--autograde",
    "then_autograde",
    is_flag=True,
    help="Then autograde the submissions whose graded commit changed (as grader autograde does).",
)
@click.pass_obj
def pull_command(
    options: Options,
    assignments: tuple[str, ...],
    students: tuple[str, ...],
    jobs: int,
    as_json: bool,
    then_autograde: bool,
) -> None:
    """Clone or fetch every student's repository and check out the graded commit."""
    counts: dict[str, int] = {}
    autograded: Counter[str] = Counter()
    with open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx:
        before = _graded_commits(ctx, list(assignments)) if then_autograde else {}
        pulled: dict[str, list[tuple[str, bool]]] = {}
        with progress_bar() as bar:
            task = bar.add_task("pulling", total=None)
            chosen = typed_students(ctx, students, assignments)
            for item in pull(ctx, list(assignments) or None, chosen, jobs=jobs):
                if isinstance(item, Step):
                    bar.update(
                        task, completed=item.done, total=item.total, description=printable(item.message)
                    )
                    continue
                counts[item.result] = counts.get(item.result, 0) + 1
                if item.commit:
                    new = item.commit != before.get((item.assignment_id, item.student_id))
                    pulled.setdefault(item.assignment_id, []).append((item.student_id, new))
                if as_json:
                    click.echo(dumps(result_json(item), lines=True))
                else:
                    bar.console.print(result_line(item), markup=False, highlight=False)
        summary = ", ".join(f"{n} {r}" for r, n in sorted(counts.items())) or "nothing to pull"
        fail(f"pulled: {summary}")
        if then_autograde:
            autograded = _autograde_changed(ctx, pulled, as_json)
    if any(counts.get(r) for r in PROBLEMS) or autograded["error"] or autograded["refused"]:
        raise click.exceptions.Exit(1)


def _graded_commits(ctx: CourseContext, assignment_ids: list[str]) -> dict[tuple[str, str], str | None]:
    """The graded commit of every pulled submission before this pull."""
    wanted = assignment_ids or [a.id for a in ctx.files.course.assignments]
    return {
        (assignment_id, student_id): state.graded_commit
        for assignment_id in wanted
        if ctx.files.course.assignment(assignment_id) is not None
        for student_id, state in ctx.store.pull_states(assignment_id).items()
    }


def _autograde_changed(
    ctx: CourseContext, pulled: dict[str, list[tuple[str, bool]]], as_json: bool
) -> Counter[str]:
    """Autograde the pulled submissions whose graded commit this pull changed, or that no check
    has run on yet (the others' results stand)."""
    from grader.cli.autograde_cmds import run_and_show
    from grader.gradebook.autograde_work import autograded

    counts: Counter[str] = Counter()
    wanted: dict[str, list[str]] = {}
    for assignment_id, students in pulled.items():
        if autograded(ctx.files.rubric(assignment_id)):
            ran = ctx.store.latest_runs(assignment_id)
            found = [student_id for student_id, new in students if new or student_id not in ran]
            if found:
                wanted[assignment_id] = found
    if not wanted:
        fail("autograded: nothing new to autograde")
    for assignment_id, student_ids in wanted.items():
        counts += run_and_show(
            ctx, [assignment_id], student_ids, None, False, as_json, heading=f"autograded {assignment_id}"
        )
    return counts

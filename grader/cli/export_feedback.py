"""`grader export feedback`: a Markdown page per graded submission, optionally committed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from grader.cli.export_cmds import export_group
from grader.cli.main import Options
from grader.cli.output import fail, progress_bar
from grader.domain.progress import Progress
from grader.domain.text import printable
from grader.gradebook.context import open_course
from grader.gradebook.feedback import (
    ALREADY_COMMITTED,
    COMMIT_FAILED,
    COMMITTED,
    FEEDBACK_BRANCH,
    FEEDBACK_FILE,
    FEEDBACK_REFS,
    NO_REPOSITORY,
    FeedbackSkipped,
    FeedbackWritten,
    export_feedback,
)
from grader.gradebook.status import RUBRIC_REFUSED


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def written_line(item: FeedbackWritten, root: Path) -> str:
    text = f"{item.assignment_id} {item.student_id}: {'wrote' if item.changed else 'unchanged'} "
    text += _shown(item.path, root)
    if item.commit_status:
        text += f"; {item.commit_status}"
        text += f" {item.commit[:10]}" if item.commit else ""
        text += f": {item.commit_reason}" if item.commit_reason else ""
    if not item.final:
        text += f"; not final: {item.not_final}"
    return printable(text)


def skipped_line(item: FeedbackSkipped, root: Path) -> str:
    why = (
        f"the rubric change needs mapping first (grader rubric apply {item.assignment_id})"
        if item.status == RUBRIC_REFUSED
        else f"not graded yet ({item.status})"
    )
    text = f"{item.assignment_id} {item.student_id}: skipped, {why}"
    if item.earlier is not None:
        text += f" (an earlier page is left as it was: {_shown(item.earlier, root)})"
    return printable(text)


@export_group.command("feedback")
@click.option(
    "--assignment", "assignments", multiple=True, metavar="ID", help="Only this assignment (repeatable)."
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the pages (default: .grader/feedback); one subfolder per assignment.",
)
@click.option(
    "--commit", is_flag=True, help=f"Also commit each page as {FEEDBACK_FILE} on the feedback branch."
)
@click.pass_obj
def feedback_command(
    options: Options, assignments: tuple[str, ...], out_dir: Path | None, commit: bool
) -> None:
    """One Markdown page per graded submission: levels, items, points, comments, late status.

    \b
    Pages go to DIR/ASSIGNMENT/STUDENT.md (default DIR: .grader/feedback), with the
    permissions your umask gives a new file. Only submissions whose every manual
    criterion is scored get a page; the others are listed and counted, and a page an
    earlier export wrote for them is left as it was (never deleted). A graded
    submission whose grade is not final (an autograded criterion not scored yet) gets a
    page that says so at the top and shows no total. A page holds no timestamp: the same grade gives the
    same file, and the same file is not rewritten.

    \b
    --commit also commits each page as FEEDBACK.md, with git plumbing only (no hook,
    filter or fsmonitor of the repository runs), to the feedback branch kept in the
    student's mirror as refs/grader/feedback (outside refs/heads, which `grader pull`
    mirrors and prunes). The branch starts at the graded commit; an unchanged page
    makes no new commit. Publish it with:
      git --git-dir=.grader/repos/ASSIGNMENT/STUDENT.git push URL refs/grader/feedback:refs/heads/feedback
    """
    counts: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    with (
        open_course(options.course_root(), database_url=options.database_url, actor=options.actor) as ctx,
        progress_bar() as bar,
    ):
        root = ctx.root
        task = bar.add_task("writing feedback", total=None)
        for item in export_feedback(ctx, list(assignments) or None, out_dir, commit=commit):
            if isinstance(item, Progress):
                bar.update(task, completed=item.done, total=item.total, description=printable(item.message))
            elif isinstance(item, FeedbackWritten):
                counts["written" if item.changed else "unchanged"] += 1
                counts["not final"] += not item.final
                if item.commit_status:
                    counts[item.commit_status] += 1
                bar.console.print(written_line(item, root), markup=False, highlight=False)
            else:
                skipped[item.status] += 1
                bar.console.print(skipped_line(item, root), markup=False, highlight=False)
    order = ("written", "unchanged", "not final", COMMITTED, ALREADY_COMMITTED, NO_REPOSITORY, COMMIT_FAILED)
    parts = [f"{counts[k]} {k}" for k in order if counts[k]]
    if skipped:
        kinds = ", ".join(f"{n} {status}" for status, n in sorted(skipped.items()))
        parts.append(f"{skipped.total()} skipped ({kinds})")
    fail(f"feedback: {', '.join(parts) or 'no submissions'}")
    if counts[COMMITTED] or counts[ALREADY_COMMITTED]:
        fail(
            f"publish a page with: git --git-dir=.grader/repos/ASSIGNMENT/STUDENT.git push URL "
            f"{FEEDBACK_REFS}{FEEDBACK_BRANCH}:refs/heads/{FEEDBACK_BRANCH}"
        )
    if counts[COMMIT_FAILED]:
        raise click.exceptions.Exit(1)

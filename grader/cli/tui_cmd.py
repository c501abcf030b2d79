"""Opening the grading TUI: from the gradebook's course snapshot when it can, else the normal way."""

from __future__ import annotations

from contextlib import ExitStack

import click

from grader.cli.main import Options
from grader.domain.errors import GraderError
from grader.domain.text import printable
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.quick import QuickContext, quick_open


def open_tui(
    options: Options,
    *,
    open_assignment: str | None = None,
    exit_after_first_rows: bool = False,
    headless: bool = False,
) -> None:
    """The grading TUI on the course; returns when the grader quits.

    ``open_assignment``: open straight onto that assignment's Submissions screen (from the course
    snapshot when the files are unchanged: the full open then runs right after the first paint);
    ``exit_after_first_rows``: quit once its first rows are shown (benchmarks); ``headless``: no
    terminal (rendering happens, the output is discarded).
    """
    root = options.course_root()
    if open_assignment is not None:
        quick = quick_open(
            root, database_url=options.database_url, actor=options.actor, assignment_id=open_assignment
        )
        if quick is not None:
            _run_quick(options, quick, open_assignment, exit_after_first_rows, headless)
            return
    with open_course(root, database_url=options.database_url, actor=options.actor) as ctx:
        if open_assignment is not None and ctx.files.course.assignment(open_assignment) is None:
            known = ", ".join(a.id for a in ctx.files.course.assignments)
            raise GraderError(
                f"--open: no assignment '{printable(open_assignment)}' in this course (it has: {known})"
            )
        from grader.tui.app import make_app  # Textual loads only when the TUI opens

        app = make_app(ctx, open_assignment=open_assignment, exit_after_first_rows=exit_after_first_rows)
        app.run(headless=headless)
    if app.return_code:
        raise click.exceptions.Exit(app.return_code)


def _run_quick(
    options: Options, quick: QuickContext, open_assignment: str, exit_after_first_rows: bool, headless: bool
) -> None:
    from grader.tui.app import make_app

    with ExitStack() as stack:
        stack.callback(quick.close)

        def open_full() -> CourseContext:
            # Run by the app in a worker; closed with the stack once the app has exited.
            return stack.enter_context(
                open_course(quick.root, database_url=options.database_url, actor=options.actor)
            )

        app = make_app(
            quick,
            open_assignment=open_assignment,
            exit_after_first_rows=exit_after_first_rows,
            open_full=open_full,
        )
        app.run(headless=headless)
    if app.open_error is not None:
        raise app.open_error  # reported as the normal open would have (main turns it into messages)
    if app.return_code:
        raise click.exceptions.Exit(app.return_code)

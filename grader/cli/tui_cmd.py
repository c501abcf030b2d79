"""Opening the grading TUI: from the gradebook's course snapshot when it can, else the normal way."""

from __future__ import annotations

import gc
import threading
from contextlib import ExitStack
from pathlib import Path

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

    From the course snapshot when the files are unchanged (the full open then runs right after
    the first paint), else the normal way. ``open_assignment``: open straight onto that
    assignment's Submissions screen, else on the Course screen; ``exit_after_first_rows``: quit
    once its first rows are shown (benchmarks); ``headless``: no terminal (rendering happens,
    the output is discarded).
    """
    root = options.course_root()
    gc.disable()  # until the first frame of a quick open: see resume_gc
    try:
        quick = _quick_open_while_importing(options, root, open_assignment)
        if quick is not None:
            _run_quick(options, quick, open_assignment, exit_after_first_rows, headless)
            return
    finally:
        resume_gc()
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


def resume_gc() -> None:
    """Collect garbage again (after the first frame of a quick open; idempotent).

    Until then the process mostly allocates what it keeps (modules, the app, its widgets): the
    collections Python would run meanwhile (about 30 ms of a 0.35 s open) free next to nothing.
    gc.freeze keeps those objects out of later full collections as well.
    """
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _quick_open_while_importing(
    options: Options, root: Path, open_assignment: str | None
) -> QuickContext | None:
    """quick_open in a thread while this one imports Textual and the app (about 0.1 s): hashing
    the course files and reading SQLite release the GIL, so with a second core the hashing costs
    no wall time. None when the course has to be opened the normal way."""
    found: list[QuickContext | None] = []

    def attempt() -> None:
        try:
            found.append(
                quick_open(
                    root,
                    database_url=options.database_url,
                    actor=options.actor,
                    assignment_id=open_assignment,
                )
            )
        except Exception:  # the normal open then reports whatever is wrong
            found.append(None)

    thread = threading.Thread(target=attempt, name="quick-open", daemon=True)
    thread.start()
    import grader.tui.app  # noqa: F401 - loaded now, in parallel; used right after either way

    thread.join()
    return found[0] if found else None


def _run_quick(
    options: Options,
    quick: QuickContext,
    open_assignment: str | None,
    exit_after_first_rows: bool,
    headless: bool,
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
            on_first_frame=resume_gc,
        )
        app.run(headless=headless)
    if app.open_error is not None:
        raise app.open_error  # reported as the normal open would have (main turns it into messages)
    if app.return_code:
        raise click.exceptions.Exit(app.return_code)

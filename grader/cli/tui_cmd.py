"""Opening the grading TUI: from the gradebook's course snapshot when it can, else the normal way."""

from __future__ import annotations

import gc
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import click

from grader.cli.main import Options
from grader.cli.output import fail
from grader.domain.errors import GraderError
from grader.domain.text import printable
from grader.gradebook.context import CourseContext, open_course
from grader.gradebook.quick import Declined, QuickContext, quick_open

if TYPE_CHECKING:
    from grader.tui.app import GraderApp


def open_tui(
    options: Options,
    *,
    open_assignment: str | None = None,
    exit_after_first_rows: bool = False,
    headless: bool = False,
    press_at_first_paint: Sequence[str] = (),
) -> None:
    """The grading TUI on the course; returns when the grader quits.

    From the course snapshot when the files are unchanged (the full open then runs right after
    the first paint), else the normal way. ``open_assignment``: open straight onto that
    assignment's Submissions screen, else on the Course screen; ``exit_after_first_rows``: quit
    once a Submissions screen shows its first rows (benchmarks); ``headless``: no terminal
    (rendering happens, the output is discarded); ``press_at_first_paint``: keys sent to the
    first screen as soon as it is painted (benchmarks).
    """
    root = options.course_root()
    gc.disable()  # until the first frame of a quick open: see resume_gc
    try:
        found = _quick_open_while_importing(options, root, open_assignment)
        if isinstance(found, QuickContext) and _anonymous(found, open_assignment):
            found.close()  # its pseudonyms come from the full open: no quick view shows identities
            found = Declined(("an anonymous assignment opens fully",))
        if isinstance(found, QuickContext):
            _run_quick(options, found, open_assignment, exit_after_first_rows, headless, press_at_first_paint)
            return
    finally:
        resume_gc()
    crashed = [found] if isinstance(found, BaseException) else []
    with open_course(root, database_url=options.database_url, actor=options.actor) as ctx:
        if open_assignment is not None and ctx.files.course.assignment(open_assignment) is None:
            known = ", ".join(a.id for a in ctx.files.course.assignments)
            raise GraderError(
                f"--open: no assignment '{printable(open_assignment)}' in this course (it has: {known})"
            )
        from grader.tui.app import make_app  # Textual loads only when the TUI opens

        app = make_app(
            ctx,
            open_assignment=open_assignment,
            exit_after_first_rows=exit_after_first_rows,
            press_at_first_paint=press_at_first_paint,
            startup_errors=crashed,  # the quick open's own failure: logged and shown, not fatal
        )
        app.run(headless=headless)
    _after_run(app)


def _after_run(app: GraderApp) -> None:
    """Say how the app ended when it did not end well: one line per problem, never a traceback."""
    if app.crash_log_path is not None:
        fail(f"internal error: grader stopped; details are in {app.crash_log_path} — please report it")
        raise click.exceptions.Exit(1)
    if app.open_error is not None:
        for what in app.actions_not_done:
            fail(f"not done: {what} (the course did not open)")
        raise app.open_error  # reported as the normal open would have (main turns it into messages)
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


def _anonymous(quick: QuickContext, assignment_id: str | None) -> bool:
    assignment = quick.files.course.assignment(assignment_id) if assignment_id else None
    return assignment is not None and assignment.anonymous


def _quick_open_while_importing(
    options: Options, root: Path, open_assignment: str | None
) -> QuickContext | Declined | BaseException:
    """quick_open in a thread while this one imports Textual and the app (about 0.1 s): hashing
    the course files and reading SQLite release the GIL, so with a second core the hashing costs
    no wall time. A QuickContext, why it declined, or what it raised (a bug: the course then
    opens the normal way and the app reports it)."""
    found: list[QuickContext | Declined | BaseException] = []

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
        except Exception as error:
            found.append(error)

    thread = threading.Thread(target=attempt, name="quick-open", daemon=True)
    thread.start()
    import grader.tui.app  # noqa: F401 - loaded now, in parallel; used right after either way

    thread.join()
    return found[0] if found else Declined(("the quick open did not finish",))


def _run_quick(
    options: Options,
    quick: QuickContext,
    open_assignment: str | None,
    exit_after_first_rows: bool,
    headless: bool,
    press_at_first_paint: Sequence[str],
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
            press_at_first_paint=press_at_first_paint,
        )
        app.run(headless=headless)
    _after_run(app)

"""The `grader` command group and the one place that turns failures into messages."""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from grader import __version__
from grader.cli.output import fail
from grader.domain.errors import GraderError, ValidationFailed


@dataclass
class Options:
    course: Path | None
    database_url: str | None
    actor: str | None

    def course_root(self) -> Path:
        """--course, else the nearest folder upwards that holds a course.yaml, else here."""
        if self.course is not None:
            return self.course
        here = Path.cwd()
        for folder in (here, *here.parents):
            if (folder / "course.yaml").is_file():
                return folder
        return here


class LazyGroup(click.Group):
    """A group whose commands are imported when used, so each command loads only what it needs."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            importlib.import_module(self.lazy[cmd_name])  # its decorators register the command
        return super().get_command(ctx, cmd_name)


COMMANDS = {
    "init": "grader.cli.course_cmds",
    "check": "grader.cli.course_cmds",
    "demo": "grader.cli.course_cmds",
    "status": "grader.cli.course_cmds",
    "pull": "grader.cli.pull_cmds",
    "extend": "grader.cli.extend_cmds",
    "grade": "grader.cli.grade_cmds",
    "autograde": "grader.cli.autograde_cmds",
    "rubric": "grader.cli.grade_cmds",
    "undo": "grader.cli.review_cmds",
    "excuse": "grader.cli.review_cmds",
    "flag": "grader.cli.review_cmds",
    "mastery": "grader.cli.mastery_cmds",
    "certify": "grader.cli.credential_cmds",
    "verify": "grader.cli.credential_cmds",
    "revoke": "grader.cli.credential_cmds",
    "publish": "grader.cli.credential_cmds",
    "key": "grader.cli.credential_cmds",
    "export": "grader.cli.export_cmds",
    "roster": "grader.cli.roster_cmds",
    "db": "grader.cli.db_cmds",
    "backup": "grader.cli.db_cmds",
    "log": "grader.cli.log_cmds",
    "assign": "grader.cli.assign_cmds",
    "moderate": "grader.cli.moderate_cmds",
    "reveal": "grader.cli.reveal_cmds",
    "similarity": "grader.cli.similarity_cmds",
}
"""Each command and the module that defines it (imported only when the command runs)."""


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--course", type=click.Path(path_type=Path, file_okay=False), help="Course folder (default: here)."
)
@click.option("--db", "database_url", metavar="URL", help="Database URL (default: sqlite in .grader/).")
@click.option("--as", "actor", metavar="NAME", help="Grader name for the audit log.")
# Hidden (for benchmarks and scripts; see benchmarks/tui_open.py), without a subcommand:
#   grader --course C --open ASSIGNMENT [--exit-after-first-rows] [--headless]
# opens the TUI straight onto ASSIGNMENT's Submissions screen (the Course screen under it),
# optionally exits once its first rows read from the store are shown, optionally with no terminal.
@click.option(
    "--open", "open_assignment", metavar="ASSIGNMENT", hidden=True, help="Open the TUI on ASSIGNMENT."
)
@click.option(
    "--exit-after-first-rows",
    is_flag=True,
    hidden=True,
    help="With --open: exit once the first rows are shown.",
)
@click.option("--headless", is_flag=True, hidden=True, help="With --open: run the TUI without a terminal.")
@click.version_option(__version__, prog_name="grader")
@click.pass_context
def cli(
    ctx: click.Context,
    course: Path | None,
    database_url: str | None,
    actor: str | None,
    open_assignment: str | None,
    exit_after_first_rows: bool,
    headless: bool,
) -> None:
    """Grade student projects from git at the keyboard."""
    ctx.obj = Options(course, database_url, actor)
    if (exit_after_first_rows or headless) and open_assignment is None:
        raise click.UsageError("--exit-after-first-rows and --headless need --open ASSIGNMENT")
    if open_assignment is not None and ctx.invoked_subcommand is not None:
        raise click.UsageError(f"--open opens the TUI; it cannot be combined with '{ctx.invoked_subcommand}'")
    if ctx.invoked_subcommand is None:
        if open_assignment is not None:
            from grader.cli.tui_cmd import open_tui  # light: the quick open needs no schema library

            open_tui(
                ctx.obj,
                open_assignment=open_assignment,
                exit_after_first_rows=exit_after_first_rows,
                headless=headless,
            )
        # The TUI needs a terminal; piped or redirected, bare `grader` prints the overview instead.
        elif sys.stdin.isatty() and sys.stdout.isatty():
            from grader.cli.tui_cmd import open_tui

            open_tui(ctx.obj)
        else:
            from grader.cli.course_cmds import overview

            overview(ctx.obj)


def main(argv: list[str] | None = None) -> int:
    """Entry point: exit 0 on success, 1 when the work failed, 2 on usage errors."""
    try:
        returned = cli.main(args=argv, prog_name="grader", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.UsageError as exc:
        exc.show()
        return 2
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        fail("aborted")
        return 130
    except ValidationFailed as exc:
        for problem in exc.problems:
            fail(str(problem))
        fail(f"{len(exc.problems)} problem(s) found; nothing was changed")
        return 1
    except GraderError as exc:
        fail(f"error: {exc}")
        return 1
    except KeyboardInterrupt:
        fail("interrupted; every change made before this point is saved")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: no traceback reaches a user
        from grader.tui.crash import crash_log  # the TUI's too; it loads no Textual

        log = crash_log(exc)
        fail(
            f"internal error: {type(exc).__name__}: {exc}\n"
            f"nothing after this point was saved; details are in {log} — please report it"
        )
        return 1
    return returned if isinstance(returned, int) else 0


def run() -> None:
    sys.exit(main())

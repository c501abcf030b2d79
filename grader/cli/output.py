"""Printing for the CLI: JSON for machines, Rich for people, errors on stderr."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console

from grader.domain.numbers import number_problem
from grader.domain.progress import Progress as Step
from grader.domain.text import printable

if TYPE_CHECKING:
    from rich.progress import Progress

    from grader.gradebook.certify import CertifyResult


STUDENT_HELP = (
    "The student: roster id, GitHub handle, e-mail or an unambiguous name "
    "(a pseudonym too in an anonymous assignment)."
)


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as the plainest JSON number (exact for the values rubrics use)."""
    if value is None:
        return None
    normal = value.normalize()
    if normal == normal.to_integral_value():
        return int(normal)
    return float(normal)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, tuple | set | frozenset):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(data: Any, *, lines: bool = False) -> str:
    return json.dumps(data, default=_default, ensure_ascii=False, indent=None if lines else 2)


def stdout() -> Console:
    return Console(soft_wrap=True, highlight=False)


def stderr() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def fail(message: str) -> None:
    """Write an error to stderr, literally (never as markup)."""
    sys.stderr.write(printable(message, keep_newlines=True).rstrip("\n") + "\n")


def fmt_points(value: Decimal | None) -> str:
    if value is None:
        return "–"
    text = format(value.normalize(), "f")
    return text


def progress_bar() -> Progress:
    """The progress bar of every long command: on stderr, gone when done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr(),
        transient=True,
    )


def certify_json(result: CertifyResult) -> dict[str, object]:
    return {
        "credential_id": result.credential_id,
        "student_id": result.student_id,
        "badge": result.badge_id,
        "status": result.status,
        "path": str(result.path) if result.path else None,
        "detail": result.detail,
    }


def decimal_option(text: str | None, option: str) -> Decimal | None:
    """A command-line number (points, an adjustment), or a usage error naming the option."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise click.BadParameter(f"expected a number, got {text!r}", param_hint=option) from None
    problem = number_problem(value)
    if problem:
        raise click.BadParameter(f"{problem}, got {text!r}", param_hint=option)
    return value


@dataclass(frozen=True)
class ChoiceOptions:
    """What --student, --criterion, --level, --item, --no-items and --points gave."""

    student_id: str
    criterion_id: str
    level: str | None
    items: tuple[str, ...]
    no_items: bool
    points: str | None

    def given(self) -> list[str]:
        """Which of --level, --item, --no-items and --points the command line gave (at most one may be)."""
        given = (
            ("--level", self.level is not None),
            ("--item", bool(self.items)),
            ("--no-items", self.no_items),
            ("--points", self.points is not None),
        )
        return [name for name, present in given if present]


def choice_options(points_help: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The options that name one criterion of one submission and a choice for it (``grader
    grade``, ``grader moderate mark``), passed to the command as one ``choice: ChoiceOptions``."""
    options = [
        click.option(
            "--student",
            "student_id",
            required=True,
            help="The student: roster id, GitHub handle, e-mail or an unambiguous name (in an "
            "anonymous assignment whose names are hidden: the pseudonym).",
        ),
        click.option(
            "--criterion", "criterion_id", required=True, help="Criterion id from the rubric (any case)."
        ),
        click.option("--level", help="Level label (levels criteria; any case)."),
        click.option(
            "--item", "items", multiple=True, help="Checklist item that applies (repeatable; any case)."
        ),
        click.option("--no-items", is_flag=True, help="Checklist: no item applies."),
        click.option("--points", help=points_help),
    ]
    names = [field.name for field in fields(ChoiceOptions)]

    def apply(command: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(command)
        def with_choice(*args: Any, **kwargs: Any) -> None:
            choice = ChoiceOptions(**{name: kwargs.pop(name) for name in names})
            command(*args, choice=choice, **kwargs)

        for option in reversed(options):
            with_choice = option(with_choice)
        return with_choice

    return apply


def page_output_option(default: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """``-o/--output FILE`` of a page export (``grader export report``, ``export similarity``)."""
    return click.option(
        "-o",
        "--output",
        "output",
        type=click.Path(path_type=Path, dir_okay=False),
        metavar="FILE",
        help=f"Where to write the page (default: {default}).",
    )


def written_page(steps: Iterable[Step | Path], label: str, what: str) -> None:
    """Drive a page export (progress steps, then the path written) under a progress bar; print
    the path on stdout and what was written, to open in a browser, on stderr."""
    written: Path | None = None
    with progress_bar() as bar:
        task = bar.add_task(label, total=None)
        for item in steps:
            if isinstance(item, Path):
                written = item
            else:
                bar.update(task, completed=item.done, total=item.total, description=printable(item.message))
    assert written is not None
    click.echo(str(written))
    fail(f"{what} written to {written}; open it in a browser")

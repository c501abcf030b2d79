"""Opening a course: its files, its gradebook and who is acting."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from grader.domain.course import Assignment
from grader.domain.errors import GraderError
from grader.files.loaded import CourseFiles

if TYPE_CHECKING:
    from grader.store import Store

STATE_DIR = ".grader"
RECHECK_AFTER = timedelta(days=1)
"""How long a full check of an assignment's choices in use against its rubric is trusted
(extended by the events saved since); the quick open declines once it is older."""


def default_database_url(root: Path) -> str:
    return f"sqlite:///{root / STATE_DIR / 'grades.db'}"


def given_actor(explicit: str | None) -> str | None:
    """--as, else GRADER_USER: the acting grader when named without asking git; else None."""
    for candidate in (explicit, os.environ.get("GRADER_USER")):
        if candidate and candidate.strip():
            return candidate.strip()
    return None


def resolve_actor(explicit: str | None) -> str:
    """--as, else GRADER_USER, else git's user.name, else the login name.

    git runs (a subprocess) only when neither of the first two names the grader.
    """
    given = given_actor(explicit)
    if given is not None:
        return given
    from grader.git.identity import git_user_name

    name = git_user_name()
    if name and name.strip():
        return name.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class CourseContext:
    """An open course: its validated files, its gradebook and the acting grader."""

    files: CourseFiles
    store: Store
    actor: str
    pseudonyms: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    """Anonymous assignment id → student id → pseudonym, as read (pseudonyms never change)."""

    @property
    def root(self) -> Path:
        return self.files.root


def known_assignment(ctx: CourseContext, assignment_id: str) -> Assignment:
    """The course's assignment of that id; GraderError naming the known ones when there is none."""
    assignment = ctx.files.course.assignment(assignment_id)
    if assignment is None:
        known = ", ".join(a.id for a in ctx.files.course.assignments)
        raise GraderError(f"no assignment '{assignment_id}' (expected one of: {known})")
    return assignment


def _state_folder(files: CourseFiles, url: str) -> None:
    if url != default_database_url(files.root):
        return
    state = files.root / STATE_DIR
    if state.exists() and not state.is_dir():
        raise GraderError(f"{state} must be a folder (it holds the gradebook); move that file away")
    try:
        state.mkdir(exist_ok=True)
    except OSError as exc:
        raise GraderError(f"cannot create {state}: {exc.strerror}") from None


@contextmanager
def open_course(
    root: Path, *, database_url: str | None = None, actor: str | None = None, upgrade: bool = False
) -> Iterator[CourseContext]:
    """Validate the course folder and open its gradebook (migrating an older one after a backup).

    An older PostgreSQL gradebook is refused unless ``upgrade`` (``grader db upgrade``, run after
    a pg_dump). On SQLite the validated files are also recorded in the gradebook (when their
    bytes changed), so the TUI can open the next time without reading them again
    (grader.gradebook.quick).
    """
    from grader.files.course import load_course  # the schema libraries load only when validating

    files = load_course(root)
    url = database_url or os.environ.get("GRADER_DATABASE_URL") or default_database_url(files.root)
    _state_folder(files, url)
    from grader.store import open_store  # the database libraries load only for commands that need them

    if upgrade:
        from grader.store.migrate import upgrade as upgrade_schema

        upgrade_schema(url)
    store = open_store(url)
    try:
        from grader.gradebook.quick import record_snapshot

        record_snapshot(files, store)
        yield CourseContext(files, store, resolve_actor(actor))
    finally:
        store.close()

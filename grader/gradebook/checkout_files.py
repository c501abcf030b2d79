"""What the grading viewer may show of a submission: its checkout's files and its diffs.

Everything stays inside the checkout (``grader.git.worktree`` never follows a link); links are
described, never read; binary files are described; text is decoded with replacement characters
and capped. Strings returned here are raw: the TUI sanitises them before display.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from grader.domain.checkout_entry import Entry
from grader.domain.errors import GraderError
from grader.git.diff import DiffText, diff_commits, parent_commit, root_commit
from grader.git.history import commit_people
from grader.git.tree import TreeReport, inspect_tree
from grader.git.worktree import link_label, list_checkout, read_checkout_file
from grader.gradebook.anonymity import identities
from grader.gradebook.context import CourseContext
from grader.gradebook.pull import checkout_of, mirror_of

MAX_VIEW_BYTES = 256 * 1024
"""A file bigger than this is shown up to here, with a note."""
STARTER = "starter"
PREVIOUS = "previous"
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class Listing:
    entries: tuple[Entry, ...]
    note: str = ""
    """Why there is nothing (or less) to show, e.g. no checkout yet."""


@dataclass(frozen=True)
class FileView:
    path: str
    kind: str
    """``text``, ``binary``, ``link``, ``missing`` or ``refused``."""
    text: str
    """The decoded text (``text``), or what is shown instead (the others)."""
    size: int = 0
    truncated: bool = False
    bidi: bool = False


@dataclass(frozen=True)
class DiffView:
    against: str
    """``starter`` or ``previous``."""
    text: str
    """The diff, or why there is none."""
    base: str | None = None
    truncated: bool = False
    bidi: bool = False


def list_files(ctx: CourseContext, assignment_id: str, student_id: str, commit: str | None) -> Listing:
    """Every entry of the checkout; links come from the commit's tree (they are text files on disk)."""
    root = checkout_of(ctx, assignment_id, student_id)
    if not root.is_dir():
        return Listing((), "no checkout: pull this submission first")
    report: TreeReport | None = None
    mirror = mirror_of(ctx, assignment_id, student_id)
    note = ""
    if commit and mirror.is_dir():
        try:
            report = inspect_tree(mirror, commit, timeout=float(ctx.files.course.sources.timeout_seconds))
        except GraderError:
            note = "could not read the commit's tree: links are shown as files"
    return Listing(tuple(list_checkout(root, report)), note)


def read_file(ctx: CourseContext, assignment_id: str, student_id: str, entry: Entry) -> FileView:
    """One entry as the viewer shows it; never reads through a link nor outside the checkout."""
    if entry.kind == "link":
        return FileView(entry.path, "link", link_label(entry))
    if entry.kind != "file":
        return FileView(entry.path, "refused", f"{entry.kind}: nothing to show")
    root = checkout_of(ctx, assignment_id, student_id)
    try:
        data = read_checkout_file(root, entry.path, max_bytes=MAX_VIEW_BYTES + 1)
    except GraderError as refused:
        return FileView(entry.path, "refused", str(refused))
    size = max(entry.size, len(data))
    if is_binary(data):
        return FileView(entry.path, "binary", f"binary file, {size:,} bytes", size)
    text = scrubbed(ctx, assignment_id, student_id, data[:MAX_VIEW_BYTES].decode("utf-8", "replace"))
    return FileView(entry.path, "text", text, size, len(data) > MAX_VIEW_BYTES, has_bidi(text))


def read_diff(
    ctx: CourseContext,
    assignment_id: str,
    student_id: str,
    commit: str | None,
    against: str,
    paths: tuple[str, ...] = (),
) -> DiffView:
    """The graded commit against the starter (first commit) or its parent, from the mirror."""
    mirror = mirror_of(ctx, assignment_id, student_id)
    if not commit or not mirror.is_dir():
        return DiffView(against, "no graded commit: nothing to compare")
    timeout = float(ctx.files.course.sources.timeout_seconds)
    try:
        base = root_commit(mirror, commit, timeout=timeout) if against == STARTER else None
        if against != STARTER:
            base = parent_commit(mirror, commit, timeout=timeout)
        if base is None:
            return DiffView(against, "the graded commit is the first commit: no previous commit")
        if base == commit:
            return DiffView(against, "the graded commit is the starter itself: nothing changed", base)
        found: DiffText = diff_commits(mirror, base, commit, paths=paths, timeout=timeout)
    except GraderError as error:
        return DiffView(against, f"cannot show the diff: {error}")
    text = scrubbed(ctx, assignment_id, student_id, found.text) or "no changes in these files"
    return DiffView(against, text, base, found.truncated, has_bidi(found.text))


def scrubbed(ctx: CourseContext, assignment_id: str, student_id: str, text: str) -> str:
    """A student's work as a grader of an anonymous assignment reads it: their roster identity
    and the names and e-mails on their commits replaced by the pseudonym."""
    return scrubber(ctx, assignment_id, student_id)(text) if text else text


def scrubber(ctx: CourseContext, assignment_id: str, student_id: str) -> Callable[[str], str]:
    """How this student's text is shown: as it is, or scrubbed while identities are hidden
    (the names on their commits read once, for every text it is given)."""
    shown = identities(ctx, assignment_id)
    if not shown.hidden:
        return lambda text: text
    state = ctx.store.pull_states_of(assignment_id, [student_id]).get(student_id)
    mirror = mirror_of(ctx, assignment_id, student_id)
    people: tuple[str, ...] = ()
    timeout = float(ctx.files.course.sources.timeout_seconds)
    if state is not None and state.graded_commit and mirror.is_dir():
        with contextlib.suppress(GraderError):  # unreadable history: the roster's terms still go
            people = commit_people(mirror, state.graded_commit, timeout=timeout)
    return lambda text: shown.scrub(text, student_id, people)


def matching(entries: tuple[Entry, ...], patterns: tuple[str, ...]) -> tuple[Entry, ...]:
    """The entries (files and links) a criterion's ``files`` globs name, in listing order."""
    if not patterns:
        return ()
    compiled = [_glob(pattern) for pattern in patterns]
    return tuple(
        e for e in entries if e.kind in ("file", "link") and any(rx.fullmatch(e.path) for rx in compiled)
    )


def is_binary(data: bytes) -> bool:
    """A NUL byte in the first 8 KB, as git decides."""
    return b"\0" in data[:8192]


def has_bidi(text: str) -> bool:
    """Unicode bidi overrides or isolates (Trojan Source) anywhere in the text."""
    return not _BIDI.isdisjoint(text)


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """A rubric glob: '*' within a name, '**' across folders; without '/', any depth."""
    cleaned = pattern.strip().lstrip("/")
    anchored = "/" in cleaned
    out = ""
    index = 0
    while index < len(cleaned):
        if cleaned.startswith("**/", index):
            out += "(?:.*/)?"
            index += 3
        elif cleaned.startswith("**", index):
            out += ".*"
            index += 2
        elif cleaned[index] == "*":
            out += "[^/]*"
            index += 1
        elif cleaned[index] == "?":
            out += "[^/]"
            index += 1
        else:
            out += re.escape(cleaned[index])
            index += 1
    return re.compile(out if anchored else f"(?:.*/)?{out}", re.DOTALL)


def checkout_root(ctx: CourseContext, assignment_id: str, student_id: str) -> Path:
    return checkout_of(ctx, assignment_id, student_id)

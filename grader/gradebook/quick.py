"""Instant open: the course as its last full validation left it, while its files are unchanged.

The normal open (``open_course``) validates every course file and, on SQLite, records the result
in the gradebook with the SHA-256 of each file's exact bytes (:func:`record_snapshot`).
:func:`quick_open` hashes the files again and, only when every hash is equal, hands back that
result with the roster read lazily from the gradebook: it can never disagree with a full
validation of the same bytes. It also needs the gradebook at this code's schema revision and the
rubric of the assignment to show verified in force (recorded check + the events since). In every
other case it declines (:class:`Declined`, saying why) and the caller opens the course the normal
way.

The quick view only reads. Whatever writes waits for the normal open, which the TUI runs right
after its first paint; so does finding the acting grader's name when neither --as nor
GRADER_USER gives it (a `git config` subprocess).

``assignment_id`` None (bare ``grader``, the Course screen first) needs no rubric verified: the
Course screen lists the assignments and counts nothing until the normal open; the assignments
whose rubric is verified all the same (:attr:`QuickContext.in_force`) open on the quick view.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from grader.domain.choices import CriterionChoice
from grader.domain.course_json import course_from_dict, course_to_dict, is_current
from grader.domain.errors import GraderError
from grader.domain.remap import stale_parts
from grader.domain.rubric import Rubric
from grader.files.loaded import CourseFiles, file_digest
from grader.gradebook.context import RECHECK_AFTER, STATE_DIR, default_database_url, given_actor, utc_now
from grader.store.quick import QuickReader, sqlite_path
from grader.store.revision import HEAD

if TYPE_CHECKING:
    from grader.store import Store

COURSE_FILE = "course.yaml"
STILL_OPENING = "the course is not fully open yet"
"""What a read of the quick view that needs the full open raises (the TUI waits instead of asking)."""


@dataclass
class QuickContext:
    """A course opened from its snapshot: read-only, until the normal open replaces it."""

    files: CourseFiles
    view: QuickReader
    actor: str | None
    """The grader named by --as or GRADER_USER; None until the normal open asks git."""
    in_force: dict[str, Rubric] = field(default_factory=dict)
    """The rubric in force of each assignment verified at open (no refused edit)."""

    @property
    def root(self) -> Path:
        return self.files.root

    def rubric_in_force(self, assignment_id: str) -> Rubric:
        found = self.in_force.get(assignment_id)
        if found is None:
            raise GraderError(STILL_OPENING)
        return found

    def close(self) -> None:
        self.view.close()


def snapshot_files(files: CourseFiles) -> dict[str, str] | None:
    """The hashes of the files a full validation read (course.yaml, roster, rubrics), or None
    when one is missing (a course loaded some other way)."""
    names = {COURSE_FILE, files.course.roster_path, *(a.rubric_path for a in files.course.assignments)}
    if not names <= set(files.digests):
        return None
    return {name: files.digests[name] for name in sorted(names)}


def record_snapshot(files: CourseFiles, store: Store) -> None:
    """Record the validated files in an SQLite gradebook unless it holds these bytes already.

    Best effort: a gradebook this user may only read, or one busy past the timeout, only means
    that the next TUI open takes the normal path.
    """
    hashes = snapshot_files(files)
    if hashes is None or store.dialect != "sqlite":
        return
    with suppress(GraderError):
        store.record_course_snapshot(
            files=hashes,
            roster_file=files.course.roster_path,
            course=course_to_dict(files.course),
            rubrics={aid: rubric.to_dict() for aid, rubric in files.rubrics.items()},
            students=files.students,
            now=utc_now(),
        )


@dataclass(frozen=True)
class Declined:
    """Why the course has to be opened the normal way: each reason in words."""

    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return "; ".join(self.reasons)


def quick_open(
    root: Path, *, database_url: str | None, actor: str | None, assignment_id: str | None
) -> QuickContext | Declined:
    """The course from its snapshot, ready to list ``assignment_id`` (None: the assignments, and
    the Submissions screen of each whose rubric is verified); else why it must open normally.

    A gradebook or snapshot that cannot serve is a decline; anything else raised is a bug and
    propagates (the caller logs it and opens normally).
    """
    root = root.resolve()
    url = database_url or os.environ.get("GRADER_DATABASE_URL") or default_database_url(root)
    path = sqlite_path(url)
    if path is None:
        return Declined(("the gradebook is not a plain SQLite file",))
    if not (root / COURSE_FILE).is_file():
        return Declined((f"no {COURSE_FILE} in {root}",))
    if not path.is_file() or (url == default_database_url(root) and not (root / STATE_DIR).is_dir()):
        return Declined((f"no gradebook at {path} yet",))
    try:
        view = QuickReader(path)
    except sqlite3.Error as error:
        return Declined((f"cannot read the gradebook {path}: {error}",))
    try:
        found = _from_snapshot(root, view, assignment_id)
    except GraderError as error:  # the reader's words for a gradebook it could not read
        found = Declined((str(error),))
    except BaseException:
        view.close()
        raise
    if isinstance(found, Declined):
        view.close()
        return found
    files, in_force = found
    return QuickContext(files, view, given_actor(actor), in_force)


def _from_snapshot(
    root: Path, view: QuickReader, assignment_id: str | None
) -> tuple[CourseFiles, dict[str, Rubric]] | Declined:
    revision = view.revision()
    if revision != HEAD:
        return Declined((f"the gradebook is at schema revision {revision}, this grader needs {HEAD}",))
    snapshot = view.snapshot()
    if snapshot is None or COURSE_FILE not in snapshot.files:
        return Declined(("the gradebook holds no snapshot of the course files yet",))
    changed = [
        f"{name} changed since the snapshot"
        for name, digest in snapshot.files.items()
        if file_digest(root / name) != digest
    ]
    if changed:
        return Declined(tuple(changed))
    if not is_current(snapshot.course):
        return Declined(("the snapshot was written by another version of grader",))
    course = course_from_dict(snapshot.course)
    rubrics = {aid: Rubric.from_dict(data) for aid, data in snapshot.rubrics.items()}
    if assignment_id is not None and (
        course.assignment(assignment_id) is None or assignment_id not in rubrics
    ):
        return Declined((f"no assignment '{assignment_id}' in the snapshot",))
    wanted = [assignment_id] if assignment_id is not None else [a.id for a in course.assignments]
    in_force: dict[str, Rubric] = {}
    for aid in wanted:
        why = _why_not_in_force(view, aid, rubrics[aid]) if aid in rubrics else "it has no rubric"
        if why is None:
            in_force[aid] = rubrics[aid]
        elif assignment_id is not None:  # the screen to show needs it
            return Declined((f"the rubric of {aid}: {why}",))
    files = CourseFiles(root, course, rubrics, view.roster(snapshot), digests=dict(snapshot.files))
    return files, in_force


def _why_not_in_force(view: QuickReader, assignment_id: str, rubric: Rubric) -> str | None:
    """None when grader.gradebook.rubrics.rubric_in_force would conclude from a recorded check
    alone that ``rubric`` is in force (the check is of this rubric, recent, and no applied event
    since chose a choice it lacks); else why not."""
    check = view.rubric_check(assignment_id)
    if check is None:
        return "never checked against the grades"
    if check[0] != rubric.content_hash:
        return "changed since its last check against the grades"
    if utc_now() - check[2] >= RECHECK_AFTER:
        return "its last check against the grades is too old"
    since = view.choices_since(assignment_id, check[1])
    if since is None:
        return "too many grade events since its last check"
    if any(_stale(rubric, cid, choice) for cid, choice in since[1]):
        return "a grade since its last check chose what it no longer has"
    return None


def _stale(rubric: Rubric, criterion_id: str, choice: CriterionChoice) -> bool:
    criterion = rubric.criterion(criterion_id)
    return criterion is not None and bool(stale_parts(criterion, choice))

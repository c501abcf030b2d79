"""`grader roster import`: merge the identities an LMS file holds into roster.csv."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from grader.domain.errors import GraderError
from grader.domain.roster import Student
from grader.domain.roster_merge import MergePlan, plan_merge
from grader.files.reading import read_capped
from grader.files.roster import MAX_BYTES, parse_roster
from grader.files.roster_import import load_lms_roster, roster_settings
from grader.files.roster_write import read_roster_text, render_roster, replace_file


@dataclass(frozen=True)
class RosterImport:
    source: str
    roster_file: str
    kind: str
    """Which kind of file ``source`` was recognised as."""
    plan: MergePlan
    skipped: tuple[tuple[int, str], ...]
    """(line, why) for rows of ``source`` that hold no student."""
    roster: dict[str, Student]
    """The roster before the import, by student_id."""
    written: bool
    without_github: tuple[str, ...]
    """Students still without a GitHub handle when the repository URLs need one."""
    remarks: dict[int, str]
    """Line of ``source`` -> what a report should add about that row (see Incoming.remark)."""


def import_roster(
    root: Path, source: Path, *, display: str, add: bool = False, dry_run: bool = False
) -> RosterImport:
    """Plan the merge of ``source`` into the course's roster and, unless ``dry_run``, write it.

    Nothing is written when the plan changes nothing, and nothing at all when any file has a
    problem. The result is read back with the roster reader before it replaces the file.
    """
    settings = roster_settings(root)
    path = root / settings.path
    before = read_capped(path, settings.path, MAX_BYTES)
    students = parse_roster(before, settings.path)
    lms = load_lms_roster(source, display)
    text = read_roster_text(before)
    plan = plan_merge(students, text.columns, lms.people, add=add, needs_github=settings.needs_github)
    fills = {m.student_id: m.fills for m in plan.updated}
    added = tuple(student for _, student in plan.added)
    after = render_roster(text, fills=fills, new_columns=plan.new_columns, new_students=added)
    expected = (*(replace(s, **fills.get(s.student_id, {})) for s in students), *added)
    if parse_roster(after, settings.path) != expected:
        raise GraderError(f"the merged {settings.path} would not read back as planned; nothing was written")
    written = False
    if plan.changes_roster and not dry_run:
        replace_file(path, after, expected=before, display=settings.path)
        written = True
    missing = tuple(s.student_id for s in expected if not s.github) if settings.needs_github else ()
    return RosterImport(
        display,
        settings.path,
        lms.kind,
        plan,
        lms.skipped,
        {s.student_id: s for s in students},
        written,
        missing,
        {person.line: person.remark for person in lms.people if person.remark},
    )

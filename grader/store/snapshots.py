"""Writing the course snapshot: the validated course files and the roster rows (SQLite only)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from grader.domain.course_json import STUDENT_FIELDS, student_values
from grader.domain.roster import Student
from grader.store.codec import dump_json, load_json_dict
from grader.store.tables import COURSE_SNAPSHOT, ROSTER_ENTRY

ROSTER_BATCH = 5_000
"""Roster rows per INSERT executemany."""


def snapshot_files(session: Session) -> dict[str, object] | None:
    """The file hashes the snapshot was made from, or None when there is no snapshot."""
    found = session.execute(select(COURSE_SNAPSHOT.c.files)).scalar()
    return None if found is None else load_json_dict(found)


def write_snapshot(
    session: Session,
    *,
    files: dict[str, str],
    roster_file: str,
    course: dict[str, object],
    rubrics: dict[str, object],
    students: Sequence[Student],
    written_at: str,
) -> bool:
    """Replace the snapshot unless it holds these very files; True when something was written.

    The roster rows are rewritten (as a new generation, the old one deleted) only when the
    roster file's hash changed, so a changed rubric costs one row, not a class.
    """
    row = session.execute(select(COURSE_SNAPSHOT)).first()
    if row is not None and load_json_dict(row.files) == files:
        return False
    generation, size = (row.roster_generation, row.roster_size) if row is not None else (0, 0)
    old_roster = load_json_dict(row.files).get(roster_file) if row is not None else None
    if old_roster is None or old_roster != files[roster_file] or size != len(students):
        generation += 1
        session.execute(delete(ROSTER_ENTRY))
        names = ("generation", "position", *STUDENT_FIELDS)
        for start in range(0, len(students), ROSTER_BATCH):
            batch = students[start : start + ROSTER_BATCH]
            session.execute(
                insert(ROSTER_ENTRY),
                [
                    dict(zip(names, (generation, start + offset, *student_values(s)), strict=True))
                    for offset, s in enumerate(batch)
                ],
            )
    values = {
        "files": dump_json(files),
        "course": dump_json(course),
        "rubrics": dump_json(rubrics),
        "roster_generation": generation,
        "roster_size": len(students),
        "written_at": written_at,
    }
    session.execute(delete(COURSE_SNAPSHOT))
    session.execute(insert(COURSE_SNAPSHOT).values(id=1, **values))
    return True

"""Writing the course snapshot: the validated course files and the roster rows (SQLite only)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from grader.domain.course_json import STUDENT_FIELDS, is_current, student_values
from grader.domain.roster import Student
from grader.store.codec import dump_json, load_json_dict
from grader.store.tables import COURSE_SNAPSHOT, ROSTER_ENTRY

ROSTER_BATCH = 5_000
"""Roster rows per INSERT executemany."""


def snapshot_files(session: Session) -> dict[str, object] | None:
    """The file hashes the snapshot was made from, or None when there is no snapshot (or only
    one another version of grader wrote, which is to be replaced)."""
    row = session.execute(select(COURSE_SNAPSHOT.c.files, COURSE_SNAPSHOT.c.course)).first()
    if row is None or not is_current(load_json_dict(row.course)):
        return None
    return load_json_dict(row.files)


def consistent(course: dict[str, object], rubrics: dict[str, object]) -> bool:
    """True unless two assignments naming one rubric file hold different rubrics.

    Such a file was read once per assignment and changed between the reads: its one recorded
    hash is of the last bytes read, so the snapshot would pair it with an older rubric too.
    """
    by_file: dict[object, object] = {}
    assignments = course.get("assignments")
    for assignment in assignments if isinstance(assignments, list) else []:
        rubric = rubrics.get(assignment["id"])
        if by_file.setdefault(assignment["rubric_path"], rubric) != rubric:
            return False
    return True


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
    roster file's hash changed, so a changed rubric costs one row, not a class. A validation
    that read one rubric file twice with different bytes (``consistent``) is not recorded, and
    the snapshot is dropped: no hash names what was validated, so the next open reads the files.
    """
    row = session.execute(select(COURSE_SNAPSHOT)).first()
    if not consistent(course, rubrics):
        session.execute(delete(COURSE_SNAPSHOT))
        return row is not None
    if row is not None and load_json_dict(row.files) == files and is_current(load_json_dict(row.course)):
        return False
    generation, size = (row.roster_generation, row.roster_size) if row is not None else (0, 0)
    # Never reuse a generation number, even with the snapshot row gone: a reader that took the
    # old number reads no rows (and says the roster changed), never a newer roster's rows.
    generation = max(generation, session.execute(select(func.max(ROSTER_ENTRY.c.generation))).scalar() or 0)
    same_roster = (
        row is not None
        and is_current(load_json_dict(row.course))  # rows another version wrote are rewritten too
        and load_json_dict(row.files).get(roster_file) == files[roster_file]
        and size == len(students)
    )
    if not same_roster:
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

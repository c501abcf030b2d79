"""``build_demo_course``: a complete, deterministic demo course folder, reporting progress."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from grader.demo.cases import assign_cases
from grader.demo.copies import plant_copies
from grader.demo.course_def import COURSE
from grader.demo.course_yaml import render_course_yaml
from grader.demo.manifest import MANIFEST, Expected, write_manifest
from grader.demo.outcomes import assign_work
from grader.demo.people import DemoStudent, make_roster, write_roster
from grader.demo.repos import Job, build_all
from grader.demo.rubric_files import copy_rubrics
from grader.demo.timeline import Author
from grader.domain.course import Assignment
from grader.domain.errors import GraderError
from grader.domain.progress import Progress

GITIGNORE = (
    "# grader's local state: gradebook, checkouts, keys, credentials\n.grader/\n"
    "# grade files written by the TUI's export dialog: students' grades, not course material\nexports/\n"
)
MAX_STUDENTS = 1_000_000


def _prepare(dest: Path) -> None:
    """Create ``dest``, or accept it if it is an empty folder; refuse anything else."""
    if dest.exists() and not dest.is_dir():
        raise GraderError(f"{dest} is a file; choose a new or empty folder for the demo course")
    if dest.is_dir() and any(dest.iterdir()):
        raise GraderError(f"{dest} is not empty; choose a new or empty folder for the demo course")
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraderError(f"cannot create {dest}: {exc.strerror}") from exc


def _jobs(assignment: Assignment, roster: list[DemoStudent], seed: int) -> list[Job]:
    """What each student's repository for ``assignment`` holds: its case, its work, who it copies."""
    cases = assign_cases(assignment.id, len(roster), seed)
    works = assign_work(assignment.id, cases, seed)
    copies = plant_copies(assignment.id, cases, works, seed)
    authors = [Author(variant=index) for index in range(len(roster))]
    for copier, planted in copies.items():
        authors[copier] = Author(copier, roster[planted.original], planted.original, planted.kind)
    return [
        Job(assignment, student, case, work, author)
        for student, case, work, author in zip(roster, cases, works, authors, strict=True)
    ]


def build_demo_course(
    dest: Path, *, students: int = 36, seed: int = 7, repos: bool = True
) -> Iterator[Progress]:
    """Write the demo course into ``dest`` (new or empty), yielding progress as it goes.

    Deterministic for a given seed: same files, same commit SHAs. Nothing is written until
    the generator is iterated.
    """
    if not 1 <= students <= MAX_STUDENTS:
        raise GraderError(f"the demo needs 1 to {MAX_STUDENTS:,} students, got {students}")
    _prepare(dest)
    course = COURSE
    submissions = len(course.assignments) * students if repos else 0
    total = 5 + submissions
    done = 0

    (dest / "course.yaml").write_text(render_course_yaml(course), encoding="utf-8")
    done += 1
    yield Progress(done, total, "wrote course.yaml")

    roster = make_roster(students, seed)
    write_roster(dest / course.roster_path, roster)
    done += 1
    yield Progress(done, total, f"wrote {course.roster_path} ({students:,} students)")

    needed = [PurePosixPath(a.rubric_path).name for a in course.assignments]
    copied = copy_rubrics(dest / "rubrics", needed)
    done += 1
    yield Progress(done, total, f"copied {len(copied)} rubrics")

    (dest / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    done += 1
    yield Progress(done, total, "wrote .gitignore")

    expected: list[Expected] = []
    if repos:
        jobs = [job for assignment in course.assignments for job in _jobs(assignment, roster, seed)]
        for entry in build_all(dest, jobs, seed):
            expected.append(entry)
            done += 1
            yield Progress(done, total, f"{entry.assignment} {entry.github}: {entry.case}")
        order = {(j.assignment.id, j.student.student.student_id): i for i, j in enumerate(jobs)}
        expected.sort(key=lambda e: order[(e.assignment, e.student_id)])

    write_manifest(
        dest / MANIFEST,
        course_id=course.id,
        seed=seed,
        students=students,
        assignments=course.assignments,
        submissions=expected,
        repos=repos,
    )
    done += 1
    yield Progress(done, total, f"wrote {MANIFEST.as_posix()}")

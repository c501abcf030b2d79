"""The demo's student repositories, built in parallel (one fast-import process each)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from grader.demo.cases import Case
from grader.demo.course_def import repo_path
from grader.demo.manifest import Expected, expect
from grader.demo.outcomes import Work
from grader.demo.people import DemoStudent
from grader.demo.timeline import Author, plan
from grader.domain.course import Assignment
from grader.git.fabricate import fabricate


@dataclass(frozen=True)
class Job:
    assignment: Assignment
    student: DemoStudent
    case: Case
    work: Work | None = None
    """What the student's code does under its tests; None when nothing was submitted."""
    author: Author = field(default_factory=Author)
    """Who wrote the code: the student (their variant), or the student they copied."""


def default_workers() -> int:
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


def build_one(dest: Path, job: Job, seed: int) -> Expected:
    """Build one student's repository for one assignment (or nothing, when missing)."""
    student = job.student.student
    pushes = plan(job.case, job.assignment, job.student, seed, job.work, job.author)
    if pushes is None:
        return expect(job.assignment, student.student_id, student.github, job.case, None, None, None)
    relative = repo_path(job.assignment.id, student.github)
    fabricated = fabricate(dest / relative, pushes)
    expected = expect(
        job.assignment, student.student_id, student.github, job.case, relative, pushes, fabricated, job.work
    )
    original = job.author.original
    if original is None or not pushes:
        return expected
    final = pushes[-1].commits[-1].files
    copied = tuple(sorted(path for path in final if path.endswith(".py")))
    return replace(expected, copy_of=original.student.student_id, copy_kind=job.author.copy_kind,
                   copied_files=copied)  # fmt: skip


def build_all(
    dest: Path, jobs: Iterable[Job], seed: int, *, workers: int | None = None
) -> Iterator[Expected]:
    """Build every job's repository, yielding each result as it completes (in any order).

    At most a few jobs per worker are in flight, so a huge course does not queue them all.
    Closing the generator cancels what has not started.
    """
    width = workers or default_workers()
    pending = iter(jobs)
    running: set[Future[Expected]] = set()
    executor = ThreadPoolExecutor(max_workers=width, thread_name_prefix="demo-repo")
    try:
        while True:
            while len(running) < 4 * width:
                job = next(pending, None)
                if job is None:
                    break
                running.add(executor.submit(build_one, dest, job, seed))
            if not running:
                return
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)

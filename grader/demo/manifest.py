"""What the demo built, and what a correct grader should conclude about each submission.

Written to ``.grader/demo-manifest.json`` so tests (and curious instructors) can check the
pull and graded-commit logic against known answers.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from grader.demo import outcomes
from grader.demo.cases import DESCRIPTIONS, Case
from grader.demo.outcomes import Work
from grader.domain.course import Assignment
from grader.domain.scoring import minutes_late
from grader.git.fabricate import Fabricated, Push

MANIFEST = Path(".grader") / "demo-manifest.json"
FORMAT = 1


@dataclass(frozen=True)
class Expected:
    assignment: str
    student_id: str
    github: str
    case: str
    repo: str | None
    """The bare repository, relative to the course folder; None when missing."""
    head: str | None
    graded_commit: str | None
    """The newest commit at or before the deadline; when there is none, the head (late)."""
    late_minutes: int | None
    """Minutes past the deadline of the graded commit's committer date (0 when on time)."""
    rewritten_from: str | None
    """For a force-push: the head before the rewrite, no longer in the history."""
    commits: tuple[str, ...]
    """The branch's history, oldest first."""
    work: str | None = None
    """What the student's code does under its tests (a ``Work``); None when nothing was submitted."""
    copy_of: str | None = None
    """A planted copy: the student id of the student whose code this submission copies."""
    copy_kind: str | None = None
    """How the copy is disguised: verbatim, renamed (identifiers, comments, whitespace) or
    reordered (functions reordered, dead code inserted)."""
    copied_files: tuple[str, ...] = ()
    """The copied files, by path in the submission (the same paths as in the original's)."""


def expect(
    assignment: Assignment,
    student_id: str,
    github: str,
    case: Case,
    repo: str | None,
    pushes: Sequence[Push] | None,
    fabricated: Fabricated | None,
    work: Work | None = None,
) -> Expected:
    """The expected outcome of a submission, from the pushes that built its repository."""
    if not pushes or fabricated is None:
        return Expected(assignment.id, student_id, github, case.value, repo, None, None, None, None, ())
    written = [commit for push in pushes for commit in push.commits]
    dates: dict[str, datetime] = {}
    for sha, spec in zip(fabricated.shas, written, strict=True):
        dates[sha] = spec.committed_at or spec.authored_at
    history = fabricated.history
    on_time = [sha for sha in history if dates[sha] <= assignment.deadline]
    graded = on_time[-1] if on_time else history[-1]
    first_head = fabricated.heads[0]
    rewritten = first_head if first_head is not None and first_head not in history else None
    return Expected(
        assignment=assignment.id,
        student_id=student_id,
        github=github,
        case=case.value,
        repo=repo,
        head=fabricated.head,
        graded_commit=graded,
        late_minutes=minutes_late(dates[graded], assignment.deadline),
        rewritten_from=rewritten,
        commits=history,
        work=work.value if work is not None else None,
    )


def write_manifest(
    path: Path,
    *,
    course_id: str,
    seed: int,
    students: int,
    assignments: Sequence[Assignment],
    submissions: Sequence[Expected],
    repos: bool,
) -> None:
    document = {
        "format": FORMAT,
        "course": course_id,
        "seed": seed,
        "students": students,
        "repos": repos,
        "deadlines": {a.id: a.deadline.isoformat() for a in assignments},
        "cases": {case.value: DESCRIPTIONS[case] for case in Case},
        "work": {work.value: outcomes.DESCRIPTIONS[work] for work in Work},
        "copies": [
            {
                "assignment": e.assignment,
                "copier": e.student_id,
                "original": e.copy_of,
                "kind": e.copy_kind,
                "files": list(e.copied_files),
            }
            for e in submissions
            if e.copy_of is not None
        ],
        "submissions": [asdict(entry) for entry in submissions],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

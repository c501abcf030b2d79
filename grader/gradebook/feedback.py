"""`grader export feedback`: a Markdown page per graded submission, optionally committed.

Only submissions whose every manual criterion is scored (status "graded") get a page: the
grader's part is done, and a half graded page would be feedback still being written. The others
are reported as skipped, with any page an earlier export left for them (it is not deleted).

A graded submission whose grade is not final yet (an autograded criterion not scored: nothing
has run it, and no grader gave it points) still gets its page, because the levels, ticks and
comments are the feedback a student is waiting for and they will not change. The page says at
the top that the grade is not final and what is missing, and shows no total; the result says
so too (``FeedbackWritten.not_final``), so the instructor knows which pages to export again.

With ``commit``, the page is committed as FEEDBACK.md on the feedback branch kept in the
student's mirror, ``refs/grader/feedback``: outside ``refs/heads``, which every pull mirrors
and prunes. The branch starts at the graded commit; commits are made with plumbing only, so no
hook of the repository runs (GIT-10). Publish it with
``git --git-dir=.grader/repos/A/S.git push URL refs/grader/feedback:refs/heads/feedback``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from grader.domain.course import Assignment
from grader.domain.errors import GraderError
from grader.domain.lateness import BEYOND_MAX_DAYS
from grader.domain.progress import Progress
from grader.domain.rubric import Criterion, CriterionKind, Rubric
from grader.domain.text import printable
from grader.durable import write_shared
from grader.exports.feedback import (
    AutogradeFeedback,
    CriterionResult,
    FeedbackSheet,
    not_final_text,
    render_feedback,
)
from grader.git.commit import CommitRefused, commit_file
from grader.git.history import commits
from grader.git.mirror import is_complete, resolve
from grader.gradebook.context import STATE_DIR, CourseContext, utc_now
from grader.gradebook.pull import mirror_of
from grader.gradebook.status import (
    AUTOGRADE_PROBLEM,
    GRADED,
    RUBRIC_REFUSED,
    CriterionStatus,
    SubmissionStatus,
    submission_statuses,
)

FEEDBACK_FILE = "FEEDBACK.md"
FEEDBACK_BRANCH = "feedback"
FEEDBACK_REFS = "refs/grader/"
"""The namespace of the feedback branch in a mirror: ``refs/grader/feedback``."""
DEFAULT_DIR = Path(STATE_DIR) / "feedback"
COMMITTED = "committed"
ALREADY_COMMITTED = "already committed"
NO_REPOSITORY = "not committed: no repository was pulled"
COMMIT_FAILED = "commit failed"
OPERATIONAL_FLAGS = ("last pull ", AUTOGRADE_PROBLEM)
"""Flags about our own pulls and runs (they may name local paths), kept out of a student's page."""


@dataclass(frozen=True)
class FeedbackWritten:
    assignment_id: str
    student_id: str
    path: Path
    changed: bool
    """False when the file already held exactly this page."""
    commit: str | None = None
    commit_status: str = ""
    """With ``commit``: COMMITTED, ALREADY_COMMITTED, NO_REPOSITORY or COMMIT_FAILED."""
    commit_reason: str = ""
    not_final: str = ""
    """Empty when the grade is final; else what is missing, as the page says it
    ("Test suite passes (20 points) not scored yet")."""

    @property
    def final(self) -> bool:
        return not self.not_final


@dataclass(frozen=True)
class FeedbackSkipped:
    assignment_id: str
    student_id: str
    status: str
    earlier: Path | None
    """A page an earlier export wrote for this submission, left as it was."""


def feedback_path(out_dir: Path, assignment_id: str, student_id: str) -> Path:
    return out_dir / assignment_id / f"{student_id}.md"


def _runs(ctx: CourseContext, row: SubmissionStatus) -> dict[str, AutogradeFeedback]:
    """The latest run of each autograded criterion of the submission, as its page shows it."""
    if not any(c.autograde is not None for c in row.criteria):
        return {}
    found = ctx.store.latest_runs(row.assignment_id, [row.student_id], with_output=True).get(
        row.student_id, {}
    )
    return {
        criterion_id: AutogradeFeedback(
            status=run.result.status.value,
            reason=run.result.reason,
            failing=tuple(t.name for t in run.result.tests if t.outcome in ("failed", "error")),
            output=run.result.output,
            output_truncated=run.result.output_truncated,
            sandbox=run.result.sandbox,
        )
        for criterion_id, run in found.items()
    }


def _subject(ctx: CourseContext, assignment_id: str, student_id: str, sha: str | None) -> str:
    mirror = mirror_of(ctx, assignment_id, student_id)
    if sha is None or not is_complete(mirror):
        return ""
    try:
        found = commits(mirror, sha, limit=1, timeout=30)
    except GraderError:
        return ""
    return found[0].subject if found else ""


def sheet_for(
    ctx: CourseContext,
    assignment: Assignment,
    rubric: Rubric,
    row: SubmissionStatus,
) -> FeedbackSheet:
    course = ctx.files.course
    by_id = {c.criterion_id: c for c in row.criteria}
    runs = _runs(ctx, row)
    results = tuple(
        CriterionResult(
            criterion,
            by_id[criterion.id].choice,
            by_id[criterion.id].points,
            _by_autograder(criterion, by_id[criterion.id]),
            runs.get(criterion.id) if criterion.kind is CriterionKind.AUTOGRADED else None,
        )
        for criterion in rubric.criteria
    )
    assert row.score is not None
    return FeedbackSheet(
        course_title=f"{course.title}, {course.term}" if course.term else course.title,
        assignment_id=assignment.id,
        assignment_title=assignment.title,
        student_id=row.student_id,
        student_name=row.name,
        total=row.score,
        max_score=row.max_score,
        penalty=row.penalty,
        late_minutes=row.late_minutes,
        late_policy=assignment.late,
        graded_commit=row.graded_commit,
        commit_subject=_subject(ctx, assignment.id, row.student_id, row.graded_commit),
        flags=tuple(f for f in row.flags if not f.startswith((*OPERATIONAL_FLAGS, BEYOND_MAX_DAYS))),
        dated_by=row.dated_by,
        criteria=results,
        final=row.final,
    )


def _by_autograder(criterion: Criterion, status: CriterionStatus) -> bool:
    """The criterion's points are a run's: autograded, scored by a run, not overridden."""
    found = status.autograde
    return (
        criterion.kind is CriterionKind.AUTOGRADED
        and found is not None
        and found.points is not None
        and not status.overridden
    )


def _write(path: Path, page: bytes) -> bool:
    """Write ``page`` unless the file already holds it; True when written."""
    try:
        if path.is_file() and path.read_bytes() == page:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraderError(f"cannot write {path}: {exc.strerror}") from None
    write_shared(path, [page])
    return True


def _author(ctx: CourseContext) -> tuple[str, str]:
    name = "".join(ch for ch in printable(ctx.actor) if ch not in "<>").strip() or "grader"
    return name, ctx.files.course.issuer.email or "grader@localhost"


def commit_feedback(
    ctx: CourseContext, sheet: FeedbackSheet, page: bytes, when: datetime
) -> tuple[str | None, str, str]:
    """(commit, status, reason) for committing ``page`` to the feedback branch."""
    mirror = mirror_of(ctx, sheet.assignment_id, sheet.student_id)
    if sheet.graded_commit is None or not is_complete(mirror):
        return None, NO_REPOSITORY, ""
    before = resolve(mirror, FEEDBACK_REFS + FEEDBACK_BRANCH)
    name, email = _author(ctx)
    score = (
        f"{sheet.total.normalize():f} / {sheet.max_score.normalize():f}"
        if sheet.final
        else f"not final ({not_final_text(sheet)})"
    )
    message = f"Feedback: {sheet.assignment_title}\n\nScore: {score}\nGraded commit: {sheet.graded_commit}\n"
    try:
        sha = commit_file(
            mirror,
            branch=FEEDBACK_BRANCH,
            ref_prefix=FEEDBACK_REFS,
            start=sheet.graded_commit,
            path=FEEDBACK_FILE,
            content=page,
            message=message,
            author_name=name,
            author_email=email,
            when=when,
        )
    except CommitRefused as refusal:
        return None, COMMIT_FAILED, str(refusal)
    return sha, ALREADY_COMMITTED if sha == before else COMMITTED, ""


def export_feedback(
    ctx: CourseContext,
    assignment_ids: list[str] | None = None,
    out_dir: Path | None = None,
    *,
    commit: bool = False,
) -> Iterator[Progress | FeedbackWritten | FeedbackSkipped]:
    """Write (and with ``commit`` commit) a page per graded submission; yields progress and results."""
    wanted = list(dict.fromkeys(assignment_ids or [a.id for a in ctx.files.course.assignments]))
    for assignment_id in wanted:
        ctx.files.rubric(assignment_id)
    folder = out_dir if out_dir is not None else ctx.root / DEFAULT_DIR
    if folder.exists() and not folder.is_dir():
        raise GraderError(f"{folder} is a file; give a folder for the feedback pages")
    total = len(wanted) * len(ctx.files.students)
    done = 0
    when = utc_now()
    yield Progress(0, total, "writing feedback")
    for assignment_id in wanted:
        assignment = ctx.files.course.assignment(assignment_id)
        assert assignment is not None
        rubric = ctx.files.rubric(assignment_id)
        refused: dict[str, str] = {}
        rows = submission_statuses(ctx, [assignment_id], refused=refused)
        for row in rows:
            path = feedback_path(folder, assignment_id, row.student_id)
            if row.status != GRADED or RUBRIC_REFUSED in row.flags:
                status = RUBRIC_REFUSED if RUBRIC_REFUSED in row.flags else row.status
                yield FeedbackSkipped(assignment_id, row.student_id, status, path if path.is_file() else None)
            else:
                sheet = sheet_for(ctx, assignment, rubric, row)
                page = render_feedback(sheet).encode("utf-8")
                changed = _write(path, page)
                sha, status, reason = commit_feedback(ctx, sheet, page, when) if commit else (None, "", "")
                missing = "" if sheet.final else not_final_text(sheet)
                yield FeedbackWritten(
                    assignment_id, row.student_id, path, changed, sha, status, reason, missing
                )
            done += 1
            yield Progress(done, total, f"{assignment_id} {row.student_id}")

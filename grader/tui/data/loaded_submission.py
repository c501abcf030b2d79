"""What the grading screen loads for one submission, the header line that sums it up, and the
words of its saves.

Loading reads one grade and one pull state (never the class), and claims the submission for the
grader (grader.gradebook.claims): the claim standing afterwards comes with it, someone else's
when they are grading it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text

from grader.domain.anonymity import ANONYMOUS_NAME, Identities, shown_students
from grader.domain.choice_words import scored_words
from grader.domain.choices import CriterionChoice
from grader.domain.claims import Claim
from grader.domain.course import Assignment
from grader.domain.events import SubmissionGrade
from grader.domain.lateness import beyond_max_days, beyond_max_days_text, late_text, penalty_text
from grader.domain.pulls import PullState
from grader.domain.roster import Student
from grader.domain.rubric import Rubric
from grader.gradebook.anonymity import identities, scrubbed_run
from grader.gradebook.claims import claim, is_someone_elses
from grader.gradebook.context import CourseContext, known_assignment
from grader.gradebook.rubrics import rubric_in_force
from grader.gradebook.status import status_row
from grader.tui.points import number
from grader.tui.safe import safe_plain, safe_text

if TYPE_CHECKING:
    from grader.gradebook.autograde import StoredRun


@dataclass(frozen=True)
class Loaded:
    assignment: Assignment
    rubric: Rubric
    student: Student
    grade: SubmissionGrade
    pull: PullState | None
    runs: Mapping[str, StoredRun] = field(default_factory=dict)
    """The latest run of each autograded criterion (tests and output included)."""
    claim: Claim | None = None
    """The claim standing once loaded: the grader's own, or that of whoever else grades it."""
    identities: Identities | None = None
    """How the assignment's students are shown (``student`` is masked while they are hidden)."""
    position: tuple[int, int] | None = None
    """Where the submission is in the list as it is shown: (n, N), n from 1."""

    @property
    def shown(self) -> Identities:
        return self.identities or Identities(self.assignment.id)

    def scrub(self, text: str) -> str:
        """``text`` without anything that identifies the student while identities are hidden."""
        return self.shown.scrub(text, self.student.student_id)

    @property
    def commit(self) -> str | None:
        """The commit whose files are in the checkout (the graded one unless its checkout failed)."""
        if self.pull is None:
            return None
        return self.pull.checked_out or self.pull.graded_commit

    @property
    def late_minutes(self) -> int | None:
        return self.pull.late_minutes if self.pull else None


def load_submission(ctx: CourseContext, assignment_id: str, student_id: str) -> Loaded:
    """One submission's rubric in force, grade and pull state (GraderError when it cannot be graded)."""
    assignment = known_assignment(ctx, assignment_id)
    shown = identities(ctx, assignment_id)
    student = shown.shown(ctx.files.student(student_id))
    rubric = rubric_in_force(ctx, assignment_id)
    grade = ctx.store.grade(assignment_id, student_id)
    pull = ctx.store.pull_states_of(assignment_id, [student_id]).get(student_id)
    runs: Mapping[str, StoredRun] = {}
    if any(not criterion.is_manual for criterion in rubric.criteria):
        from grader.gradebook.autograde import latest_results

        runs = {
            cid: scrubbed_run(shown, run)
            for cid, run in latest_results(ctx, assignment_id, student_id).items()
        }
    standing = claim(ctx, assignment_id, student_id)
    roster = shown_students(shown, ctx.files.students)
    at = next((n for n, s in enumerate(roster, start=1) if s.student_id == student_id), None)
    position = (at, len(roster)) if at is not None else None
    return Loaded(assignment, rubric, student, grade, pull, runs, standing, shown, position)


def shown_id(loaded: Loaded | None, student_id: str) -> str:
    """How a message names the student: by pseudonym while identities are hidden (before a
    submission is loaded, as "this submission" when the assignment is anonymous)."""
    if loaded is None:
        return student_id
    return loaded.shown.shown_id(student_id)


def claimed_by_other(ctx: CourseContext, loaded: Loaded) -> Claim | None:
    """The claim of whoever else is grading the loaded submission (None: the grader's own)."""
    found = loaded.claim
    return found if found is not None and is_someone_elses(ctx, found) else None


def status_line(
    ctx: CourseContext, loaded: Loaded, grade: SubmissionGrade, *, by_criterion: bool = False
) -> Text:
    """The header: who (sanitised), which commit, status, lateness and any flag note; grading by
    criterion, first where this submission is: "3 of 12"."""
    row = status_row(loaded.assignment, loaded.rubric, loaded.student, grade, loaded.pull, False)
    line = Text()
    if by_criterion and loaded.position is not None:
        line.append(f"{loaded.position[0]:,} of {loaded.position[1]:,}", style="bold reverse")
        line.append("  ")
    line.append_text(safe_text(loaded.student.name, style="bold", limit=60))
    line.append("  ")
    who = ANONYMOUS_NAME if loaded.shown.hidden else loaded.student.student_id
    line.append_text(safe_text(who, style="dim"))
    # Most useful first: at 80 columns the end of the line is cut off, and the rubric's total
    # may be scrolled out of sight.
    score = "–" if row.score is None else number(row.score)
    line.append(f"  · {score} / {number(row.max_score)}", style="bold")
    line.append(f"  · {row.status}", style="bold green" if row.status == "graded" else "bold yellow")
    if row.late_minutes:
        line.append(f"  · {late_text(row.late_minutes)}", style="red")
    if row.penalty:
        line.append(f" ({penalty_text(row.penalty)})", style="red")
    if beyond_max_days(row.late_minutes, loaded.assignment.late):
        line.append(f"  · {beyond_max_days_text(loaded.assignment.late)}", style="bold red")
    commit = loaded.pull.graded_commit if loaded.pull else None
    line.append(
        f"  · commit {commit[:10]}, {row.dated_by}" if commit else "  · no graded commit", style="cyan"
    )
    if grade.flag_note:  # after the commit: a long note is what the screen's edge cuts
        line.append("  · ⚑ ", style="bold magenta")
        line.append_text(safe_text(loaded.scrub(grade.flag_note), limit=80))
    line.append(f"  · {loaded.assignment.id}", style="dim")
    if ctx.actor and grade.updated_by and grade.updated_by != ctx.actor:
        line.append("  · last graded by ", style="dim")
        line.append_text(safe_text(grade.updated_by, style="dim", limit=40))
    other = claimed_by_other(ctx, loaded)
    if other is None:
        return line
    read_only = Text("read-only: being graded by ", style="bold reverse yellow")  # first: always seen
    read_only.append_text(safe_text(other.actor, style="bold reverse yellow", limit=40))
    read_only.append("  ")
    read_only.append_text(line)
    return read_only


def saved_words(loaded: Loaded, student_id: str, criterion_id: str, choice: CriterionChoice) -> str:
    """What a save confirms: "saved Correct results: Proficient (00178825)"."""
    criterion = loaded.rubric.criterion(criterion_id)
    title = criterion.title if criterion is not None else criterion_id
    what = scored_words(choice) or "not scored"
    return safe_plain(f"saved {title}: {what} ({shown_id(loaded, student_id)})")

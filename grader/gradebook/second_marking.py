"""Blind second marking as a moderator does it: their queue (each submission dealt to them, and how
many manual criteria they have second-marked) and one submission to mark.

Blind: nothing here reads a first mark. No first choice, comment, adjustment, total, first
marker's name, flag, history or autograde result leaves this module; only the submission's
rubric, files (its commit) and the moderator's own second marks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from grader.domain.choices import CriterionChoice
from grader.domain.course import Assignment
from grader.domain.errors import GraderError
from grader.domain.moderation import Queued, SecondMark
from grader.domain.remap import stale_parts
from grader.domain.roster import Student
from grader.domain.rubric import Rubric
from grader.gradebook.anonymity import identities
from grader.gradebook.context import CourseContext, known_assignment
from grader.gradebook.moderation import first_marker_refusal
from grader.gradebook.rubrics import rubric_in_force


@dataclass(frozen=True)
class QueueRow:
    """One queued submission as a second marker sees it."""

    student: Student
    moderator: str
    marked: int
    """Manual criteria of the rubric in force that ``moderator`` has second-marked."""
    manual: int
    """Manual criteria of the rubric in force (autograded ones are not moderated)."""
    first_marked_by_actor: bool
    """The acting grader saved one of its first choices: they may not second-mark it."""
    anonymous: bool = False
    """``student`` is masked (its name is its pseudonym): the assignment's identities are hidden."""

    @property
    def done(self) -> bool:
        return self.marked >= self.manual


@dataclass(frozen=True)
class ModerationQueue:
    """An assignment's queue for the acting grader: theirs to mark, then everyone else's."""

    assignment_id: str
    actor: str
    mine: tuple[QueueRow, ...]
    others: tuple[QueueRow, ...]

    @property
    def is_empty(self) -> bool:
        return not self.mine and not self.others

    def to_mark_after(self, student_id: str) -> str | None:
        """The actor's next submission (queue order, wrapping) still to mark, other than ``student_id``."""
        ids = [row.student.student_id for row in self.mine]
        start = ids.index(student_id) + 1 if student_id in ids else 0
        for row in self.mine[start:] + self.mine[:start]:
            if not row.done and not row.first_marked_by_actor and row.student.student_id != student_id:
                return row.student.student_id
        return None


@dataclass(frozen=True)
class SecondMarking:
    """One queued submission to second-mark: what to look at, and the moderator's own marks."""

    assignment: Assignment
    rubric: Rubric
    student: Student
    commit: str | None
    """The commit whose files are in the checkout (None: not pulled)."""
    marks: dict[str, CriterionChoice]
    """The acting grader's own second mark in force of each manual criterion they marked."""
    anonymous: bool = False
    """``student`` is masked (its name is its pseudonym): the assignment's identities are hidden."""


def own_marks(rubric: Rubric, marks: Iterable[SecondMark]) -> dict[str, CriterionChoice]:
    """Criterion id → choice, for the manual criteria of ``rubric`` whose mark still fits it (a
    level or item since renamed or removed is to be marked again)."""
    found = {}
    for mark in marks:
        criterion = rubric.criterion(mark.criterion_id)
        if criterion is not None and criterion.is_manual and not stale_parts(criterion, mark.choice):
            found[criterion.id] = mark.choice
    return found


def read_moderation_queue(ctx: CourseContext, assignment_id: str) -> ModerationQueue:
    """The queue of ``assignment_id``, split into the acting grader's rows and the others'."""
    rubric = rubric_in_force(ctx, assignment_id)
    queue = ctx.store.moderation_queue(assignment_id)
    first_markers = ctx.store.first_markers(assignment_id) if queue else {}
    by_marker: dict[tuple[str, str], list[SecondMark]] = {}
    for mark in ctx.store.second_marks(assignment_id, per_actor=True) if queue else ():
        by_marker.setdefault((mark.student_id, mark.actor), []).append(mark)
    manual = len(rubric.manual_criteria)
    shown = identities(ctx, assignment_id)
    mine: list[QueueRow] = []
    others: list[QueueRow] = []
    for queued in queue.values():
        marked = own_marks(rubric, by_marker.get((queued.student_id, queued.moderator), ()))
        row = QueueRow(
            shown.shown(_student(ctx, queued.student_id)),
            queued.moderator,
            len(marked),
            manual,
            ctx.actor in _first_markers(queued, first_markers),
            shown.hidden,
        )
        (mine if queued.moderator == ctx.actor else others).append(row)
    return ModerationQueue(assignment_id, ctx.actor, tuple(mine), tuple(others))


def open_second_marking(ctx: CourseContext, assignment_id: str, student_id: str) -> SecondMarking:
    """A submission dealt to the acting grader, to second-mark blind; GraderError (saying why)
    when it is not queued, is another grader's to mark, or the acting grader first-marked it."""
    assignment = known_assignment(ctx, assignment_id)
    shown = identities(ctx, assignment_id)
    student = shown.shown(ctx.files.student(student_id))
    rubric = rubric_in_force(ctx, assignment_id)
    queued = ctx.store.moderation_queue(assignment_id).get(student_id)
    named = shown.shown_id(student_id)
    if queued is None:
        raise GraderError(
            f"{named}'s {assignment_id} submission is not queued for moderation: "
            f"queue a sample with grader moderate {assignment_id} --sample 10%"
        )
    if ctx.actor in _first_markers(queued, ctx.store.first_markers(assignment_id)):
        raise GraderError(first_marker_refusal(ctx.actor, assignment_id, named))
    if queued.moderator != ctx.actor:
        raise GraderError(
            f"{named}'s {assignment_id} submission is queued for {queued.moderator} to "
            f"second-mark, not for {ctx.actor}"
        )
    mine = [m for m in ctx.store.second_marks(assignment_id, per_actor=True) if m.actor == ctx.actor]
    pull = ctx.store.pull_states_of(assignment_id, [student_id]).get(student_id)
    commit = (pull.checked_out or pull.graded_commit) if pull is not None else None
    marks = own_marks(rubric, (m for m in mine if m.student_id == student_id))
    return SecondMarking(assignment, rubric, student, commit, marks, shown.hidden)


def _first_markers(queued: Queued, current: Mapping[str, tuple[str, ...]]) -> set[str]:
    """Who first-marked the submission: when it was queued, and who saved its choices since."""
    at_queueing = {name for name in queued.first_marker.split(", ") if name}
    return at_queueing | set(current.get(queued.student_id, ()))


def _student(ctx: CourseContext, student_id: str) -> Student:
    """The roster's student; one since removed from the roster is named by id alone."""
    found = ctx.files.students_by_id.get(student_id)
    return found if found is not None else Student(student_id, f"({student_id}: not in the roster)", "", "")

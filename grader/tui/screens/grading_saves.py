"""The grading screen's saves, one at a time and in order, in a thread; results come back as messages.

Every choice is queued the moment it is made and saved by one thread in the order made, so a
second key never races the first. A save names the version the screen showed; when an earlier
save of this same queue moved the version on, the later one follows it (a change by anyone else
still conflicts). Moving to another submission goes through the queue too, so "next ungraded"
sees every choice made before it.

A save that fails (the gradebook could not write it, or the worker itself died) stops the queue:
the failed choice and every choice queued behind it go back to the screen as not saved, to be
sent again in order (``retry``) or given up when the grader leaves. A choice the gradebook
refuses for what it is (a conflict, an adjustment without a comment) is not a failure to save:
it is refused, and the queue goes on.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass, field

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from grader.domain.choices import CriterionChoice
from grader.domain.errors import ConflictError, GradebookUnavailable, GraderError
from grader.domain.events import EventOutcome
from grader.domain.rubric import Rubric
from grader.gradebook.context import CourseContext
from grader.gradebook.flagging import clear_flag, set_flag
from grader.gradebook.grading import ChoiceRequest, GradeRecorded, record_choice
from grader.gradebook.listing import SubmissionList
from grader.gradebook.undo import Undone, undo_last


@dataclass(frozen=True)
class SaveChoice:
    student_id: str
    criterion_id: str
    request: ChoiceRequest
    expected_version: int


@dataclass(frozen=True)
class UndoLast:
    pass


@dataclass(frozen=True)
class Flag:
    student_id: str
    note: str
    """Empty: clear the flag."""


@dataclass(frozen=True)
class FindNext:
    after_student_id: str
    criterion_id: str | None = None
    """None: the next ungraded submission; else the next without a choice for this criterion."""


@dataclass(frozen=True)
class AfterSaves:
    """Once everything queued before it is saved, ``then`` runs (on the UI thread: SavesDone)."""

    then: Callable[[], object]


Op = SaveChoice | UndoLast | Flag | FindNext | AfterSaves
Unsaved = SaveChoice | Flag
"""A grader's choice: what is lost when saving it fails and the grader leaves."""


class ChoiceSaved(Message):
    def __init__(self, student_id: str, criterion_id: str, recorded: GradeRecorded) -> None:
        super().__init__()
        self.student_id = student_id
        self.criterion_id = criterion_id
        self.recorded = recorded


class SaveRefused(Message):
    def __init__(self, student_id: str, message: str, *, conflict: bool) -> None:
        super().__init__()
        self.student_id = student_id
        self.message = message
        self.conflict = conflict


class SaveFailed(Message):
    """Saving ``op`` failed (not a refusal): the queue stopped; the screen takes back what waits."""

    def __init__(self, op: Unsaved, reason: str) -> None:
        super().__init__()
        self.op = op
        self.reason = reason


class SavesDone(Message):
    def __init__(self, then: Callable[[], object]) -> None:
        super().__init__()
        self.then = then


class UndoFinished(Message):
    def __init__(self, undone: Undone | None) -> None:
        super().__init__()
        self.undone = undone


class FlagChanged(Message):
    def __init__(self, student_id: str, note: str) -> None:
        super().__init__()
        self.student_id = student_id
        self.note = note


class NextFound(Message):
    def __init__(self, student_id: str | None, criterion_id: str | None) -> None:
        super().__init__()
        self.student_id = student_id
        self.criterion_id = criterion_id


@dataclass
class SaveQueue:
    """Owned by one screen: ``put`` from the UI, ``run`` in a thread worker."""

    ctx: CourseContext
    assignment_id: str
    target: MessagePump
    rubric: Rubric | None = None
    ops: queue.Queue[Op] = field(default_factory=queue.Queue)
    advanced: dict[str, dict[int, int]] = field(default_factory=dict)
    """Per student: version -> the version this queue's own save made of it."""

    running: Op | None = None
    """The operation the worker is on; after the worker died, the one it died on."""

    def put(self, op: Op) -> None:
        self.ops.put(op)

    @property
    def pending(self) -> int:
        """Operations queued or running (the tests wait for zero)."""
        return self.ops.unfinished_tasks

    def run(self) -> None:
        """Save until cancelled with nothing queued (a screen left saves what it queued), or until
        a save fails (SaveFailed); anything unexpected propagates and the worker dies."""
        worker = get_current_worker()
        while True:
            try:
                op = self.ops.get(timeout=0.1)
            except queue.Empty:
                if worker.is_cancelled:
                    return
                continue
            self.running = op
            try:
                failed = self._attempt(op)
            finally:
                self.ops.task_done()
            self.running = None
            if failed is not None:
                self.target.post_message(SaveFailed(failed[0], failed[1]))
                return

    def _attempt(self, op: Op) -> tuple[Unsaved, str] | None:
        """Run one operation; the choice and why, when saving it failed."""
        try:
            self._do(op)
        except GraderError as error:
            if isinstance(op, SaveChoice | Flag) and not refused_as_given(error):
                return op, str(error)
            student_id = getattr(op, "student_id", "")
            self.target.post_message(SaveRefused(student_id, str(error), conflict=False))
        return None

    def take_waiting(self) -> list[Op]:
        """Every operation still queued, oldest first (the UI's, once the worker has stopped)."""
        taken: list[Op] = []
        while True:
            try:
                taken.append(self.ops.get_nowait())
            except queue.Empty:
                return taken
            self.ops.task_done()

    def _version(self, student_id: str, shown: int) -> int:
        """The version the shown one became through this queue's own saves (versions only grow)."""
        moves = self.advanced.get(student_id, {})
        version = shown
        while moves.get(version, version) > version:
            version = moves[version]
        return version

    def _do(self, op: Op) -> None:
        if isinstance(op, SaveChoice):
            self._save(op)
        elif isinstance(op, UndoLast):
            undone = undo_last(self.ctx, assignment_id=self.assignment_id)
            if undone is not None:
                self.advanced.setdefault(undone.student_id, {})[undone.version - 1] = undone.version
            self.target.post_message(UndoFinished(undone))
        elif isinstance(op, AfterSaves):
            self.target.post_message(SavesDone(op.then))
        elif isinstance(op, Flag):
            if op.note.strip():
                set_flag(self.ctx, self.assignment_id, op.student_id, op.note)
            else:
                clear_flag(self.ctx, self.assignment_id, op.student_id)
            self.target.post_message(FlagChanged(op.student_id, op.note.strip()))
        elif self.rubric is not None:
            # A fresh list: rows are read now, after every save queued before this op.
            listing = SubmissionList(self.ctx, self.assignment_id)
            found = listing.next_to_grade(op.after_student_id, op.criterion_id)
            self.target.post_message(NextFound(found, op.criterion_id))

    def _save(self, op: SaveChoice) -> None:
        based_on = self._version(op.student_id, op.expected_version)
        try:
            recorded = record_choice(
                self.ctx,
                self.assignment_id,
                op.student_id,
                op.criterion_id,
                op.request,
                expected_version=based_on,
                rubric=self.rubric,
            )
        except ConflictError as conflict:
            changed = changes_since(self.ctx, self.assignment_id, op.student_id, based_on, self.rubric)
            message = (
                f"{op.student_id} was changed by {conflict.changed_by} at "
                f"{conflict.changed_at[:19].replace('T', ' ')} ({changed}): "
                "your last choice was not saved; the submission is reloaded"
            )
            self.target.post_message(SaveRefused(op.student_id, message, conflict=True))
            return
        if recorded.version != based_on:  # a choice equal to the saved one moves nothing on
            self.advanced.setdefault(op.student_id, {})[based_on] = recorded.version
        self.target.post_message(ChoiceSaved(op.student_id, op.criterion_id, recorded))


def refused_as_given(error: GraderError) -> bool:
    """True when the gradebook refused the choice itself (sending it again cannot help); False
    when it could not use the database (locked, full, read-only, gone)."""
    return not isinstance(error, GradebookUnavailable)


def changes_since(
    ctx: CourseContext, assignment_id: str, student_id: str, version: int, rubric: Rubric | None
) -> str:
    """What others changed after ``version``: "Correct results → Proficient; README → Partial"."""
    titles = {c.id: c.title for c in rubric.criteria} if rubric is not None else {}
    events = [
        e
        for e in ctx.store.events(assignment_id, student_id)
        if e.outcome is EventOutcome.APPLIED and e.version > version
    ]
    latest = {e.criterion_id: e.new for e in events}
    parts = [f"{titles.get(cid, cid)} → {describe_choice(choice)}" for cid, choice in latest.items()]
    return "; ".join(parts[:4]) + ("; …" if len(parts) > 4 else "") if parts else "flag or excuse"


def describe_choice(choice: CriterionChoice) -> str:
    if choice.level is not None:
        return choice.level
    if choice.items is not None:
        return ", ".join(choice.items) or "no item applies"
    if choice.points is not None:
        return f"{choice.points} points"
    if choice.adjustment:
        return f"adjusted {choice.adjustment}"
    return "comment" if choice.comment else "cleared"

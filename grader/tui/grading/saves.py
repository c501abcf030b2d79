"""The Grading screen's saves, one at a time and in order, in a thread; results come back as messages.

Every choice is queued the moment it is made and saved by one thread in the order made, so a
second key never races the first. A save names the version at which the grader saw its
criterion: the version the screen read, or the one this queue's own latest save of that
criterion made, whichever is later; only a change to that criterion by someone else since then
is a conflict. A conflict stops the queue until the grader decides (ConflictFound, then
``resolve``): keep mine saves it over theirs, in its place in the order; take theirs and cancel
save nothing. Moving to another submission goes through the queue too, so "next ungraded" sees
every choice made before it.

A save that fails (the gradebook could not write it, or the worker itself died) stops the queue:
the failed choice and every choice queued behind it go back to the screen as not saved, to be
sent again in order (``retry``) or given up when the grader leaves. A choice the gradebook
refuses for what it is (an adjustment without a comment) is not a failure to save: it is
refused, and the queue goes on.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass, field
from enum import StrEnum

from textual.message import Message
from textual.worker import get_current_worker

from grader.domain.errors import GradebookUnavailable, GraderError
from grader.domain.rubric import Rubric
from grader.gradebook.conflicts import ChoiceConflict, ConflictSeen
from grader.gradebook.flagging import clear_flag, set_flag
from grader.gradebook.grading import ChoiceRequest, GradeRecorded, keep_mine, record_choice
from grader.gradebook.listing import SubmissionList
from grader.gradebook.undo import Undone, undo_last
from grader.tui.grading.ordered import OrderedQueue


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
class SawTheirs:
    """After a conflict the grader did not keep theirs over: the screen now shows the criterion as
    it stood at ``version``, so choices made from here on are based on it (those queued before
    still conflict: they were made without seeing theirs)."""

    student_id: str
    criterion_id: str
    version: int


Op = SaveChoice | UndoLast | Flag | FindNext | SawTheirs
Unsaved = SaveChoice | Flag
"""A grader's choice: what is lost when saving it fails and the grader leaves."""


class ChoiceSaved(Message):
    def __init__(self, student_id: str, criterion_id: str, recorded: GradeRecorded) -> None:
        super().__init__()
        self.student_id = student_id
        self.criterion_id = criterion_id
        self.recorded = recorded


class SaveRefused(Message):
    """The gradebook refused an operation for what it is (not a conflict: ConflictFound)."""

    def __init__(self, student_id: str, message: str) -> None:
        super().__init__()
        self.student_id = student_id
        self.message = message


class Resolution(StrEnum):
    """The grader's answer to a conflict."""

    KEEP_MINE = "keep mine"
    TAKE_THEIRS = "take theirs"
    CANCEL = "cancel"


class ConflictFound(Message):
    """A choice was refused: someone else changed its criterion. The queue waits for ``resolve``."""

    def __init__(self, seen: ConflictSeen) -> None:
        super().__init__()
        self.seen = seen


class SaveFailed(Message):
    """Saving ``op`` failed (not a refusal): the queue stopped; the screen takes back what waits."""

    def __init__(self, op: Unsaved, reason: str) -> None:
        super().__init__()
        self.op = op
        self.reason = reason


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
class SaveQueue(OrderedQueue[Op]):
    """The Grading screen's queue: a save that fails stops it (SaveFailed)."""

    rubric: Rubric | None = None
    known: dict[tuple[str, str], int] = field(default_factory=dict)
    """Per (student, criterion): the latest version the screen knows it at, from this queue's own
    saves of it and the conflicts the grader saw."""
    answers: queue.Queue[Resolution] = field(default_factory=queue.Queue)
    """The grader's answers to conflicts, one per ConflictFound."""

    def resolve(self, resolution: Resolution) -> None:
        """The grader's answer to the conflict the queue waits on (from the UI)."""
        self.answers.put(resolution)

    def attempt(self, op: Op) -> bool:
        """Run one operation; a choice whose save failed stops the queue (SaveFailed), one the
        gradebook refused for what it is does not (SaveRefused)."""
        try:
            self._do(op)
        except GraderError as error:
            if isinstance(op, SaveChoice | Flag) and not refused_as_given(error):
                self.target.post_message(SaveFailed(op, str(error)))
                return True
            student_id = getattr(op, "student_id", "")
            self.target.post_message(SaveRefused(student_id, str(error)))
        return False

    def _based_on(self, op: SaveChoice) -> int:
        """The version at which the grader saw the criterion: the screen's, or the one this
        queue's own save of it made since (versions only grow)."""
        return max(op.expected_version, self.known.get((op.student_id, op.criterion_id), 0))

    def _do(self, op: Op) -> None:
        if isinstance(op, SaveChoice):
            self._save(op)
        elif isinstance(op, UndoLast):
            undone = undo_last(self.ctx, assignment_id=self.assignment_id)
            if undone is not None:
                self.known[(undone.student_id, undone.criterion_id)] = undone.version
            self.target.post_message(UndoFinished(undone))
        elif isinstance(op, SawTheirs):
            key = (op.student_id, op.criterion_id)
            self.known[key] = max(op.version, self.known.get(key, 0))
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
        try:
            recorded = record_choice(
                self.ctx,
                self.assignment_id,
                op.student_id,
                op.criterion_id,
                op.request,
                expected_version=self._based_on(op),
                rubric=self.rubric,
            )
        except ChoiceConflict as conflict:
            self._settle(conflict.seen)
            return
        self._saved(op.student_id, op.criterion_id, recorded)

    def _saved(self, student_id: str, criterion_id: str, recorded: GradeRecorded) -> None:
        key = (student_id, criterion_id)
        self.known[key] = max(recorded.version, self.known.get(key, 0))
        self.target.post_message(ChoiceSaved(student_id, criterion_id, recorded))

    def _settle(self, seen: ConflictSeen) -> None:
        """Ask the grader (ConflictFound) and wait; keep mine saves it against the version just
        read, asking again if the criterion changed once more meanwhile."""
        while True:
            self.target.post_message(ConflictFound(seen))
            if self._answer() is not Resolution.KEEP_MINE:
                return
            try:
                recorded = keep_mine(self.ctx, seen, self.rubric)
            except ChoiceConflict as again:
                seen = again.seen
                continue
            self._saved(seen.student_id, seen.criterion_id, recorded)
            return

    def _answer(self) -> Resolution:
        """The grader's answer; cancel when the screen goes away first."""
        worker = get_current_worker()
        while True:
            try:
                return self.answers.get(timeout=0.1)
            except queue.Empty:
                if worker.is_cancelled:
                    return Resolution.CANCEL


def refused_as_given(error: GraderError) -> bool:
    """True when the gradebook refused the choice itself (sending it again cannot help); False
    when it could not use the database (locked, full, read-only, gone)."""
    return not isinstance(error, GradebookUnavailable)

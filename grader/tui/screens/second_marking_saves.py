"""The second-marking screen's saves: one thread, in the order the moderator chose, results as
messages. A second mark the gradebook refuses (or cannot write) comes back as ``MarkRefused``
and the queue goes on; finding the next submission and leaving go through the queue too, so
they see every mark chosen before them.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from dataclasses import dataclass, field

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import get_current_worker

from grader.domain.errors import GraderError
from grader.domain.moderation import SecondMark
from grader.gradebook.context import CourseContext
from grader.gradebook.grading import ChoiceRequest
from grader.gradebook.moderation import record_second_mark
from grader.gradebook.second_marking import read_moderation_queue


@dataclass(frozen=True)
class SaveMark:
    student_id: str
    criterion_id: str
    request: ChoiceRequest


@dataclass(frozen=True)
class FindNextToMark:
    after_student_id: str


@dataclass(frozen=True)
class AfterMarks:
    """Once everything queued before it is saved, ``then`` runs (on the UI thread: MarksDone)."""

    then: Callable[[], object]


Op = SaveMark | FindNextToMark | AfterMarks


class MarkSaved(Message):
    def __init__(self, mark: SecondMark) -> None:
        super().__init__()
        self.mark = mark


class MarkRefused(Message):
    """Not saved: the gradebook refused the second mark or could not write it (``message`` says)."""

    def __init__(self, student_id: str, criterion_id: str, message: str) -> None:
        super().__init__()
        self.student_id = student_id
        self.criterion_id = criterion_id
        self.message = message


class NextToMarkFound(Message):
    def __init__(self, student_id: str | None, message: str = "") -> None:
        super().__init__()
        self.student_id = student_id
        self.message = message
        """Why the queue could not be read (empty: it was)."""


class MarksDone(Message):
    def __init__(self, then: Callable[[], object]) -> None:
        super().__init__()
        self.then = then


@dataclass
class MarkQueue:
    """Owned by one screen: ``put`` from the UI, ``run`` in a thread worker."""

    ctx: CourseContext
    assignment_id: str
    target: MessagePump
    ops: queue.Queue[Op] = field(default_factory=queue.Queue)

    def put(self, op: Op) -> None:
        self.ops.put(op)

    @property
    def pending(self) -> int:
        """Operations queued or running (the tests wait for zero)."""
        return self.ops.unfinished_tasks

    def run(self) -> None:
        """Save until cancelled with nothing queued (a screen left still saves what it queued);
        anything unexpected propagates: the worker dies and the screen reports it."""
        worker = get_current_worker()
        while True:
            try:
                op = self.ops.get(timeout=0.1)
            except queue.Empty:
                if worker.is_cancelled:
                    return
                continue
            try:
                self._do(op)
            finally:
                self.ops.task_done()

    def _do(self, op: Op) -> None:
        if isinstance(op, SaveMark):
            try:
                mark = record_second_mark(
                    self.ctx, self.assignment_id, op.student_id, op.criterion_id, op.request
                )
            except GraderError as error:
                self.target.post_message(MarkRefused(op.student_id, op.criterion_id, str(error)))
                return
            self.target.post_message(MarkSaved(mark))
        elif isinstance(op, FindNextToMark):
            try:
                found = read_moderation_queue(self.ctx, self.assignment_id).to_mark_after(op.after_student_id)
            except GraderError as error:
                self.target.post_message(NextToMarkFound(None, str(error)))
                return
            self.target.post_message(NextToMarkFound(found))
        else:
            self.target.post_message(MarksDone(op.then))

"""The Second marking screen's saves, on the one ordered worker (grader.tui.grading.ordered):
in the order the moderator chose, results as messages. A second mark the gradebook refuses (or
cannot write) comes back as ``MarkRefused`` and the queue goes on; finding the next submission
and leaving go through the queue too, so they see every mark chosen before them.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from grader.domain.errors import GraderError
from grader.domain.moderation import SecondMark
from grader.gradebook.grading import ChoiceRequest
from grader.gradebook.moderation import record_second_mark
from grader.gradebook.second_marking import read_moderation_queue
from grader.tui.grading.ordered import OrderedQueue


@dataclass(frozen=True)
class SaveMark:
    student_id: str
    criterion_id: str
    request: ChoiceRequest


@dataclass(frozen=True)
class FindNextToMark:
    after_student_id: str


Op = SaveMark | FindNextToMark


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


class MarkQueue(OrderedQueue[Op]):
    """The Second marking screen's queue: nothing stops it (a mark not saved is refused)."""

    def attempt(self, op: Op) -> bool:
        if isinstance(op, SaveMark):
            try:
                mark = record_second_mark(
                    self.ctx, self.assignment_id, op.student_id, op.criterion_id, op.request
                )
            except GraderError as error:
                self.target.post_message(MarkRefused(op.student_id, op.criterion_id, str(error)))
                return False
            self.target.post_message(MarkSaved(mark))
            return False
        try:
            found = read_moderation_queue(self.ctx, self.assignment_id).to_mark_after(op.after_student_id)
        except GraderError as error:
            self.target.post_message(NextToMarkFound(None, str(error)))
            return False
        self.target.post_message(NextToMarkFound(found))
        return False

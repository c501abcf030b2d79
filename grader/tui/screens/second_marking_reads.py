"""What the second-marking screen reads in a thread: the submission to mark (or why it may not be
marked), then its checkout's files; each posted to the screen as a message."""

from __future__ import annotations

from textual.message import Message
from textual.message_pump import MessagePump

from grader.domain.errors import GraderError
from grader.gradebook.checkout_files import Listing, list_files
from grader.gradebook.context import CourseContext
from grader.gradebook.second_marking import SecondMarking, open_second_marking


class MarkingLoaded(Message):
    def __init__(self, marking: SecondMarking) -> None:
        super().__init__()
        self.marking = marking


class MarkingRefused(Message):
    def __init__(self, student_id: str, message: str) -> None:
        super().__init__()
        self.student_id = student_id
        self.message = message


class MarkingFilesListed(Message):
    def __init__(self, student_id: str, listing: Listing) -> None:
        super().__init__()
        self.student_id = student_id
        self.listing = listing


def read_marking(target: MessagePump, ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    """The submission to second-mark (or why it may not be), then its checkout's files."""
    try:
        marking = open_second_marking(ctx, assignment_id, student_id)
    except GraderError as error:
        target.post_message(MarkingRefused(student_id, str(error)))
        return
    target.post_message(MarkingLoaded(marking))
    listing = list_files(ctx, assignment_id, student_id, marking.commit)
    target.post_message(MarkingFilesListed(student_id, listing))

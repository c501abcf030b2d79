"""What the Grading and Second marking screens read in threads: the submission (or why it cannot
be opened), then its checkout's files; badges after a grade.

Each worker takes every value it needs as an argument and posts what it read to ``target`` (the
screen) as a message; it never reads the screen. An unexpected failure propagates: the screen
sees the worker's ERROR state, puts itself right and reports it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump

from grader.domain.errors import GraderError
from grader.gradebook.certify import CertifyResult
from grader.gradebook.checkout_files import Listing, list_files
from grader.gradebook.context import CourseContext
from grader.gradebook.second_marking import SecondMarking, open_second_marking
from grader.tui.data.loaded_submission import Loaded, load_submission

BADGES_LOCK = threading.Lock()
"""One badge evaluation at a time: two could both issue the same credential."""


class SubmissionLoaded(Message):
    def __init__(self, loaded: Loaded) -> None:
        super().__init__()
        self.loaded = loaded


class MarkingLoaded(Message):
    def __init__(self, marking: SecondMarking) -> None:
        super().__init__()
        self.marking = marking


class LoadRefused(Message):
    def __init__(self, student_id: str, message: str) -> None:
        super().__init__()
        self.student_id = student_id
        self.message = message


class FilesListed(Message):
    def __init__(self, student_id: str, listing: Listing) -> None:
        super().__init__()
        self.student_id = student_id
        self.listing = listing


class BadgesChanged(Message):
    def __init__(self, results: list[CertifyResult]) -> None:
        super().__init__()
        self.results = results

    def names(self, who: Callable[[str], str]) -> str:
        """``who``: how a student is named (a pseudonym while identities are hidden)."""
        return ", ".join(f"{r.badge_id} for {who(r.student_id)}: {r.status}" for r in self.results)


class Opened(Protocol):
    @property
    def commit(self) -> str | None: ...


OpenedT = TypeVar("OpenedT", bound=Opened)


def read_then_list(
    target: MessagePump,
    ctx: CourseContext,
    assignment_id: str,
    student_id: str,
    read: Callable[[CourseContext, str, str], OpenedT],
    loaded: Callable[[OpenedT], Message],
    *,
    with_files: bool = True,
) -> None:
    """``read`` the submission (LoadRefused: why it cannot be opened), post it as ``loaded``,
    then (``with_files``) its checkout's files (FilesListed)."""
    try:
        opened = read(ctx, assignment_id, student_id)
    except GraderError as error:
        target.post_message(LoadRefused(student_id, str(error)))
        return
    target.post_message(loaded(opened))
    if with_files:
        listing = list_files(ctx, assignment_id, student_id, opened.commit)
        target.post_message(FilesListed(student_id, listing))


def read_submission(
    target: MessagePump, ctx: CourseContext, assignment_id: str, student_id: str, *, with_files: bool
) -> None:
    """The submission to grade (SubmissionLoaded), then its files."""
    read_then_list(
        target, ctx, assignment_id, student_id, load_submission, SubmissionLoaded, with_files=with_files
    )


def read_marking(target: MessagePump, ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    """The submission to second-mark (MarkingLoaded), then its files."""
    read_then_list(target, ctx, assignment_id, student_id, open_second_marking, MarkingLoaded)


def evaluate_badges(target: MessagePump, ctx: CourseContext, student_id: str) -> None:
    """Badges after a grade (may issue a credential); a failure never undoes the grade."""
    from grader.gradebook.certify import after_grading

    with BADGES_LOCK:
        try:
            results = after_grading(ctx, student_id)
        except GraderError as error:
            raise GraderError(f"badges not updated: {error}") from None
    if results:
        target.post_message(BadgesChanged(results))

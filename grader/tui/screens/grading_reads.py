"""What the grading screen reads in threads: a submission and its files, badges after a grade.

Each worker takes every value it needs as an argument and posts what it read to ``target`` (the
screen) as a message; it never reads the screen. An unexpected failure propagates: the screen
sees the worker's ERROR state, puts itself right and reports it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual.message import Message
from textual.message_pump import MessagePump

from grader.domain.errors import GraderError
from grader.gradebook.certify import CertifyResult
from grader.gradebook.checkout_files import Listing, list_files
from grader.gradebook.context import CourseContext
from grader.tui.data.loaded_submission import Loaded, load_submission

BADGES_LOCK = threading.Lock()
"""One badge evaluation at a time: two could both issue the same credential."""


class SubmissionLoaded(Message):
    def __init__(self, loaded: Loaded) -> None:
        super().__init__()
        self.loaded = loaded


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


def read_submission(
    target: MessagePump, ctx: CourseContext, assignment_id: str, student_id: str, *, with_files: bool
) -> None:
    """The submission (or why it cannot be graded), then (``with_files``) its checkout's files."""
    try:
        loaded = load_submission(ctx, assignment_id, student_id)
    except GraderError as error:
        target.post_message(LoadRefused(student_id, str(error)))
        return
    target.post_message(SubmissionLoaded(loaded))
    if not with_files:
        return
    listing = list_files(ctx, assignment_id, student_id, loaded.commit)
    target.post_message(FilesListed(student_id, listing))


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

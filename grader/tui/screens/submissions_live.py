"""The Submissions screen's live updates: rows another grader changed, and claims, within about
two seconds; an idle list never shows a stale grade for longer than that.

:class:`SubmissionsLive` is a base of the Submissions screen. Only the rows named by a change
are read again (the list's cache forgets them; those on screen are read in a worker); claims
come with the change, so a claim showing up or ending repaints its row without a read.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import BindingType
from textual.message import Message
from textual.screen import Screen

from grader.domain.claims import Claim
from grader.gradebook.context import CourseContext
from grader.gradebook.listing import SubmissionList
from grader.tui.live import GradebookChanged, LiveUpdatesFailed, follow_gradebook, stop_following
from grader.tui.navigation import navigator
from grader.tui.safe import safe_text
from grader.tui.widgets.submission_table import SubmissionTable


class SubmissionsLive(Screen[None]):
    """Live rows and claims on the Submissions screen (see the module docstring)."""

    BINDINGS: ClassVar[list[BindingType]] = []  # the screen's own keys: see its BINDINGS

    table: SubmissionTable
    listing: SubmissionList

    def show_counts(self) -> None:
        raise NotImplementedError

    def follow(self, ctx: CourseContext) -> None:
        """Rows follow the gradebook from now on (the course is fully open); the claims held
        already are read now (rows shown on a quick open came without them)."""
        follow_gradebook(self, ctx)
        self.read_claims(self.listing)

    @work(thread=True, exclusive=True, group="claims-read", exit_on_error=False)
    def read_claims(self, listing: SubmissionList) -> None:
        self.post_message(self.ClaimsRead(listing.read_claims()))

    class ClaimsRead(Message):
        def __init__(self, claims: dict[str, Claim]) -> None:
            super().__init__()
            self.claims = claims

    @on(ClaimsRead)
    def claims_read(self, message: ClaimsRead) -> None:
        if message.claims and self.table.is_mounted:
            self.table.refresh()
            self.show_counts()

    def on_unmount(self) -> None:
        stop_following(self)

    @on(GradebookChanged)
    def rows_moved(self, event: GradebookChanged) -> None:
        changes = event.changes
        assignment_id = self.listing.assignment_id
        claims = changes.claims_of(assignment_id)
        if claims is not None:
            self.listing.claims = claims
        if not self.table.is_mounted:
            return
        changed = {student for assignment, student in changes.submissions if assignment == assignment_id}
        if changes.everything:
            self.table.reload()
        elif changed:
            self.table.reload(sorted(changed))
        elif claims is not None:
            self.table.refresh()
        else:
            return
        self.show_counts()

    def claims_line(self) -> Text:
        """ " · being graded: ta-anna (2), ta-ben" (others' claims on this assignment), or nothing."""
        graders: dict[str, int] = {}
        for student_id in list(self.listing.claims):
            claim = self.listing.claim_of(student_id)
            if claim is not None:
                graders[claim.actor] = graders.get(claim.actor, 0) + 1
        line = Text()
        if graders:
            line.append(" · being graded: ", style="yellow")
            for n, (actor, count) in enumerate(sorted(graders.items())):
                line.append(", " if n else "")
                line.append_text(safe_text(actor, style="yellow", limit=30))
                line.append(f" ({count})" if count > 1 else "", style="yellow")
        return line

    @on(LiveUpdatesFailed)
    def live_failed(self, event: LiveUpdatesFailed) -> None:
        navigator(self.app).report_error(event.error)

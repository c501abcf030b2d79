"""The Grading screen's claims: the submission shown is claimed for the grader, the claim renewed
while it shows and released when it leaves; someone else's claim asks first (ClaimedModal).

:class:`GradingClaims` is a base of the Grading screen, which provides the state and loading.
Loading claims (grader.tui.data.loaded_submission.load_submission); this keeps the claim alive
(every ``claim_renew_seconds``), lets it go when another submission shows or the screen closes,
and makes the screen read-only while another grader holds the claim: every choice key is
refused with the reason (SavePath.read_only) and the header says who. ``T`` takes it over.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import replace
from functools import partial
from typing import ClassVar

from textual import on
from textual.message import Message
from textual.message_pump import MessagePump

from grader.domain.claims import Claim
from grader.gradebook import claims
from grader.gradebook.context import CourseContext
from grader.tui.data.loaded_submission import claimed_by_other, shown_id
from grader.tui.grading.reads import SubmissionLoaded
from grader.tui.live import GradebookChanged
from grader.tui.safe import safe_plain
from grader.tui.screens.claimed import ClaimAnswer, ClaimedModal
from grader.tui.screens.grading_parts import GradingParts

CLAIMS = "grading-claims"
"""The claim workers' group (take over, renew)."""


class ClaimChanged(Message):
    """A renewal or a take-over answered: the claim standing on ``student_id`` now."""

    def __init__(self, student_id: str, claim: Claim, before: Claim | None = None, *, took: bool) -> None:
        super().__init__()
        self.student_id = student_id
        self.claim = claim
        self.before = before
        self.took = took


def renew(target: MessagePump, ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    target.post_message(ClaimChanged(student_id, claims.claim(ctx, assignment_id, student_id), took=False))


def take_over(target: MessagePump, ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    mine, before = claims.take_over(ctx, assignment_id, student_id)
    target.post_message(ClaimChanged(student_id, mine, before, took=True))


def release_later(ctx: CourseContext, assignment_id: str, student_id: str) -> None:
    """Release a claim off the UI thread, even as the screen closes (not a worker: it outlives it).
    Any failure (the gradebook gone meanwhile) is no loss: the claim runs out by itself."""

    def release() -> None:
        with contextlib.suppress(Exception):
            claims.release(ctx, assignment_id, student_id)

    threading.Thread(target=release, name="grader-release-claim").start()


class GradingClaims(GradingParts):
    """Claims on the Grading screen (see the module docstring)."""

    claim_renew_seconds: ClassVar[float] = claims.RENEW_SECONDS

    _held: str | None = None
    """The student whose claim this screen holds."""
    _decided: str | None = None
    """The student the grader chose to read while someone else grades it (asked once a visit)."""
    _showing: str | None = None
    """The student shown before the latest load (cancel goes back to it)."""

    def on_mount(self) -> None:
        self.set_interval(self.claim_renew_seconds, self._renew_claim, name="renew-claim")

    def on_unmount(self) -> None:
        if self._held is not None:
            release_later(self.ctx, self.assignment_id, self._held)
            self._held = None

    @on(SubmissionLoaded)
    def claim_loaded(self, event: SubmissionLoaded) -> None:
        loaded = event.loaded
        student_id = loaded.student.student_id
        if self.loaded is not loaded:  # dropped: a later load asked for someone else
            if claimed_by_other(self.ctx, loaded) is None and student_id not in (self._held, self.student_id):
                release_later(self.ctx, self.assignment_id, student_id)
            return
        before, self._showing = self._showing, student_id
        if self._held is not None and self._held != student_id:
            release_later(self.ctx, self.assignment_id, self._held)
            self._held = None
        other = claimed_by_other(self.ctx, loaded)
        if other is None:
            self._grading(student_id, freed=bool(self.save_path.read_only) and before == student_id)
        elif self._decided == student_id:
            self._read_only(other)
        else:
            self._read_only(other)
            previous = before if before != student_id else None
            self.app.push_screen(
                ClaimedModal(other, shown_id(loaded, student_id)),
                partial(self._answered, student_id, previous),
            )

    def _grading(self, student_id: str, *, freed: bool) -> None:
        self._held, self._decided = student_id, None
        self.save_path.read_only = ""
        if freed:
            who = shown_id(self.loaded, student_id)
            self.notify(f"{who} is yours to grade now: the other grader left it", markup=False)

    def _read_only(self, other: Claim) -> None:
        self.save_path.read_only = safe_plain(
            f"read-only: {shown_id(self.loaded, other.student_id)} is being graded by {other.actor}; "
            "nothing is saved "
            "(T takes it over)"
        )
        self._refresh_panel()

    def _answered(self, student_id: str, previous: str | None, answer: ClaimAnswer | None) -> None:
        if student_id != self.student_id:
            return
        if answer is ClaimAnswer.READ_ONLY:
            self._decided = student_id
        elif answer is ClaimAnswer.TAKE_OVER:
            self.action_take_over()
        elif previous is not None:
            self.load(previous)
        else:
            self._leave("go back", self.app.pop_screen, staying=False)

    def action_take_over(self) -> None:
        """Take over the claim of the submission shown (audited with both names)."""
        if self.loaded is None or claimed_by_other(self.ctx, self.loaded) is None:
            self.notify("nobody else is grading this submission", markup=False)
            return
        work = partial(take_over, self, self.ctx, self.assignment_id, self.student_id)
        self.run_worker(work, thread=True, group=CLAIMS, exit_on_error=False)

    def _renew_claim(self) -> None:
        if self._held is not None and self._held == self.student_id:
            work = partial(renew, self, self.ctx, self.assignment_id, self._held)
            self.run_worker(work, thread=True, group=CLAIMS, exit_on_error=False)

    @on(ClaimChanged)
    def claim_changed(self, event: ClaimChanged) -> None:
        if self.loaded is None or event.student_id != self.student_id:
            return
        self.loaded = replace(self.loaded, claim=event.claim)
        other = claimed_by_other(self.ctx, self.loaded)
        if other is None:
            self._grading(event.student_id, freed=False)
            if event.took and event.before is not None:
                self.notify(
                    safe_plain(
                        f"you took {shown_id(self.loaded, event.student_id)} over from {event.before.actor} "
                        "(in the audit log)"
                    ),
                    markup=False,
                )
            self._refresh_panel()
        elif self._held == event.student_id:
            self._claim_lost(other)

    def _claim_lost(self, other: Claim) -> None:
        self._held = None
        self._decided = other.student_id
        self._read_only(other)
        self.notify(
            safe_plain(f"{other.actor} took {shown_id(self.loaded, other.student_id)} over: read-only now"),
            severity="warning",
            markup=False,
        )

    @on(GradebookChanged)
    def claims_moved(self, event: GradebookChanged) -> None:
        key = (self.assignment_id, self.student_id)
        changes = event.changes
        if self.loaded is None or changes.claims is None or key not in changes.claims_changed:
            return
        theirs = changes.claims.get(key)
        if theirs is not None and self._held == self.student_id:
            self.loaded = replace(self.loaded, claim=theirs)
            self._claim_lost(theirs)
        elif theirs is None and claimed_by_other(self.ctx, self.loaded) is not None:
            self.load(self.student_id, keep_view=True)  # their claim ended: loading claims it

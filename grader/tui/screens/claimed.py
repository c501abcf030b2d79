"""The dialog shown on opening a submission another grader is grading: read it, take it over
(audited), or leave it to them."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, Static

from grader.domain.claims import Claim
from grader.tui.active_keys import KeyedModal
from grader.tui.safe import safe_text
from grader.tui.widgets.key_bar import KeyBar


class ClaimAnswer(StrEnum):
    READ_ONLY = "read-only"
    TAKE_OVER = "take over"
    CANCEL = "cancel"


class ClaimedModal(KeyedModal[ClaimAnswer]):
    """ "00123 is being graded by ta-anna": open it read-only, take the claim over, or cancel."""

    DEFAULT_CSS = """
    ClaimedModal { align: center middle; }
    ClaimedModal > Vertical {
        width: 76; max-width: 100%; height: auto; border: thick $warning; background: $surface; padding: 1 2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "answer('read-only')", "Read-only", id="claimed.read_only",
                tooltip="Open it to read: every choice key is refused while they grade it"),
        Binding("t", "answer('take over')", "Take over", id="claimed.take_over",
                tooltip="Grade it yourself: the claim moves to you (recorded in the audit log)"),
        Binding("escape,c", "answer('cancel')", "Cancel", id="claimed.cancel",
                tooltip="Leave it to them"),
    ]  # fmt: skip

    def __init__(self, claim: Claim, who: str | None = None) -> None:
        """``who``: how the student is named (a pseudonym while identities are hidden)."""
        super().__init__()
        self.claim = claim
        self.who = who or claim.student_id

    def compose(self) -> ComposeResult:
        claim = self.claim
        title = safe_text(self.who, style="bold", limit=40)
        title.append(" is being graded by ", style="bold")
        title.append_text(safe_text(claim.actor, style="bold", limit=60))
        since = Text(f"claimed at {claim.claimed_at:%H:%M} UTC; their claim runs out by itself ")
        since.append(f"at {claim.expires_at:%H:%M:%S} UTC unless their screen renews it.", style="dim")
        with Vertical():
            yield Label(title, id="claimed-title")
            yield Static(since)
            yield Static(  # a Static wraps where a Label would cut the line
                Text(
                    "r opens it read-only · t takes it over (audited) · escape leaves it to them", style="dim"
                )
            )
        yield KeyBar()

    def action_answer(self, answer: str) -> None:
        self.dismiss(ClaimAnswer(answer))

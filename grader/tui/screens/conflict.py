"""The dialog that resolves a conflict: mine and theirs side by side, keep mine / take theirs / cancel.

Shown when a choice is refused because another grader changed the same criterion since this
screen showed it. Each side says who, when, and the choice as the rubric panel words it (level,
ticked items, points, adjustment, comment). Both attempts are in the log whatever is chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from grader.domain.choice_words import signed_text
from grader.domain.choices import CriterionChoice
from grader.domain.rubric import Criterion, CriterionKind
from grader.gradebook.conflicts import ConflictSeen
from grader.tui.active_keys import KeyedModal
from grader.tui.grading.saves import Resolution
from grader.tui.points import number
from grader.tui.safe import safe_text
from grader.tui.widgets.key_bar import KeyBar

HINT = "Keep mine saves yours over theirs. Both attempts stay in the log (h on the Grading screen)."


def when(moment: datetime | None) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC" if moment else "an unknown time"


def choice_lines(choice: CriterionChoice, criterion: Criterion | None, points: Decimal | None) -> Text:
    """One side's choice, line by line, in the rubric panel's words."""
    out = Text(end="")
    kind = criterion.kind if criterion else None
    if kind is CriterionKind.LEVELS or (kind is None and choice.level is not None):
        out.append("level: ", style="bold")
        out.append_text(safe_text(choice.level or "–"))
        out.append("\n")
    if kind is CriterionKind.CHECKLIST or (kind is None and choice.items is not None):
        out.append("ticked: ", style="bold")
        ticked = "–" if choice.items is None else ", ".join(choice.items) or "no item applies"
        out.append_text(safe_text(ticked, limit=200))
        out.append("\n")
    maximum = f" / {number(criterion.max_points)}" if criterion else ""
    out.append("points: ", style="bold")
    out.append(f"{'–' if points is None else number(points)}{maximum}\n")
    if choice.adjustment:  # the one wording (choice_words.adjustment_words), the comment made safe
        out.append(f"{signed_text(choice.adjustment)} adjusted", style="magenta")
        if choice.adjustment_comment:
            out.append(": ", style="magenta")
            out.append_text(safe_text(choice.adjustment_comment, limit=200))
        out.append("\n")
    if choice.comment:
        out.append("comment: ", style="cyan")
        out.append_text(safe_text(choice.comment, limit=300))
        out.append("\n")
    if choice.is_empty:
        out.append("nothing chosen\n", style="italic")
    return out


def side(heading: str, who: str, at: datetime | None, body: Text) -> Text:
    out = Text(end="")
    out.append(f"{heading}\n", style="bold underline")
    out.append_text(safe_text(who, style="bold", limit=60))
    out.append(f" · {when(at)}\n\n", style="dim")
    out.append_text(body)
    return out


class ConflictModal(KeyedModal[Resolution]):
    """Mine and theirs for one criterion; dismissed with the grader's Resolution."""

    DEFAULT_CSS = """
    ConflictModal { align: center middle; }
    ConflictModal > Vertical {
        width: 110; max-width: 100%; height: auto; max-height: 95%;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ConflictModal #conflict-sides { height: auto; margin: 1 0; }
    ConflictModal .conflict-side { width: 1fr; height: auto; border: round $panel; padding: 0 1; }
    ConflictModal #conflict-buttons { height: auto; align-horizontal: center; }
    ConflictModal Button { margin: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        # Shifted: a `k` (previous criterion) typed as the dialog appears never keeps mine.
        Binding("M", "keep_mine", "Keep mine", id="conflict.keep_mine",
                tooltip="Save your choice over theirs, as a new event (both stay in the log)"),
        Binding("t", "take_theirs", "Take theirs", id="conflict.take_theirs",
                tooltip="Their choice stands and is shown; yours is not saved (the log keeps it, refused)"),
        Binding("escape", "cancel", "Cancel", id="conflict.cancel",
                tooltip="Save nothing; their choice stands and is shown"),
    ]  # fmt: skip

    def __init__(self, seen: ConflictSeen, criterion: Criterion | None, student: str) -> None:
        super().__init__()
        self.seen = seen
        self.criterion = criterion
        self.student = student
        """The student as the screen names them: "Zoë Ångström (00123)"."""
        self._quit_after: Callable[[], object] | None = None
        """The app's quit, asked for while this dialog waited for an answer."""

    def compose(self) -> ComposeResult:
        seen, criterion = self.seen, self.criterion
        title = criterion.title if criterion else seen.criterion_id
        heading = Text("Not saved: ", style="bold")
        heading.append_text(safe_text(seen.theirs_by, style="bold", limit=60))
        heading.append(" changed ", style="bold")
        heading.append_text(safe_text(title, style="bold", limit=80))
        heading.append(" of ", style="bold")
        heading.append_text(safe_text(self.student, style="bold", limit=80))
        heading.append(" after your screen showed it", style="bold")
        mine = side("Mine", seen.mine_by, seen.mine_at, choice_lines(seen.mine, criterion, seen.mine_points))
        theirs_lines = choice_lines(seen.theirs, criterion, seen.theirs_points)
        theirs = side("Theirs", seen.theirs_by, seen.theirs_at, theirs_lines)
        with Vertical():
            yield Static(heading, id="conflict-title")
            with Horizontal(id="conflict-sides"):
                yield Static(mine, id="conflict-mine", classes="conflict-side")
                yield Static(theirs, id="conflict-theirs", classes="conflict-side")
            with Horizontal(id="conflict-buttons"):
                yield Button("Keep mine (M)", id="keep-mine", variant="warning")
                yield Button("Take theirs (t)", id="take-theirs", variant="primary")
                yield Button("Cancel (escape)", id="cancel")
            yield Static(Text(HINT, style="dim"))
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#take-theirs", Button).focus()  # enter never overwrites someone's work

    def confirm_quit(self, quit_app: Callable[[], object]) -> bool:
        """Quitting waits for the answer (the choices made after this one wait for it too)."""
        self._quit_after = quit_app
        self.notify("answer first (M, t or escape): grader quits once it is saved", severity="warning")
        return True

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        answers = {"keep-mine": Resolution.KEEP_MINE, "take-theirs": Resolution.TAKE_THEIRS}
        self._answer(answers.get(event.button.id or "", Resolution.CANCEL))

    def action_keep_mine(self) -> None:
        self._answer(Resolution.KEEP_MINE)

    def action_take_theirs(self) -> None:
        self._answer(Resolution.TAKE_THEIRS)

    def action_cancel(self) -> None:
        self._answer(Resolution.CANCEL)

    def _answer(self, resolution: Resolution) -> None:
        quit_after, app = self._quit_after, self.app
        self.dismiss(resolution)
        if quit_after is not None:
            app.call_later(quit_after)

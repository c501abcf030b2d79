"""The rubric beside the code: criteria with numbered levels or items, choices, the running total."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from typing import ClassVar

from rich.console import Console
from rich.text import Text
from textual.binding import BindingType
from textual.message import Message
from textual.widget import Widget

from grader.domain.autograde import CheckResult
from grader.domain.choice_words import signed_text
from grader.domain.choices import CriterionChoice
from grader.domain.course import LatePolicy
from grader.domain.events import NO_AUTOGRADE, AutogradeScore, SubmissionGrade
from grader.domain.lateness import late_text, penalty_text
from grader.domain.rubric import Criterion, CriterionKind, Rubric
from grader.domain.scoring import effective_choices, late_days, score_criterion, score_submission
from grader.gradebook.grading import ChoiceRequest
from grader.tui.grading.keys import GRADING_PANEL_BINDINGS
from grader.tui.points import number
from grader.tui.safe import safe_text
from grader.tui.widgets.autograde_result import autograde_lines

CHOSEN = "●"
"""Before the chosen level (the focused criterion has ▶): state in a mark, not only in colour."""
MIN_WRAP = 16
"""Narrower than this, a line is left to the widget's own wrapping."""


@cache
def _wrap_console() -> Console:
    """The console rich's wrapping needs (it only reads settings; nothing is printed)."""
    return Console(width=200, color_system=None, force_terminal=False)


@dataclass(frozen=True)
class Chosen:
    """What a key chose for one criterion: the request to save, the choice to show, and whether
    the focus moves on (a checklist tick stays: enter confirms the set)."""

    criterion_id: str
    request: ChoiceRequest
    shown: CriterionChoice
    moves_on: bool = True


@dataclass
class RubricState:
    """What the panel shows and where the focus is; pure, so the moves are testable alone."""

    rubric: Rubric
    choices: dict[str, CriterionChoice] = field(default_factory=dict)
    late_minutes: int | None = None
    policy: LatePolicy = field(default_factory=LatePolicy)
    only: str | None = None
    """Grade by criterion: the one criterion shown."""
    focus: int = 0
    unsaved: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Choices whose save failed, per criterion, in words (shown as NOT SAVED, never as chosen)."""
    autograde: Mapping[str, AutogradeScore] = field(default_factory=lambda: NO_AUTOGRADE)
    """The submission's autograde layer (each autograded criterion's current result)."""
    runs: Mapping[str, CheckResult] = field(default_factory=dict)
    """The latest run of each autograded criterion, tests and output included."""
    width: int | None = None
    """Cells a line may take: longer level and item lines wrap under their label (None: no wrap)."""

    @property
    def shown(self) -> tuple[Criterion, ...]:
        """The criteria shown, each of which the focus reaches (autograded ones too)."""
        if self.only is not None:
            return tuple(c for c in self.rubric.criteria if c.id == self.only)
        return self.rubric.criteria

    @property
    def focused(self) -> Criterion | None:
        shown = self.shown
        return shown[self.focus % len(shown)] if shown else None

    def choice(self, criterion_id: str) -> CriterionChoice:
        """The grader's own choice (on an autograded criterion: an override, an adjustment)."""
        return self.choices.get(criterion_id, CriterionChoice())

    def effective(self) -> dict[str, CriterionChoice]:
        """What is scored: the graders' choices with the autograde layer merged in."""
        grade = SubmissionGrade("", "", 0, self.choices, "", None, autograde=self.autograde)
        return effective_choices(self.rubric, grade)

    def _needs_grader(self, criterion: Criterion) -> bool:
        """A manual criterion without a choice: where the focus moves on to (an autograded one
        is only reached with j/k, so grading stays k + 1 keys)."""
        return criterion.is_manual and not self.choice(criterion.id).is_scored

    def move(self, step: int) -> bool:
        """Move the focus ``step`` criteria on, stopping at the first and the last (no wrap);
        False when it was there already."""
        if not self.shown:
            return False
        before = self.focus % len(self.shown)
        self.focus = max(0, min(len(self.shown) - 1, before + step))
        return self.focus != before

    def focus_on(self, criterion_id: str) -> None:
        for index, criterion in enumerate(self.shown):
            if criterion.id == criterion_id:
                self.focus = index

    def advance(self) -> None:
        """Focus the next manual criterion without a choice (after this one, wrapping); else stay."""
        shown = self.shown
        for step in range(1, len(shown) + 1):
            index = (self.focus + step) % len(shown)
            if self._needs_grader(shown[index]):
                self.focus = index
                return

    def first_unscored(self) -> None:
        for index, criterion in enumerate(self.shown):
            if self._needs_grader(criterion):
                self.focus = index
                return
        self.focus = next((i for i, c in enumerate(self.shown) if c.is_manual), 0)

    def choose(self, n: int) -> Chosen | str:
        """What key ``n`` chooses on the focused criterion (a level, or a checklist tick); else why not."""
        criterion = self.focused
        if criterion is None:
            return "nothing to choose here"
        old = self.choice(criterion.id)
        if criterion.kind is CriterionKind.LEVELS:
            if not 1 <= n <= len(criterion.levels):
                return f"{criterion.title} has {len(criterion.levels)} levels"
            label = criterion.levels[n - 1].label
            return Chosen(criterion.id, ChoiceRequest(level=label), replace(old, level=label))
        if criterion.kind is CriterionKind.CHECKLIST:
            if not 1 <= n <= len(criterion.items):
                return f"{criterion.title} has {len(criterion.items)} items"
            label, current = criterion.items[n - 1].label, old.items or ()
            chosen = [x for x in current if x != label] if label in current else [*current, label]
            items = tuple(it.label for it in criterion.items if it.label in chosen)
            return Chosen(criterion.id, ChoiceRequest(items=items), replace(old, items=items), moves_on=False)
        if criterion.kind is CriterionKind.AUTOGRADED:
            return "an autograded criterion: enter accepts the run, p types points (an override)"
        return "type the points: press enter"

    def none_applies(self) -> Chosen | str:
        """Key 0 on a checklist: no item applies."""
        criterion = self.focused
        if criterion is None or criterion.kind is not CriterionKind.CHECKLIST:
            return "0 is for a checklist: no item applies"
        return Chosen(criterion.id, ChoiceRequest(items=()), replace(self.choice(criterion.id), items=()))

    def points(self, criterion_id: str, points: Decimal) -> Chosen:
        return Chosen(
            criterion_id, ChoiceRequest(points=points), replace(self.choice(criterion_id), points=points)
        )

    def render(self) -> Text:
        out = Text(end="")
        effective = self.effective()
        for criterion in self.shown:
            self._criterion(out, criterion, effective.get(criterion.id, CriterionChoice()))
        self._total(out, effective)
        return out

    def _criterion(self, out: Text, criterion: Criterion, scored: CriterionChoice) -> None:
        choice = self.choice(criterion.id)
        is_focused = criterion is self.focused
        points = score_criterion(criterion, scored)
        got = "–" if points is None else number(points)
        marker = "▶ " if is_focused else "  "
        head_style = "bold reverse" if is_focused else "bold"
        out.append(marker, style="bold")
        out.append(criterion.title, style=head_style)
        out.append(f"  {got} / {number(criterion.max_points)}\n", style="dim" if points is None else "bold")
        for lost in self.unsaved.get(criterion.id, ()):
            out.append("   NOT SAVED: ", style="bold white on red")
            out.append_text(safe_text(lost, style="bold red", limit=120))
            out.append("\n")
        if criterion.kind is CriterionKind.AUTOGRADED:
            run, layer = self.runs.get(criterion.id), self.autograde.get(criterion.id)
            autograde_lines(out, criterion, run, layer, choice, focused=is_focused)
        elif criterion.kind is CriterionKind.LEVELS:
            for n, level in enumerate(criterion.levels[:9], start=1):
                chosen = choice.level == level.label
                # The marker says it without colour (NO_COLOR): the chosen level has a dot.
                mark = f"  {CHOSEN} {n} " if chosen else f"    {n} "
                style = "bold green reverse" if chosen else ""
                line = Text(f"{level.label} ({number(level.points)})", style=style)
                if is_focused and level.description:
                    line.append(f" — {level.description}", style="dim")
                self._hanging(out, Text(mark, style="bold" if chosen else ""), line)
        elif criterion.kind is CriterionKind.CHECKLIST:
            for n, item in enumerate(criterion.items[:9], start=1):
                ticked = item.label in (choice.items or ())
                box = "[x]" if ticked else "[ ]"
                line = Text(f"{item.label} ({number(item.points)})", style="bold green" if ticked else "")
                if is_focused and item.description:
                    line.append(f" — {item.description}", style="dim")
                self._hanging(out, Text(f"    {n} {box} ", style="bold" if ticked else ""), line)
            if is_focused:
                out.append("      0: no item applies\n", style="italic dim")
            if choice.items == ():
                out.append("      no item applies\n", style="green")
        else:
            shown = "–" if choice.points is None else number(choice.points)
            out.append(f"   points: {shown} (enter to type)\n")
        if choice.adjustment:  # the one wording (choice_words.adjustment_words), the comment made safe
            out.append(f"   {signed_text(choice.adjustment)} adjusted", style="magenta")
            if choice.adjustment_comment:
                out.append(": ", style="magenta")
                out.append_text(safe_text(choice.adjustment_comment))
            out.append("\n")
        if choice.comment:
            out.append("   comment: ", style="cyan")
            out.append_text(safe_text(choice.comment, limit=300))
            out.append("\n")

    def _hanging(self, out: Text, mark: Text, line: Text) -> None:
        """``mark`` then ``line``, wrapped to the width with every further line indented under
        the first (a hanging indent: the digits and markers stay a clear column)."""
        room = None if self.width is None else self.width - mark.cell_len
        if room is None or room < MIN_WRAP or line.cell_len <= room:
            out.append_text(mark)
            out.append_text(line)
            out.append("\n")
            return
        indent = " " * mark.cell_len
        for index, part in enumerate(line.wrap(_wrap_console(), room)):
            out.append_text(mark if index == 0 else Text(indent))
            out.append_text(part)
            out.append("\n")

    def _total(self, out: Text, effective: Mapping[str, CriterionChoice]) -> None:
        if self.only is not None:
            return
        score = score_submission(self.rubric, effective, self.late_minutes, self.policy)
        out.append("\nTotal ", style="bold")
        out.append(f"{number(score.total)} / {number(score.max_score)}", style="bold")
        if score.penalty:
            out.append(f"  ({penalty_text(score.penalty)})", style="red")
        out.append("\n")
        if self.late_minutes:
            days = late_days(self.late_minutes, self.policy)
            grace = " (within grace)" if days == 0 else f", {days} day(s) counted"
            out.append(f"{late_text(self.late_minutes)}{grace}\n", style="red" if days else "yellow")
        else:
            out.append("on time\n", style="green")


class RubricPanel(Widget, can_focus=True):
    """Renders a RubricState and owns the keys that act on its focused criterion.

    A key changes the state at once (the choice shown, the focus moved on), so the next key acts
    on what the grader sees; then a message tells the screen, which saves the choice, asks for
    points, opens files. While the screen takes no choice (``taking_choices`` False: saving
    fails, or the submission is read-only) a key changes nothing and the screen says why.
    """

    DEFAULT_CSS = """
    RubricPanel { height: auto; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = GRADING_PANEL_BINDINGS

    class ChoiceMade(Message):
        """A key chose for the focused criterion (a level, a tick, no item applies)."""

        def __init__(self, chosen: Chosen, focus_before: int, *, shown: bool) -> None:
            super().__init__()
            self.chosen = chosen
            self.focus_before = focus_before
            """Where the focus was before the choice moved it on."""
            self.shown = shown
            """The panel shows it already (False: it took no choice, the screen says why)."""

    class Confirmed(Message):
        """Enter on a criterion whose choice stands (ticks, an autograde run's score:
        ``moved_on``) or is typed (points, an autograded one with no score yet)."""

        def __init__(self, criterion: Criterion, focus_before: int, *, moved_on: bool) -> None:
            super().__init__()
            self.criterion = criterion
            self.focus_before = focus_before
            self.moved_on = moved_on

    class PointsAsked(Message):
        def __init__(self, criterion: Criterion) -> None:
            super().__init__()
            self.criterion = criterion

    class OutputAsked(Message):
        def __init__(self, criterion: Criterion) -> None:
            super().__init__()
            self.criterion = criterion

    class CriterionFocused(Message):
        """j/k moved the focus to ``criterion``."""

        def __init__(self, criterion: Criterion | None) -> None:
            super().__init__()
            self.criterion = criterion

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.state: RubricState | None = None
        self.taking_choices = True
        """Set by the screen: False while no choice is taken (a key then changes nothing)."""

    def show(self, state: RubricState | None) -> None:
        self.state = state
        self.refresh(layout=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The criterion keys need a submission shown (hidden from the key bar until then)."""
        return self.state is not None

    def take(self, chosen: Chosen | str) -> None:
        """A choice made by a key (or typed in the points dialog): shown at once, focus moved on,
        then told to the screen (ChoiceMade); a key that chooses nothing says why."""
        if self.state is None:
            return
        if isinstance(chosen, str):
            self.notify(chosen, severity="warning", markup=False)
            return
        focus_before = self.state.focus
        if self.taking_choices:
            self.apply(chosen)
        self.post_message(self.ChoiceMade(chosen, focus_before, shown=self.taking_choices))

    def apply(self, chosen: Chosen) -> None:
        """Show ``chosen`` and move the focus on when it moves on."""
        if self.state is not None:
            self.state.choices[chosen.criterion_id] = chosen.shown
            if chosen.moves_on:
                self.state.advance()
            self.refresh(layout=True)

    def action_choose(self, n: int) -> None:
        if self.state is not None:
            self.take(self.state.choose(n))

    def action_none_apply(self) -> None:
        if self.state is not None:
            self.take(self.state.none_applies())

    def action_confirm(self) -> None:
        """Enter: on a checklist with no tick, no item applies; on ticks or an autograde run's
        score, that stands and the focus moves on; else the screen asks for the points."""
        state = self.state
        criterion = state.focused if state else None
        if state is None or criterion is None:
            return
        if criterion.kind is CriterionKind.CHECKLIST and state.choice(criterion.id).items is None:
            self.take(state.none_applies())
            return
        stands = criterion.kind is CriterionKind.CHECKLIST or (
            criterion.kind is CriterionKind.AUTOGRADED and state.effective().get(criterion.id) is not None
        )
        focus_before = state.focus
        if stands and self.taking_choices:
            state.advance()
            self.refresh(layout=True)
        self.post_message(self.Confirmed(criterion, focus_before, moved_on=stands))

    def action_points(self) -> None:
        if self.state is not None and self.state.focused is not None:
            self.post_message(self.PointsAsked(self.state.focused))

    def action_output(self) -> None:
        if self.state is not None and self.state.focused is not None:
            self.post_message(self.OutputAsked(self.state.focused))

    def action_move(self, step: int) -> None:
        if self.state is not None:
            self.state.move(step)
            self.refresh(layout=True)
            self.post_message(self.CriterionFocused(self.state.focused))

    def focus_line(self) -> int:
        """The line of the focused criterion's title (to scroll it into view)."""
        if self.state is None or self.state.focused is None:
            return 0
        self.state.width = self.content_size.width or None
        plain = self.state.render().plain.split("\n")
        return next((n for n, line in enumerate(plain) if line.startswith("▶ ")), 0)

    def render(self) -> Text:
        if self.state is None:
            return Text("loading…", style="dim")
        self.state.width = self.content_size.width or None
        return self.state.render()

"""The rubric panel for blind second marking: the manual criteria with the moderator's own second
marks and nothing else (no first mark, no total, no lateness, no autograde run)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import BindingType

from grader.domain.rubric import Criterion
from grader.tui.grading.keys import SECOND_MARKING_PANEL_BINDINGS
from grader.tui.safe import safe_text
from grader.tui.widgets.rubric_panel import RubricPanel, RubricState


class SecondMarkState(RubricState):
    """``choices`` hold the moderator's second marks; autograded criteria are listed as not
    moderated and never take the focus."""

    @property
    def shown(self) -> tuple[Criterion, ...]:
        return self.rubric.manual_criteria

    def render(self) -> Text:
        out = Text(end="")
        for criterion in self.shown:
            self._criterion(out, criterion, self.choice(criterion.id))
        skipped = [c.title for c in self.rubric.criteria if not c.is_manual]
        if skipped:
            out.append("\nnot moderated (autograded): ", style="dim italic")
            out.append_text(safe_text(", ".join(skipped), style="dim italic"))
            out.append("\n")
        return out


class SecondMarkPanel(RubricPanel, inherit_bindings=False):
    """The rubric panel of the Second marking screen: its keys choose second marks."""

    BINDINGS: ClassVar[list[BindingType]] = SECOND_MARKING_PANEL_BINDINGS
